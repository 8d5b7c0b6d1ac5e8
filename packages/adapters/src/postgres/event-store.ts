import {
  WrongExpectedRevisionError,
  type AppendRequest,
  type AppendResult,
  type Clock,
  type EventToAppend,
  type EventStore,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
} from '@kessai/domain';
import type { Pool, PoolClient } from 'pg';
import { AppendQueue, type PendingAppend } from './append-queue.js';
import { checkEvent, checkRevision, checkStream, EVENT_COLUMNS, sqlLimit, storedEventOf, type EventRow } from './event-rows.js';
import { importEvents, type ImportOptions } from './event-import.js';
import { EXPECTED_CODES } from './event-store-schema.js';
import { checkSchemaName, DEFAULT_SCHEMA, ident, inTransaction, preparedName, sqlState, toSafeInteger, UNIQUE_VIOLATION } from './sql.js';

export interface PostgresEventStoreOptions {
  readonly pool: Pool;
  /** Where `migrate` created the tables. Default `kessai`. */
  readonly schema?: string;
  /** Stamps `recordedAt` (a simulated clock in test mode); the database's transaction time when absent. */
  readonly clock?: Clock;
  /**
   * How long `readAll` and `headPosition` may wait for this store's own committed appends to come into view
   * (default 5,000 ms; 0: never wait). See `PostgresEventStore`.
   */
  readonly readYourWritesTimeoutMs?: number;
  /**
   * How many append statements this store runs at once (default 2). Appends made while that many are running
   * wait and then go together in one statement: one round trip and one commit for all of them (see AppendQueue).
   * Infinity sends every append on its own.
   */
  readonly appendsInFlight?: number;
}

/** Anything that runs a query: the pool (each append its own transaction) or a client inside a caller's transaction. */
type Queryable = Pick<Pool, 'query'> | Pick<PoolClient, 'query'>;

/** What `append_events` answered: each request's revision before it and the first position, or the first conflict. */
type AppendOutcome =
  | { readonly ok: true; readonly results: readonly AppendResult[] }
  | { readonly ok: false; readonly conflict: number; readonly actual: number };

/** What `append_event` answered: on a conflict the stream's actual revision, else the event's revision and position. */
interface AppendOneRow {
  readonly conflict: boolean;
  readonly head: string;
  readonly event_position: string | null;
}

interface AppendRow {
  readonly conflict: number | null;
  readonly actual: string | null;
  readonly bases: readonly string[] | null;
  readonly first_position: string | null;
}

/**
 * The PostgreSQL event store. An append is one statement (`append_events`, or `append_event` for one event to one
 * stream; see event-store-schema.ts for why it is a function and how it keeps global reads gap-free; appends made
 * concurrently through one store may share a statement, see AppendQueue); `readAll` and `headPosition` only show
 * events whose transaction is older than every transaction still running that writes this schema's events, which
 * is always a prefix of the log (read-horizon.ts).
 *
 * While an older event writer is still running, new events stay out of view. So that a caller can read what it
 * has just written (a command followed by an inline catch-up), `readAll` and `headPosition` wait, briefly and with
 * back-off, until the highest position this instance appended itself is in view; after `readYourWritesTimeoutMs` they answer with what is visible, which is
 * still gap-free, only older. Events appended through `appendWithin` are not waited for (their commit is the
 * caller's).
 */
export class PostgresEventStore implements EventStore {
  readonly atomicMultiStreamAppend = true;
  readonly schema: string;
  readonly #pool: Pool;
  readonly #clock: Clock | undefined;
  readonly #sql: ReturnType<typeof statements>;
  readonly #waitMs: number;
  /** The highest position this instance appended and saw committed. */
  #ownHead = 0;
  readonly #queue: AppendQueue;

  constructor(options: PostgresEventStoreOptions) {
    this.#pool = options.pool;
    this.schema = checkSchemaName(options.schema ?? DEFAULT_SCHEMA);
    this.#clock = options.clock;
    this.#sql = statements(this.schema);
    this.#waitMs = options.readYourWritesTimeoutMs ?? 5_000;
    this.#queue = new AppendQueue(options.appendsInFlight ?? 2, (group) => this.#sendGroup(group));
  }

  async append(request: AppendRequest): Promise<AppendResult> {
    const [result] = await this.appendMany([request]);
    return result as AppendResult;
  }

