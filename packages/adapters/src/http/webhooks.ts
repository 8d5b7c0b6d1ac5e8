import type { EventStore, StoredEvent } from '@kessai/domain';
import { apiChangeOf, apiEventId, toProjected, type PayjpEvent } from '@kessai/projections';
import type { Kessai } from '../app/kessai.js';
import type { Merchant } from './auth.js';
import { pendingCount, readModelDeliveryState, type DeliveryRecord, type DeliveryStateStore, type EndpointDelivery } from './delivery-state.js';
import { describeError, redact, silentSink, type LogSink } from './log.js';

/** How long `stop` lets deliveries under way finish before it cuts them short (a slow endpoint must not hold it). */
const STOP_GRACE_MS = 2_000;

/**
 * Webhooks: a reactor that turns the API events of each command into POSTs to the merchant's endpoints.
 *
 * It tails the event store, not the read models. Its checkpoint is its own global position in the store, kept in
 * its own state, so nothing that happens to projections (a rebuild, a blue/green switch, a time-travel build, a
 * replay into another store) moves it: a delivery happens once per API event, when the reactor first passes the
 * domain event that made it. For each domain event that makes an API event (`apiChangeOf`), it derives the API
 * event's id the way the events view does (`apiEventId(stream, revision)`) and takes the event document from the
 * live read models, after making sure they have projected at least that far. Commands commit all their events
 * together, so once a position is projected the whole command is, and the document is final: later commands make
 * new API events and never touch this one. A domain event that only refreshes an API event of its own command
 * (CardAttached after CustomerCreated) derives an id no event has, and is skipped.
 *
 * Delivery state (which endpoint answered 2xx, attempts, next try) is the reactor's, not a projection of domain
 * events: PAY.JP's `pending_webhooks` is read from it (`pending`) and laid over the event document at read time, so
 * a rebuild, which writes 0 into every event document, cannot reset it.
 *
 * Several processes on one PostgreSQL store (several servers) share one lease (`WebhookLease`): the holder tails
 * the store, delivers and saves the state; the others only read the state, so their `pending_webhooks` stay right,
 * and try for the lease at each poll. A process that takes the lease reloads the state first, so it goes on from
 * where the last holder stopped.
 */

/** Work one process at a time may do (PostgresLease: an advisory lock freed when its holder's connection ends). */
export interface WebhookLease {
  /** True while this process holds the lease: takes it when it is free, keeps it when it already holds it. */
  hold(): Promise<boolean>;
  release(): Promise<void>;
}

export interface WebhookOptions {
  /** Wait between attempts after a non-2xx answer or a network error (PAY.JP: 3 minutes). */
  readonly retryIntervalMs?: number;
  /** Attempts after the first (PAY.JP: 3). */
  readonly maxRetries?: number;
  /** Per attempt. */
  readonly timeoutMs?: number;
  /** How often the reactor looks for new events and due retries when nothing nudges it. */
  readonly pollIntervalMs?: number;
  /** Where a reactor without a saved checkpoint starts: at the store's head (default: only events from now on) or at the beginning. */
  readonly startFrom?: 'head' | 'beginning';
  readonly state?: DeliveryStateStore;
  readonly fetch?: typeof fetch;
  /** Wall clock for retry timing (real time even when the payment clock is simulated). */
  readonly now?: () => number;
  readonly log?: LogSink;
  /** Deliveries in flight at once. */
  readonly concurrency?: number;
  /** Shared by every reactor on one store, so that one delivers (default: none, this reactor is the only one). */
  readonly lease?: WebhookLease;
}

interface Endpoint {
  readonly url: string;
  readonly token: string;
}

const isSuccess = (status: number) => status >= 200 && status < 300;

/** Where a URL points, without its query string (which could hold a secret) for log lines. */
/**
 * Why a POST got no answer, in a word an operator can act on: the network's error code (ECONNREFUSED, ENOTFOUND,
 * ECONNRESET...) that undici keeps under "fetch failed", or a timeout. A stack trace would say nothing more, at every
 * retry of every event.
 */
const noAnswerReason = (e: unknown): string => {
  if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) return 'timeout';
  const cause = (e as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  return e instanceof Error ? redact(e.message).slice(0, 200) : 'unknown';
};

const logUrl = (url: string) => {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid url)';
  }
};


