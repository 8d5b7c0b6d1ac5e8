import {
  BACKWARDS,
  END,
  START,
  type AllStreamRecordedEvent,
  type AppendResult as ServerAppendResult,
  type EventStoreDBClient,
  type Position,
  type ReadStreamOptions as ServerReadStreamOptions,
  type RecordedEvent,
} from '@eventstore/db-client';
import {
  revisionMatches,
  WrongExpectedRevisionError,
  type AppendRequest,
  type AppendResult,
  type EventStore,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
} from '@kessai/domain';
import { conflictOf, conflictOfResult, isStreamNotFound } from './errors.js';
import { belongsToStore, checkEvent, checkStreamPrefix, decodeRecorded, encodeEvent, serverStreamOf } from './event-codec.js';
import { toEsdbExpectedRevision } from './expected-revision.js';
import { comparePositions, formatPosition, PositionIndex, toSafeNumber } from './positions.js';
import { checkLimit, checkRevision, streamReadPlan } from './stream-reads.js';
import { subscribeToStore, type CatchUpOptions, type CatchUpSubscription } from './subscription.js';

export interface EventStoreDbEventStoreOptions {
  /** The caller's client (see `connectEventStoreDb`); the store never disposes it. */
  readonly client: EventStoreDBClient;
  /**
   * Put before every stream name on the server (default none). Several stores can then share a server, each seeing
   * only its own streams in `readAll`; the tests give each store a fresh one. It may not start with `$`.
   */
  readonly streamPrefix?: string;
  /** How long an append waits for its own events to show in `$all` (default 5,000 ms). */
  readonly visibilityTimeoutMs?: number;
}

/** Raw `$all` records per read (system events included, so a page holds fewer of the store's events). */
const PAGE = 1000;

interface Checked {
  readonly request: AppendRequest;
  readonly serverStream: string;
}

/**
 * The event store on EventStoreDB (`@eventstore/db-client` 6.x, servers 22.6 and later).
 *
 * - Streams map 1:1 (`streamPrefix + stream`); revisions are the server's.
 * - Appends are atomic per stream only: `appendMany` writes its requests one after the other
 *   (`atomicMultiStreamAppend` is false; the 6.x client has no multi-stream append). Before writing it checks every
 *   stream's expectation, so a conflict already visible fails the call with nothing written; one that arrives in
 *   between leaves the earlier streams written. Event ids are derived from the append (event-id.ts), so that
 *   re-sending an append whose answer was lost writes nothing twice.
 * - Positions are the store's own dense numbering of its events in `$all` order (positions.ts), kept by an
 *   in-process index built by reading `$all` forwards. The first call of a process that needs positions (an append,
 *   a read, `headPosition`) reads `$all` from the start once; after that each call reads only what is new.
 *   `$all` is one ordered log, read only up to what the server committed, so `readAll` never shows a gap.
 * - `$all` reads have no server-side filter in the 6.x client (its `readAll` sends `no_filter`), so `readAll`
 *   drops system events (and other prefixes' streams) itself; `subscribe` filters on the server.
 */
export class EventStoreDbEventStore implements EventStore {
  readonly atomicMultiStreamAppend = false;
  readonly streamPrefix: string;
  readonly #client: EventStoreDBClient;
  readonly #waitMs: number;
  readonly #index = new PositionIndex();
  /** The `$all` read bringing the index to the end, shared by concurrent callers. */
  #pass: Promise<void> | null = null;

  constructor(options: EventStoreDbEventStoreOptions) {
    this.#client = options.client;
    this.streamPrefix = checkStreamPrefix(options.streamPrefix ?? '');
    this.#waitMs = options.visibilityTimeoutMs ?? 5_000;
  }

  async append(request: AppendRequest): Promise<AppendResult> {
    return this.#appendOne(this.#check(request));
  }