  async appendMany(requests: readonly AppendRequest[]): Promise<readonly AppendResult[]> {
    if (requests.length === 0) return [];
    checkRequests(requests);
    const results = await this.#queue.enqueue(requests, this.#clock === undefined ? null : this.#clock.now());
    for (const { position } of results) this.#ownHead = Math.max(this.#ownHead, position);
    return results;
  }

  /**
   * Appends, then runs `alsoWrite` on the same connection, in one transaction: both commit, or neither (a conflict
   * or an error in either rolls back both). For writes that must not outlive their events, as a token's card
   * number. Unlike `appendWithin`, this store waits to see these events in `readAll`, as for `append`.
   */
  async appendWith(requests: readonly AppendRequest[], alsoWrite: (client: PoolClient) => Promise<void>): Promise<readonly AppendResult[]> {
    if (requests.length === 0) throw new RangeError('appendWith needs at least one append request');
    checkRequests(requests);
    const recordedAt = this.#clock === undefined ? null : this.#clock.now();
    const results = await inTransaction(this.#pool, async (client) => {
      // The append first: it must be the transaction's first write (event-store-schema.ts).
      const appended = await this.#appendAlone(client, requests, recordedAt);
      await alsoWrite(client);
      return appended;
    });
    for (const { position } of results) this.#ownHead = Math.max(this.#ownHead, position);
    return results;
  }

  /**
   * Appends inside a transaction the caller holds on `client` (to commit events with other writes). The append
   * must be the transaction's first write, so once per transaction, or the database refuses it (see
   * event-store-schema.ts); the events become visible to `readAll` when the caller commits.
   */
  async appendWithin(client: PoolClient, requests: readonly AppendRequest[]): Promise<readonly AppendResult[]> {
    if (requests.length === 0) return [];
    checkRequests(requests);
    return this.#appendAlone(client, requests, this.#clock === undefined ? null : this.#clock.now());
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<readonly StoredEvent[]> {
    const limit = sqlLimit(options.limit ?? Number.POSITIVE_INFINITY);
    const from = options.from === undefined ? null : checkRevision(options.from, 'from');
    const to = options.to === undefined ? null : checkRevision(options.to, 'to');
    if (limit === 0) return [];
    // No visibility horizon here: a command handler must see its stream's latest committed revision, and the
    // per-stream lock already orders a stream's events.
    const sql = options.direction === 'backwards' ? this.#sql.readStreamBackwards : this.#sql.readStreamForwards;
    const { rows } = await this.#pool.query<EventRow>(sql, [stream, from, to, limit]);
    return rows.map(storedEventOf);
  }

  async readAll(options: ReadAllOptions): Promise<readonly StoredEvent[]> {
    const after = options.after ?? 0;
    if (!Number.isSafeInteger(after) || after < 0) throw new RangeError(`readAll: after must be an integer >= 0, got ${after}`);
    const limit = sqlLimit(options.limit);
    if (limit === 0) return [];
    // The appends made before this call, not those made while it waits: under load the head keeps moving.
    const own = this.#ownHead;
    const rows = await this.#whenOwnWritesShow(
      async () => (await this.#pool.query<EventRow>(this.#sql.readAll, [after, limit])).rows,
      (rows) => rows.length === limit || (rows.length === 0 ? after : toSafeInteger(rows[rows.length - 1]!.position, 'position')) >= own,
    );
    return rows.map(storedEventOf);
  }

  headPosition(): Promise<number> {
    const own = this.#ownHead;
    return this.#whenOwnWritesShow(
      async () => {
        const { rows } = await this.#pool.query<{ position: string }>(this.#sql.head);
        return rows[0] === undefined ? 0 : toSafeInteger(rows[0].position, 'position');
      },
      (head) => head >= own,
    );
  }

  /**
   * Loads events another store recorded (a JSONL export, a memory store), keeping positions, revisions and
   * recorded times. They must continue this store's log exactly; all of them load, in one transaction, or none.
   */
  async importEvents(events: Iterable<StoredEvent> | AsyncIterable<StoredEvent>, options: ImportOptions = {}): Promise<number> {
    const { imported, last } = await importEvents(this.#pool, this.schema, events, options);
    this.#ownHead = Math.max(this.#ownHead, last);
    return imported;
  }

  /** Runs a read again, with back-off, until it shows this instance's own appends or the wait runs out. */
  async #whenOwnWritesShow<T>(read: () => Promise<T>, showsOwnWrites: (result: T) => boolean): Promise<T> {
    const giveUpAt = Date.now() + this.#waitMs;
    // What holds the horizon back is usually another append committing within a millisecond: the first retries
    // go at once (a read costs a round trip), then back off.
    for (let attempt = 0; ; attempt++) {
      const result = await read();
      if (showsOwnWrites(result) || Date.now() >= giveUpAt) return result;
      const pause = attempt < IMMEDIATE_RETRIES ? 0 : Math.min(2 ** (attempt - IMMEDIATE_RETRIES), 50);
      await new Promise((resolve) => (pause === 0 ? setImmediate(resolve) : setTimeout(resolve, pause)));
    }
  }

  /**
   * Sends calls the queue grouped. One call: as it is. Several: one statement for all, each call given its own
   * slice of the results; when that statement is refused (a conflict, or any error the database reported, so
   * nothing was written), each call is sent again on its own, so that it gets exactly the answer it would have had
   * alone. An error that leaves the outcome unknown (a lost connection) fails every call of the group, as it would
   * have failed each of them.
   */
  async #sendGroup(group: readonly PendingAppend[]): Promise<void> {
    const first = group[0]!;
    if (group.length === 1) {
      try {
        first.resolve(await this.#appendAlone(this.#pool, first.requests, first.recordedAt));
      } catch (e) {
        first.reject(e);
      }
      return;
    }
    const requests = group.flatMap((p) => p.requests);
    let outcome: AppendOutcome | undefined;
    let values: unknown[] | undefined;
    try {
      values = appendValues(requests, first.recordedAt);
    } catch {
      // Data that does not encode (one call's): each call alone, so that only that call fails.
    }
    if (values !== undefined)
      try {
        outcome = await this.#send(this.#pool, requests, values);
      } catch (e) {
        if (sqlState(e) === undefined) throw e;
      }
    if (outcome?.ok === true) {
      let from = 0;
      for (const pending of group) {
        pending.resolve(outcome.results.slice(from, from + pending.requests.length));
        from += pending.requests.length;
      }
      return;
    }
    for (const pending of group) {
      try {
        pending.resolve(await this.#appendAlone(this.#pool, pending.requests, pending.recordedAt));
      } catch (e) {
        pending.reject(e);
      }
    }
  }

  /** One appendMany call in one statement: its results, or the conflict that refused it. */
  async #appendAlone(db: Queryable, requests: readonly AppendRequest[], recordedAt: number | null): Promise<readonly AppendResult[]> {
    let outcome: AppendOutcome;
    try {
      const only = requests.length === 1 ? requests[0]! : undefined;
      outcome =
        only?.events.length === 1
          ? await this.#sendOne(db, only, only.events[0]!, recordedAt)
          : await this.#send(db, requests, appendValues(requests, recordedAt));
    } catch (e) {
      // The function finds conflicts before writing; a unique violation means a writer bypassed it. Same answer.
      if (sqlState(e) === UNIQUE_VIOLATION && (e as { constraint?: unknown }).constraint === 'events_stream_revision')
        throw await this.#conflictAfterRace(requests);
      throw e;
    }
    if (outcome.ok) return outcome.results;
    const request = requests[outcome.conflict - 1] as AppendRequest;
    throw new WrongExpectedRevisionError(request.stream, request.expected, outcome.actual);
  }

  /** One `append_events` call (a named statement: parsed and planned once per connection). */
  async #send(db: Queryable, requests: readonly AppendRequest[], values: unknown[]): Promise<AppendOutcome> {
    const { rows } = await db.query<AppendRow>({ name: this.#sql.appendName, text: this.#sql.append, values });
    const row = rows[0];
    if (row === undefined) throw new Error('append_events returned no row');
    if (row.conflict !== null) return { ok: false, conflict: row.conflict, actual: toSafeInteger(row.actual ?? -1, 'revision') };
    const bases = row.bases ?? [];
    let position = toSafeInteger(row.first_position ?? 0, 'position') - 1;
    const results = requests.map((request, i) => {
      const base = toSafeInteger(bases[i] ?? -1, 'revision');
      const count = request.events.length;
      position += count;
      return { stream: request.stream, revision: base + count, position: count === 0 ? 0 : position };
    });
    return { ok: true, results };
  }

  /** One event to one stream: one `append_event` call (migration 6), the same answer as `#send` would give. */
  async #sendOne(db: Queryable, request: AppendRequest, event: EventToAppend, recordedAt: number | null): Promise<AppendOutcome> {
    const values = [
      request.stream,
      expectedCode(request.expected),
      event.type,
      event.version,
      JSON.stringify(event.data ?? null),
      JSON.stringify(event.metadata),
      recordedAt === null ? null : new Date(recordedAt),
    ];
    const { rows } = await db.query<AppendOneRow>({ name: this.#sql.appendOneName, text: this.#sql.appendOne, values });
    const row = rows[0];
    if (row === undefined) throw new Error('append_event returned no row');
    const head = toSafeInteger(row.head, 'revision');
    if (row.conflict) return { ok: false, conflict: 1, actual: head };
    return { ok: true, results: [{ stream: request.stream, revision: head, position: toSafeInteger(row.event_position ?? 0, 'position') }] };
  }

  /** The conflict to report when the database refused a write: the first request whose stream moved on. */
  async #conflictAfterRace(requests: readonly AppendRequest[]): Promise<WrongExpectedRevisionError> {
    const { rows } = await this.#pool.query<{ name: string; revision: string }>(this.#sql.revisions, [requests.map((r) => r.stream)]);
    const actual = new Map(rows.map((r) => [r.name, toSafeInteger(r.revision, 'revision')]));
    const first = requests[0] as AppendRequest;
    const moved = requests.find((r) => r.expected !== 'any') ?? first;
    return new WrongExpectedRevisionError(moved.stream, moved.expected, actual.get(moved.stream) ?? -1);
  }
}