export class WebhookReactor {
  readonly #events: EventStore;
  readonly #kessai: Kessai;
  readonly #endpoints: ReadonlyMap<string, readonly Endpoint[]>;
  readonly #state: DeliveryStateStore;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  readonly #log: LogSink;
  readonly #retryIntervalMs: number;
  readonly #maxRetries: number;
  readonly #timeoutMs: number;
  readonly #pollIntervalMs: number;
  readonly #startFrom: 'head' | 'beginning';
  readonly #concurrency: number;
  readonly #lease: WebhookLease | null;
  /** Whether this reactor delivers: it holds the lease, or there is none. */
  #holding = false;

  readonly #records = new Map<string, DeliveryRecord>();
  /** Attempts under way, by record key and url, so a slow endpoint is not tried twice at once. */
  readonly #inFlight = new Set<string>();
  #checkpoint = 0;
  #started: Promise<void> | null = null;
  #stopped = false;
  /** Aborts the deliveries under way when the reactor stops, so a slow endpoint does not hold up a shutdown. */
  readonly #stopping = new AbortController();
  #timer: NodeJS.Timeout | null = null;
  /** Scans run one at a time. */
  #scanning: Promise<void> = Promise.resolve();
  /** Ticks run one at a time; a nudge during one asks for another. */
  #ticking: Promise<void> | null = null;
  #again = false;
  /** Record writes commit in the order they were made, so a later state never lands before an earlier one. */
  #saving: Promise<void> = Promise.resolve();

  constructor(kessai: Kessai, merchants: readonly Merchant[], options: WebhookOptions = {}) {
    this.#kessai = kessai;
    this.#events = kessai.ports.events;
    const endpoints = new Map<string, Endpoint[]>();
    for (const m of merchants) {
      const unique = new Map(m.webhooks.map((w) => [w.url, { url: w.url, token: w.token }]));
      if (unique.size > 0) endpoints.set(m.id, [...unique.values()]);
    }
    this.#endpoints = endpoints;
    this.#state = options.state ?? readModelDeliveryState();
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#now = options.now ?? Date.now;
    this.#log = options.log ?? silentSink;
    this.#retryIntervalMs = options.retryIntervalMs ?? 180_000;
    this.#maxRetries = options.maxRetries ?? 3;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.#startFrom = options.startFrom ?? 'head';
    this.#concurrency = options.concurrency ?? 4;
    this.#lease = options.lease ?? null;
  }