  async appendMany(requests: readonly AppendRequest[]): Promise<readonly AppendResult[]> {
    // Everything is checked before anything is written: bad data anywhere leaves every stream untouched.
    const checked = requests.map((r) => this.#check(r));
    if (checked.length > 1) await this.#failEarly(checked);
    const results: AppendResult[] = [];
    for (const one of checked) results.push(await this.#appendOne(one));
    return results;
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<readonly StoredEvent[]> {
    const limit = checkLimit(options.limit ?? Number.POSITIVE_INFINITY);
    let from = options.from === undefined ? undefined : checkRevision(options.from, 'from');
    const to = options.to === undefined ? undefined : checkRevision(options.to, 'to');
    // A name that is not one of this store's streams (a system stream) holds none of its events.
    const name = this.streamPrefix + stream;
    if (limit === 0 || typeof stream !== 'string' || stream === '' || name.startsWith('$')) return [];
    const backwards = options.direction === 'backwards';
    if (backwards && from !== undefined) {
      const last = await this.#revisionOf(name);
      if (last === -1) return [];
      from = Math.min(from, last);
    }
    const plan = streamReadPlan({ backwards, limit, ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) });
    if (plan === null) return [];
    const recorded = (await this.#readServerStream(name, plan.options))
      .filter((r) => belongsToStore(this.streamPrefix, r))
      .filter((r) => r.revision >= BigInt(plan.lowest) && (plan.highest === Number.POSITIVE_INFINITY || r.revision <= BigInt(plan.highest)))
      .slice(0, plan.limit);
    if (recorded.length === 0) return [];
    const positions = recorded.map((r) => positionOf(r));
    const newest = positions.reduce((a, b) => (comparePositions(a, b) >= 0 ? a : b));
    await this.#ordinalOf(newest);
    return recorded.map((r, i) => decodeRecorded(this.streamPrefix, r, this.#indexed(positions[i] as Position)));
  }

  async readAll(options: ReadAllOptions): Promise<readonly StoredEvent[]> {
    const after = options.after ?? 0;
    if (!Number.isSafeInteger(after) || after < 0) throw new RangeError(`readAll: after must be an integer >= 0, got ${after}`);
    const limit = checkLimit(options.limit);
    if (limit === 0) return [];
    if (after > this.#index.count) await this.#catchUp();
    if (after > this.#index.count) return [];
    const out: StoredEvent[] = [];
    let ordinal = after;
    let from = this.#index.positionAt(after);
    for (;;) {
      const page = await this.#readAllPage(from);
      for (const r of page.events) {
        if (!belongsToStore(this.streamPrefix, r)) continue;
        ordinal++;
        this.#index.record(ordinal, r.position);
        out.push(decodeRecorded(this.streamPrefix, r, ordinal));
        if (out.length === limit) return out;
      }
      if (page.end) return out;
      from = page.last;
    }
  }

  async headPosition(): Promise<number> {
    await this.#catchUp();
    return this.#index.count;
  }

  /**
   * A catch-up subscription to this store's events over `$all` with a server-side filter, resuming after the
   * checkpoint `after` (see subscription.ts). For projections: store the position of the last event handled with
   * the documents it produced, and pass it back to resume.
   */
  subscribe(options: CatchUpOptions): CatchUpSubscription {
    return subscribeToStore(
      { client: this.#client, prefix: this.streamPrefix, index: this.#index, startOf: (after) => this.#startOf(after) },
      options,
    );
  }

  #check(request: AppendRequest): Checked {
    const serverStream = serverStreamOf(this.streamPrefix, request.stream);
    for (const event of request.events) checkEvent(event);
    return { request, serverStream };
  }

  /** Fails before the first write when a stream of the call is already not where its request expects it. */
  async #failEarly(checked: readonly Checked[]): Promise<void> {
    // A stream named again expects what the earlier request leaves: only its first request can be checked now.
    const seen = new Set<string>();
    const firsts = checked.filter(({ serverStream, request }) => {
      const first = !seen.has(serverStream);
      seen.add(serverStream);
      return first && request.expected !== 'any';
    });
    const actual = await Promise.all(firsts.map((c) => this.#revisionOf(c.serverStream)));
    firsts.forEach(({ request }, i) => {
      if (!revisionMatches(request.expected, actual[i] as number)) throw new WrongExpectedRevisionError(request.stream, request.expected, actual[i] as number);
    });
  }

  async #appendOne({ request, serverStream }: Checked): Promise<AppendResult> {
    const { stream, expected, events } = request;
    // Nothing to write: check the expectation and report the revision, as the other stores do.
    if (events.length === 0) {
      const actual = await this.#revisionOf(serverStream);
      if (!revisionMatches(expected, actual)) throw new WrongExpectedRevisionError(stream, expected, actual);
      return { stream, revision: actual, position: 0 };
    }
    const expectedRevision = toEsdbExpectedRevision(expected);
    if (expectedRevision === null) throw new WrongExpectedRevisionError(stream, expected, await this.#revisionOf(serverStream));
    const data = events.map((event, i) => encodeEvent(serverStream, expected, i, event));
    let result: ServerAppendResult;
    try {
      result = await this.#client.appendToStream(serverStream, data, { expectedRevision });
    } catch (e) {
      throw conflictOf(e, stream, expected) ?? e;
    }
    const conflict = conflictOfResult(result, stream, expected);
    if (conflict !== null) throw conflict;
    // Where the last event lies in $all, as reads report it (reads are what the index is built from). The append's
    // own answer is not used: the server reports one position for a whole write, and none for a recognised retry.
    const last = await this.#positionOfRevision(serverStream, result.nextExpectedRevision);
    return { stream, revision: toSafeNumber(result.nextExpectedRevision, 'revision'), position: await this.#ordinalOf(last) };
  }

  /** The revision of a server stream's last event; -1 when it has none. */
  async #revisionOf(serverStream: string): Promise<number> {
    const [last] = await this.#readServerStream(serverStream, { fromRevision: END, direction: BACKWARDS, maxCount: 1 });
    return last === undefined ? -1 : toSafeNumber(last.revision, 'revision');
  }

  async #positionOfRevision(serverStream: string, revision: bigint): Promise<Position> {
    const [event] = await this.#readServerStream(serverStream, { fromRevision: revision, maxCount: 1 });
    if (event === undefined) throw new Error(`EventStoreDB: ${serverStream}@${revision} was appended but cannot be read`);
    return positionOf(event);
  }

  /** A server stream's events; a stream that does not exist reads as empty. */
  async #readServerStream(serverStream: string, options: ServerReadStreamOptions): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    try {
      for await (const resolved of this.#client.readStream(serverStream, options)) if (resolved.event !== undefined) out.push(resolved.event);
    } catch (e) {
      if (isStreamNotFound(e)) return [];
      throw e;
    }
    return out;
  }

  /** One page of `$all` after `from` (inclusive reads: the record at `from` itself is dropped). */
  async #readAllPage(from: Position | undefined): Promise<{ events: AllStreamRecordedEvent[]; end: boolean; last: Position | undefined }> {
    const events: AllStreamRecordedEvent[] = [];
    let raw = 0;
    let last = from;
    for await (const resolved of this.#client.readAll({ fromPosition: from ?? START, maxCount: PAGE })) {
      raw++;
      const event = resolved.event;
      if (event === undefined) continue;
      last = event.position;
      if (from === undefined || comparePositions(event.position, from) > 0) events.push(event);
    }
    return { events, end: raw < PAGE, last };
  }

  /** Brings the index to the end of `$all` as it was at (or after) this call. Concurrent callers share one read. */
  async #catchUp(): Promise<void> {
    // A read already running may have passed the end before this call: wait for it, then share the next one.
    if (this.#pass !== null) await this.#pass.catch(() => undefined);
    this.#pass ??= this.#readToEnd().finally(() => {
      this.#pass = null;
    });
    return this.#pass;
  }

  async #readToEnd(): Promise<void> {
    let ordinal = this.#index.count;
    let from = this.#index.positionAt(ordinal);
    for (;;) {
      const page = await this.#readAllPage(from);
      for (const r of page.events) if (belongsToStore(this.streamPrefix, r)) this.#index.record(++ordinal, r.position);
      if (page.end) return;
      from = page.last;
    }
  }

  /**
   * The store position of the event at `$all` position `at`, reading `$all` until the index reaches it. A server
   * acknowledges a write once it is readable on the leader; the short wait covers a read served by a follower.
   */
  async #ordinalOf(at: Position): Promise<number> {
    const giveUpAt = Date.now() + this.#waitMs;
    for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
      if (this.#covers(at)) return this.#indexed(at);
      await this.#catchUp();
      if (this.#covers(at)) return this.#indexed(at);
      if (Date.now() >= giveUpAt) throw new Error(`EventStoreDB: the event at $all ${formatPosition(at)} did not show in $all within ${this.#waitMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  #covers(at: Position): boolean {
    const last = this.#index.last;
    return last !== undefined && comparePositions(last, at) >= 0;
  }

  #indexed(at: Position): number {
    const ordinal = this.#index.ordinalOf(at);
    if (ordinal === undefined) throw new Error(`EventStoreDB: no event of this store at $all ${formatPosition(at)}`);
    return ordinal;
  }

  async #startOf(after: number): Promise<Position | undefined> {
    if (!Number.isSafeInteger(after) || after < 0) throw new RangeError(`subscribe: after must be an integer >= 0, got ${after}`);
    if (after > this.#index.count) await this.#catchUp();
    if (after > this.#index.count) throw new RangeError(`subscribe: checkpoint ${after} is past the store's head ${this.#index.count}`);
    return this.#index.positionAt(after);
  }
}

/** Events read from a stream carry their `$all` position on servers from 22.6 on; the store needs it. */
const positionOf = (event: RecordedEvent): Position => {
  if (event.position === undefined)
    throw new Error(`EventStoreDB sent ${event.streamId}@${event.revision} without its $all position: the adapter needs a server of version 22.6 or later`);
  return event.position;
};