/** Reads of the horizon retried without a pause before backing off (see #whenOwnWritesShow). */
const IMMEDIATE_RETRIES = 3;

/** `append_events`' parameters for these requests. */
const appendValues = (requests: readonly AppendRequest[], recordedAt: number | null): unknown[] => {
  const streams: string[] = [];
  const expected: number[] = [];
  const counts: number[] = [];
  const events: unknown[] = [];
  requests.forEach((request, i) => {
    streams.push(request.stream);
    expected.push(expectedCode(request.expected));
    counts.push(request.events.length);
    for (const event of request.events) events.push([i + 1, event.type, event.version, event.data ?? null, event.metadata]);
  });
  return [streams, expected, counts, JSON.stringify(events), recordedAt === null ? null : new Date(recordedAt)];
};

/** The same checks as the memory store, made before anything is queued or sent. */
const checkRequests = (requests: readonly AppendRequest[]): void => {
  for (const request of requests) {
    checkStream(request.stream);
    for (const event of request.events) checkEvent(event);
  }
};

/** Numbers that can never match (not an integer, below -1) become a code that never matches, as in memory. */
const expectedCode = (expected: ExpectedRevision): number => {
  if (typeof expected === 'number') return Number.isSafeInteger(expected) && expected >= -1 ? expected : -4;
  return EXPECTED_CODES[expected];
};