  /**
   * Saves where delivery begins unless a checkpoint is saved (the head now, before the server takes requests, or 0),
   * loads the saved state and begins polling. Idempotent. With a lease, loading waits until it takes the lease.
   *
   * The beginning is saved by whichever server sharing the state starts first, not by the first to take the lease:
   * a later server taking the lease first (the earlier one's database connection failing at that moment) would
   * otherwise begin at its own, later head, and pass over the events of requests the earlier one served.
   */
  start(): Promise<void> {
    this.#started ??= (async () => {
      await this.#state.begin(this.#startFrom === 'head' ? await this.#events.headPosition() : 0);
      if (this.#lease === null) {
        await this.#load();
        this.#holding = true;
      } else await this.#readRecords();
      this.#schedule(0);
    })();
    return this.#started;
  }

  /** The saved state, whole: the records and the checkpoint (saved by `start`, so there is one). */
  async #load(): Promise<void> {
    const checkpoint = await this.#readRecords();
    if (checkpoint === null) throw new Error('webhook delivery state has no checkpoint: it was cleared after this reactor started');
    this.#checkpoint = checkpoint;
  }

  /** Replaces the records with the saved ones (all a reactor without the lease does, for `pending`); answers the saved checkpoint. */
  async #readRecords(): Promise<number | null> {
    const saved = await this.#state.load();
    this.#records.clear();
    for (const record of saved.records) this.#records.set(record.key, record);
    return saved.checkpoint;
  }

  /** Whether this reactor may deliver now; on taking the lease, it first loads what the previous holder saved. */
  async #holdLease(): Promise<boolean> {
    if (this.#lease === null) return true;
    const held = await this.#lease.hold();
    if (held && !this.#holding) {
      await this.#load();
      this.#log({ level: 'info', msg: 'webhook reactor took the lease', checkpoint: this.#checkpoint });
    } else if (!held && this.#holding) this.#log({ level: 'warn', msg: 'webhook reactor lost the lease; another process delivers' });
    this.#holding = held;
    return held;
  }

  /**
   * Stops polling, lets the attempts under way finish for a moment (an endpoint that already answered is then
   * recorded, and not sent the event again after a restart), cuts short those still waiting, and waits for the
   * state to be saved.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const grace = setTimeout(() => this.#stopping.abort(), Math.min(STOP_GRACE_MS, this.#timeoutMs));
    try {
      await this.#ticking;
      await this.#scanning;
    } finally {
      clearTimeout(grace);
      this.#stopping.abort();
    }
    await this.#saving;
    await this.#lease?.release();
    this.#holding = false;
  }

  /** Whether this reactor delivers (it holds the lease, or has none to share). */
  get holding(): boolean {
    return this.#holding;
  }

  /** The global position up to which API events have been taken in. */
  get checkpoint(): number {
    return this.#checkpoint;
  }

  /** PAY.JP's `pending_webhooks` for an event: its endpoints that have not answered 2xx yet. */
  pending(merchant: string, eventId: string): number {
    return pendingCount(this.#records.get(`${merchant}/${eventId}`));
  }

  /** The event as the API shows it, with `pending_webhooks` from the delivery state. */
  overlay(merchant: string, event: PayjpEvent): PayjpEvent {
    return { ...event, pending_webhooks: this.pending(merchant, event.id) };
  }

  /** The delivery records still pending or failed. */
  records(): readonly DeliveryRecord[] {
    return [...this.#records.values()];
  }

  /** Asks for a tick now (after a command), without waiting for it. */
  nudge(): void {
    if (this.#stopped || this.#started === null) return;
    this.#schedule(0);
  }

  /**
   * Takes in every API event the live read models hold: after it, `pending` is right for every event a read can
   * return. Reads of events call it first.
   */
  sync(): Promise<void> {
    const run = this.#scanning.then(async () => {
      if (this.#started === null) return;
      await this.#started;
      // Without the lease, the holder writes the records: read them, and write nothing.
      if (this.#holding) await this.#scan();
      else await this.#readRecords();
    });
    this.#scanning = run.catch(() => undefined);
    return run;
  }

  async #scan(): Promise<void> {
    // Project first: the reactor reads documents the projections made, and must not run ahead of them.
    const projected = (await this.#kessai.runner.catchUp()).position;
    while (this.#checkpoint < projected) {
      const batch = await this.#events.readAll({ after: this.#checkpoint, limit: Math.min(500, projected - this.#checkpoint) });
      if (batch.length === 0) break;
      const added: DeliveryRecord[] = [];
      for (const stored of batch) {
        const record = await this.#recordFor(stored);
        if (record !== null) added.push(record);
      }
      const checkpoint = batch[batch.length - 1]!.position;
      await this.#save({ checkpoint, put: added });
      this.#checkpoint = checkpoint;
      for (const record of added) this.#records.set(record.key, record);
    }
  }

  async #recordFor(stored: StoredEvent): Promise<DeliveryRecord | null> {
    const endpoints = this.#endpoints.get(stored.metadata.merchant);
    if (endpoints === undefined) return null;
    const change = apiChangeOf(toProjected(stored).event);
    if (change === null || change.type === null) return null;
    const eventId = apiEventId(stored.stream, stored.revision);
    const found = await this.#kessai.events.retrieve(stored.metadata.merchant, eventId);
    // No such event: this domain event refreshed the API event of its own command instead of making one.
    if (!found.ok) return null;
    const now = this.#now();
    return {
      key: `${stored.metadata.merchant}/${eventId}`,
      merchant: stored.metadata.merchant,
      eventId,
      position: stored.position,
      event: found.value,
      endpoints: endpoints.map((e) => ({ url: e.url, status: 'pending', attempts: 0, nextAttemptAt: now, lastStatus: null })),
    };
  }

  #save(change: Parameters<DeliveryStateStore['save']>[0]): Promise<void> {
    const run = this.#saving.then(() => this.#state.save(change));
    this.#saving = run.catch(() => undefined);
    return run;
  }

  #schedule(delay: number): void {
    if (this.#stopped) return;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#tick();
    }, delay);
    this.#timer.unref();
  }

  #tick(): Promise<void> {
    if (this.#ticking !== null) {
      this.#again = true;
      return this.#ticking;
    }
    this.#ticking = (async () => {
      do {
        this.#again = false;
        try {
          if (await this.#holdLease()) {
            await this.sync();
            await this.#deliverDue();
          }
        } catch (e) {
          this.#log({ level: 'error', msg: 'webhook reactor failed; retrying at the next poll', ...describeError(e) });
        }
      } while (this.#again && !this.#stopped);
    })().finally(() => {
      this.#ticking = null;
      if (!this.#stopped) this.#schedule(this.#nextDelay());
    });
    return this.#ticking;
  }

  #nextDelay(): number {
    let next = this.#pollIntervalMs;
    const now = this.#now();
    for (const record of this.#records.values())
      for (const e of record.endpoints) if (e.status === 'pending') next = Math.min(next, Math.max(0, e.nextAttemptAt - now));
    return next;
  }

  async #deliverDue(): Promise<void> {
    const now = this.#now();
    const due: (readonly [string, string])[] = [];
    for (const record of this.#records.values())
      for (const e of record.endpoints)
        if (e.status === 'pending' && e.nextAttemptAt <= now && !this.#inFlight.has(`${record.key} ${e.url}`)) due.push([record.key, e.url]);
    let next = 0;
    const worker = async () => {
      while (next < due.length && !this.#stopped) {
        const [key, url] = due[next++]!;
        await this.#attempt(key, url);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, due.length) }, worker));
  }

  async #attempt(key: string, url: string): Promise<void> {
    const record = this.#records.get(key);
    if (record === undefined) return;
    const slot = `${key} ${url}`;
    this.#inFlight.add(slot);
    try {
      const endpoint = this.#endpoints.get(record.merchant)?.find((e) => e.url === url);
      const status = endpoint === undefined ? null : await this.#post(endpoint, record);
      // An attempt cut short by a shutdown does not count: it is made again after a restart. (One that got an
      // answer is recorded; at worst a receiver sees an event twice, which PAY.JP's receivers must handle anyway.)
      if (this.#stopped && status === null) return;
      this.#settle(key, url, status, endpoint === undefined);
    } finally {
      this.#inFlight.delete(slot);
    }
    const settled = this.#records.get(key);
    if (settled !== undefined && pendingCount(settled) === 0) {
      this.#records.delete(key);
      await this.#save({ remove: [key] });
    } else if (settled !== undefined) await this.#save({ put: [settled] });
  }

  /** One POST of the event; the HTTP status, or null when no answer came. */
  async #post(endpoint: Endpoint, record: DeliveryRecord): Promise<number | null> {
    const body = JSON.stringify({ ...record.event, pending_webhooks: pendingCount(record) });
    try {
      const response = await this.#fetch(endpoint.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'kessai-webhooks/1', 'X-Payjp-Webhook-Token': endpoint.token },
        body,
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(this.#timeoutMs), this.#stopping.signal]),
      });
      await response.body?.cancel().catch(() => undefined);
      return response.status;
    } catch (e) {
      if (this.#stopped) return null;
      this.#log({ level: 'warn', msg: 'webhook delivery got no answer', url: logUrl(endpoint.url), event: record.eventId, reason: noAnswerReason(e) });
      return null;
    }
  }

  /** Records one attempt's outcome on the record (the map holds the newest state; records are replaced, never mutated). */
  #settle(key: string, url: string, status: number | null, endpointGone: boolean): void {
    const record = this.#records.get(key);
    if (record === undefined) return;
    const now = this.#now();
    const endpoints = record.endpoints.map((e): EndpointDelivery => {
      if (e.url !== url) return e;
      const attempts = e.attempts + 1;
      if (status !== null && isSuccess(status)) return { ...e, status: 'delivered', attempts, lastStatus: status };
      const exhausted = endpointGone || attempts > this.#maxRetries;
      return { ...e, status: exhausted ? 'failed' : 'pending', attempts, lastStatus: status, nextAttemptAt: now + this.#retryIntervalMs };
    });
    const next = { ...record, endpoints };
    this.#records.set(key, next);
    const outcome = endpoints.find((e) => e.url === url)!;
    this.#log({
      level: outcome.status === 'delivered' ? 'info' : 'warn',
      msg: outcome.status === 'delivered' ? 'webhook delivered' : outcome.status === 'failed' ? 'webhook delivery gave up' : 'webhook delivery will be retried',
      url: logUrl(url),
      event: record.eventId,
      attempt: outcome.attempts,
      status,
    });
  }
}
