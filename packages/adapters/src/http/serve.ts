import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { CardVault, Clock, EventStore } from '@kessai/domain';
import type { ReadModelStore } from '@kessai/projections';
import type { CardsWithEvents } from '../app/context.js';
import type { IdempotencyStore } from '../app/idempotency.js';
import { Kessai } from '../app/kessai.js';
import { MemoryEventStore } from '../memory/event-store.js';
import { MemoryReadModelStore } from '../memory/read-model-store.js';
import { MemoryCardVault } from '../test-mode/card-vault.js';
import { TestModeCardNetwork } from '../test-mode/card-network.js';
import { FaultWindowCvcVerifier, INCIDENT_WINDOW, TestModeCvcVerifier, type TimeWindow } from '../test-mode/cvc-verifier.js';
import { RandomIdGenerator, SystemClock } from '../test-mode/seeded.js';
import { connectPostgres } from '../postgres/connection.js';
import { vaultKeysFromEnv, type VaultKeys } from '../postgres/vault-key.js';
import { parseMerchants, randomMerchant, type Merchant, type MerchantConfig } from './auth.js';
import { jsonLinesSink, type LogSink } from './log.js';
import { createHttpApi, type KessaiHttpApi } from './server.js';
import { readModelDeliveryState } from './delivery-state.js';
import type { WebhookLease, WebhookOptions } from './webhooks.js';

/**
 * A clock that starts at a chosen instant and then runs with real time: simulated = start + (elapsed since boot).
 * Elapsed time comes from the monotonic clock, so a wall-clock adjustment never sends it backwards. `set` jumps
 * forward (never back), for a request header that moves into or past a fault window.
 */
export class OffsetClock implements Clock {
  #start: number;
  readonly #boot: number;

  constructor(start: number) {
    if (!Number.isSafeInteger(start)) throw new RangeError('The clock needs a start in integer epoch milliseconds.');
    this.#start = start;
    this.#boot = performance.now();
  }

  now(): number {
    return this.#start + Math.floor(performance.now() - this.#boot);
  }

  set(at: number): number {
    const now = this.now();
    if (!Number.isSafeInteger(at) || at < now) throw new RangeError('The clock only moves forward.');
    this.#start += at - now;
    return this.now();
  }
}

/**
 * An ISO time with its offset (`+09:00`, `Z`) to epoch milliseconds. Without an offset JavaScript reads a time in
 * this machine's time zone, and a window five hours off would report "nothing affected": so one is required.
 */
export const isoInstant = (text: string, what: string): number => {
  const at = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text) || Number.isNaN(at))
    throw new Error(`${what}: expected an ISO time such as 2017-06-07T16:55:00+09:00, got "${text}".`);
  if (!/(?:Z|[+-]\d{2}:?\d{2})$/i.test(text))
    throw new Error(`${what}: "${text}" has no time zone offset; write it as 2017-06-07T16:55:00+09:00 (JST) or with Z (UTC).`);
  return at;
};

/** `<from>/<to>` as two ISO times with offsets; `what` names the option in errors. */
export const parseTimeWindow = (text: string, what: string): TimeWindow => {
  const parts = text.split('/');
  if (parts.length !== 2) throw new Error(`${what}: expected <from>/<to>, two ISO times separated by "/", such as 2017-06-07T16:55+09:00/2017-06-07T21:55+09:00.`);
  const from = isoInstant(parts[0]!, what);
  const to = isoInstant(parts[1]!, what);
  if (from >= to) throw new Error(`${what}: it must end after it starts ("${text}").`);
  return { from, to };
};

/** `<from>/<to>` as two ISO times, or `incident` for 2017-06-07 16:55 to 21:55 JST. */
export const parseWindow = (text: string): TimeWindow => (text === 'incident' ? INCIDENT_WINDOW : parseTimeWindow(text, '--incident-window'));

export interface ServeOptions {
  /** 0 picks a free port. */
  readonly port: number;
  readonly host?: string;
  /** A JSON list of merchants: `[{ id, secretKeys, publicKeys, webhooks: [{ url, token }] }]`. */
  readonly keysFile?: string;
  /** Merchants given directly (tests); used when there is no keys file. */
  readonly merchants?: readonly MerchantConfig[];
  /** PostgreSQL connection URL: events, read models, the card vault and webhook delivery state live there. */
  readonly pg?: string;
  /** The PostgreSQL schema (default `kessai`). */
  readonly pgSchema?: string;
  /** The vault's keys with PostgreSQL (default: KESSAI_VAULT_KEY and KESSAI_FINGERPRINT_SECRET). */
  readonly vaultKeys?: VaultKeys;
  /** Run the faulty CVC verifier of the 2017 incident in this window (`<from>/<to>`, or a window). */
  readonly incidentWindow?: string | TimeWindow;
  /** Start the payment clock at this instant (ISO time or epoch ms); it then runs with real time. */
  readonly clock?: string | number;
  readonly webhooks?: WebhookOptions;
  readonly log?: LogSink;
}

export interface RunningServer {
  readonly app: KessaiHttpApi;
  readonly kessai: Kessai;
  readonly url: string;
  readonly port: number;
  readonly merchants: readonly Merchant[];
  /** `memory` or `postgres`. */
  readonly store: 'memory' | 'postgres';
  /** True when no keys were given and a test merchant with random keys was made (print them). */
  readonly generatedKeys: boolean;
  readonly clock: Clock;
  readonly incidentWindow: TimeWindow | null;
  close(): Promise<void>;
}