const statements = (schema: string) => {
  const s = ident(schema);
  return {
    // The two append calls are prepared (parsed once per connection): a function call's plan is the same at any
    // table size. The reads are planned at each call: a prepared statement's cached plan outlives the table's
    // growth, and one cached while the events table was small reads it whole (a scan and a sort) until the
    // server next analyzes it.
    appendName: preparedName(schema, 'es_append'),
    append: `SELECT conflict, actual, bases, first_position FROM ${s}.append_events($1::text[], $2::bigint[], $3::integer[], $4::jsonb, $5::timestamptz)`,
    appendOneName: preparedName(schema, 'es_append_one'),
    appendOne: `SELECT conflict, head, event_position FROM ${s}.append_event($1::text, $2::bigint, $3::text, $4::integer, $5::jsonb, $6::jsonb, $7::timestamptz)`,
    // Below the horizon of this schema's event writers (migration 7, read-horizon.ts).
    readAll: `SELECT ${EVENT_COLUMNS} FROM ${s}.read_events($1::bigint, $2::integer)`,
    head: `SELECT ${s}.head_position() AS position`,
    readStreamForwards: `SELECT ${EVENT_COLUMNS} FROM ${s}.events
      WHERE stream = $1 AND ($2::bigint IS NULL OR revision >= $2) AND ($3::bigint IS NULL OR revision <= $3)
      ORDER BY revision LIMIT $4`,
    // Backwards, `from` is the newest revision wanted and `to` the oldest.
    readStreamBackwards: `SELECT ${EVENT_COLUMNS} FROM ${s}.events
      WHERE stream = $1 AND ($2::bigint IS NULL OR revision <= $2) AND ($3::bigint IS NULL OR revision >= $3)
      ORDER BY revision DESC LIMIT $4`,
    revisions: `SELECT name, revision FROM ${s}.streams WHERE name = ANY ($1::text[])`,
  };
};