const loadMerchants = async (options: ServeOptions): Promise<{ merchants: Merchant[]; generated: boolean }> => {
  if (options.keysFile !== undefined) {
    let text: string;
    try {
      text = await readFile(options.keysFile, 'utf8');
    } catch {
      throw new Error(`--keys: cannot read ${options.keysFile}.`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`--keys: ${options.keysFile} is not valid JSON.`);
    }
    return { merchants: parseMerchants(json), generated: false };
  }
  if (options.merchants !== undefined) return { merchants: parseMerchants(options.merchants), generated: false };
  return { merchants: [randomMerchant()], generated: true };
};

interface Stores {
  readonly events: EventStore;
  readonly readModels: ReadModelStore;
  readonly vault: CardVault;
  /** Where the webhook reactor keeps its checkpoint and deliveries: durable with PostgreSQL. */
  readonly deliveries: ReadModelStore | null;
  /** Idempotency records: in this process's memory (null), or shared by every server on the database. */
  readonly idempotency: IdempotencyStore | null;
  /** Shared by the webhook reactors of every server on the database, so that one of them delivers. */
  readonly webhookLease: WebhookLease | null;
  /** A token's card number and events in one transaction (PostgreSQL). */
  readonly cardsWithEvents: CardsWithEvents | null;
  readonly close: () => Promise<void>;
}

const memoryStores = (clock: Clock): Stores => ({
  events: new MemoryEventStore({ clock }),
  readModels: new MemoryReadModelStore(),
  // A fingerprint secret per boot is fine for a store that lives as long as the process.
  vault: new MemoryCardVault(process.env['KESSAI_VAULT_SECRET'] ?? randomBytes(32).toString('hex')),
  deliveries: null,
  idempotency: null,
  webhookLease: null,
  cardsWithEvents: null,
  close: () => Promise.resolve(),
});

const postgresStores = async (url: string, options: ServeOptions, clock: Clock): Promise<Stores> => {
  // Read the keys before connecting, so a missing one fails without touching the database.
  let keys: VaultKeys;
  try {
    keys = options.vaultKeys ?? vaultKeysFromEnv();
  } catch (e) {
    throw new Error(`--pg: ${e instanceof Error ? e.message : String(e)}`);
  }
  let connection: Awaited<ReturnType<typeof connectPostgres>>;
  try {
    connection = await connectPostgres(url, { ...(options.pgSchema === undefined ? {} : { schema: options.pgSchema }), connectionTimeoutMillis: 10_000 });
  } catch (e) {
    // pg's messages name the host and the user, never the password; the URL itself is not repeated.
    throw new Error(`--pg: cannot connect to PostgreSQL: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  return {
    ...connection.kessaiStores(keys, { clock }),
    deliveries: connection.readModelStore(),
    webhookLease: connection.lease('webhook-reactor'),
    close: () => connection.close(),
  };
};

/**
 * Starts the HTTP facade in test mode (PAY.JP's test cards, random ids): on memory stores, or on PostgreSQL with
 * `pg` (events, read models, the encrypted vault and webhook delivery state persist across restarts).
 */
export const startServer = async (options: ServeOptions): Promise<RunningServer> => {
  const { merchants, generated } = await loadMerchants(options);
  const window = options.incidentWindow === undefined ? null : typeof options.incidentWindow === 'string' ? parseWindow(options.incidentWindow) : options.incidentWindow;
  const start = options.clock === undefined ? null : typeof options.clock === 'number' ? options.clock : isoInstant(options.clock, '--clock');
  const clock: Clock = start === null ? new SystemClock() : new OffsetClock(start);
  const stores = options.pg === undefined ? memoryStores(clock) : await postgresStores(options.pg, options, clock);

  try {
    const plain = new TestModeCvcVerifier();
    const kessai = new Kessai({
      events: stores.events,
      readModels: stores.readModels,
      vault: stores.vault,
      verifier: window === null ? plain : new FaultWindowCvcVerifier(plain, window),
      network: new TestModeCardNetwork(),
      clock,
      ids: new RandomIdGenerator(),
      ...(stores.idempotency === null ? {} : { idempotency: stores.idempotency }),
      ...(stores.cardsWithEvents === null ? {} : { cardsWithEvents: stores.cardsWithEvents }),
    });
    // Events written while no server ran (an import, another process) are projected before the first request.
    await kessai.runner.catchUp();
    const log = options.log ?? jsonLinesSink();
    const webhooks: WebhookOptions = {
      ...(stores.deliveries === null ? {} : { state: readModelDeliveryState(stores.deliveries) }),
      ...(stores.webhookLease === null ? {} : { lease: stores.webhookLease }),
      ...options.webhooks,
    };
    const app = createHttpApi({ kessai, merchants, log, webhooks });
    const host = options.host ?? '127.0.0.1';
    await app.listen({ port: options.port, host });
    let closing: Promise<void> | undefined;
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : options.port;
    return {
      app,
      kessai,
      url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/v1`,
      port,
      merchants,
      store: options.pg === undefined ? 'memory' : 'postgres',
      generatedKeys: generated,
      clock,
      incidentWindow: window,
      // Idempotent: a second call waits for the first (ending a pool twice throws).
      close: () =>
        (closing ??= (async () => {
          await app.close();
          await stores.close();
        })()),
    };
  } catch (e) {
    await stores.close();
    throw e;
  }
};
