import {
  revisionMatches,
  WrongExpectedRevisionError,
  type AppendRequest,
  type AppendResult,
  type Clock,
  type EventMetadata,
  type EventStore,
  type EventToAppend,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
} from '@kessai/domain';
import { frozenCopy, StringPool } from './frozen-copy.js';

/** A history handed to `loadAll` that a store could not have written: a gap, a revision out of order, a bad field. */
export class InvalidHistoryError extends Error {
  readonly _tag = 'InvalidHistory';
  readonly stream: string;
  readonly revision: number;
  readonly position: number;
  /** Which of the events handed to `loadAll` it is (0 for the first): a duplicate names the same position as its original. */
  readonly index: number | undefined;
  constructor(message: string, event: { readonly stream: string; readonly revision: number; readonly position: number }, index?: number) {
    super(`${message} (stream ${event.stream}, revision ${event.revision}, position ${event.position})`);
    this.name = 'InvalidHistoryError';
    this.stream = event.stream;
    this.revision = event.revision;
    this.position = event.position;
    this.index = index;
  }
}

export interface MemoryEventStoreOptions {
  /** Stamps `recordedAt`; the system clock when absent. */
  readonly clock?: Clock;
  /** Already-stored events to start from (a JSONL import, a recorded fixture); checked like `loadAll`. */
  readonly events?: Iterable<StoredEvent>;
}

const systemClock: Clock = { now: () => Date.now() };

/**
 * The embedded event store: tests, replays and the demo. One array holds every event in global order (position =
 * index + 1, unless a loaded history skips positions) and a map holds each stream's events by revision (revision =
 * index), both pointing at the same frozen event, so the store adds two array slots per event to the event itself (a
 * frozen deep copy of what was appended, equal strings pooled across events: a million events of the generated
 * workload take 789 MiB of heap, 827 bytes each, see docs/benchmarks.md).
 *
 * JavaScript runs each call to completion before another starts, so every append is trivially serialised; and
 * since an append either lands whole or not at all before the next reader runs, `readAll` never shows a gap.
 */
export class MemoryEventStore implements EventStore {
  readonly atomicMultiStreamAppend = true;
  readonly #clock: Clock;
  /** Equal strings across all events kept once (see frozenCopy). */
  readonly #strings = new StringPool();
  readonly #all: StoredEvent[] = [];
  /** The last event's position (0: none). Appends take the next ones. */
  #head = 0;
  /**
   * Whether every event sits at index position - 1, as appends put them. A history loaded from another store may have
   * unused positions (PostgreSQL takes a position from a sequence, and an append whose transaction then rolls back
   * leaves its number unused); `readAll` then finds `after` by binary search instead of by index.
   */
  #dense = true;
  readonly #streams = new Map<string, StoredEvent[]>();

  constructor(options: MemoryEventStoreOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    if (options.events !== undefined) this.loadAll(options.events);
  }

  append(request: AppendRequest): Promise<AppendResult> {
    // The hot path of every command and of the demo's million events: no batch bookkeeping.
    return this.#run(() => {
      const staged = this.#stageOne(request, this.#revisionOf(request.stream), this.#head, this.#clock.now());
      return this.#commitOne(staged);
    });
  }

  appendMany(requests: readonly AppendRequest[]): Promise<readonly AppendResult[]> {
    return this.#run(() => {
      // Everything is checked and built before anything is written, so that a conflict or bad data anywhere leaves
      // the store untouched. Requests run in order: a stream named twice sees the first request's events.
      const recordedAt = this.#clock.now();
      const heads = new Map<string, number>();
      let position = this.#head;
      const staged = requests.map((request) => {
        const one = this.#stageOne(request, heads.get(request.stream) ?? this.#revisionOf(request.stream), position, recordedAt);
        heads.set(request.stream, one.revision + one.events.length);
        position += one.events.length;
        return one;
      });
      return staged.map((one) => this.#commitOne(one));
    });
  }

  readStream(stream: string, options: ReadStreamOptions = {}): Promise<readonly StoredEvent[]> {
    return this.#run(() => {
      const events = this.#streams.get(stream);
      const limit = checkLimit(options.limit ?? Number.POSITIVE_INFINITY);
      if (events === undefined || limit === 0) return [];
      const last = events.length - 1;
      if (options.direction === 'backwards') {
        // Backwards, `from` is where to start (the newest wanted) and `to` the oldest revision to return.
        const start = Math.min(checkRevision(options.from ?? last, 'from'), last);
        const end = Math.max(checkRevision(options.to ?? 0, 'to'), 0);
        const out: StoredEvent[] = [];
        for (let r = start; r >= end && out.length < limit; r--) out.push(events[r] as StoredEvent);
        return out;
      }
      const start = checkRevision(options.from ?? 0, 'from');
      const end = Math.min(checkRevision(options.to ?? last, 'to'), last) + 1;
      return start >= end ? [] : events.slice(start, Math.min(end, start + limit));
    });
  }

  readAll(options: ReadAllOptions): Promise<readonly StoredEvent[]> {
    return this.#run(() => {
      const after = options.after ?? 0;
      if (!Number.isInteger(after) || after < 0) throw new RangeError(`readAll: after must be an integer >= 0, got ${after}`);
      const limit = checkLimit(options.limit);
      const from = this.#dense ? after : this.#indexAfter(after);
      return this.#all.slice(from, from + limit);
    });
  }

  headPosition(): Promise<number> {
    return Promise.resolve(this.#head);
  }

  /** The index of the first event whose position is above `after` (binary search; positions only increase). */
  #indexAfter(after: number): number {
    let lo = 0;
    let hi = this.#all.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#all[mid] as StoredEvent).position <= after) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Bulk-loads events that a store already recorded (a JSONL export, a fixture), keeping their positions, revisions
   * and recorded times. They must continue this store's history: positions above `headPosition()`, each above the
   * last (a store may have left a number unused: a PostgreSQL append whose transaction rolled back), and each stream's
   * revisions from its current one without gaps. All or nothing: on any mismatch this throws an
   * `InvalidHistoryError` naming the event and loads none of them.
   */
  loadAll(events: Iterable<StoredEvent>): void {
    const staged: StoredEvent[] = [];
    const heads = new Map<string, number>();
    let position = this.#head;
    let index = -1;
    // A command's events carry equal metadata; an export writes it on each line, the store keeps it once.
    let metadata: EventMetadata | undefined;
    for (const event of events) {
      index++;
      if (!Number.isSafeInteger(event.position) || event.position <= position)
        throw new InvalidHistoryError(`Expected a position above ${position}`, event, index);
      position = event.position;
      if (typeof event.stream !== 'string' || event.stream === '') throw new InvalidHistoryError('Missing stream name', event, index);
      const revision = (heads.get(event.stream) ?? this.#revisionOf(event.stream)) + 1;
      if (event.revision !== revision) throw new InvalidHistoryError(`Expected revision ${revision}`, event, index);
      if (!Number.isFinite(event.recordedAt)) throw new InvalidHistoryError('Missing recordedAt', event, index);
      heads.set(event.stream, revision);
      try {
        checkEvent(event);
        if (metadata === undefined || !sameFlatRecord(metadata, event.metadata)) metadata = frozenCopy(event.metadata, this.#strings) as EventMetadata;
        staged.push(storedEvent(event, metadata, event.stream, revision, position, event.recordedAt, this.#strings));
      } catch (e) {
        throw new InvalidHistoryError(e instanceof Error ? e.message : String(e), event, index);
      }
    }
    for (const event of staged) this.#write(event);
  }

  /** -1 when the stream does not exist. */
  #revisionOf(stream: string): number {
    return (this.#streams.get(stream)?.length ?? 0) - 1;
  }

  /** Checks one request against the stream at `actual` (-1: absent) and builds its events; writes nothing. */
  #stageOne({ stream, events, expected }: AppendRequest, actual: number, head: number, recordedAt: number): Staged {
    if (typeof stream !== 'string' || stream === '') throw new TypeError('append: stream must be a non-empty string');
    if (!revisionMatches(expected, actual)) throw new WrongExpectedRevisionError(stream, expected, actual);
    const stored = new Array<StoredEvent>(events.length);
    // The events of one command usually share one metadata object; they then share one frozen copy too.
    let metadataIn: EventMetadata | undefined;
    let metadataOut: EventMetadata | undefined;
    for (let i = 0; i < events.length; i++) {
      const event = events[i] as EventToAppend;
      checkEvent(event);
      if (event.metadata !== metadataIn) {
        metadataIn = event.metadata;
        metadataOut = frozenCopy(metadataIn, this.#strings) as EventMetadata;
      }
      stored[i] = storedEvent(event, metadataOut as EventMetadata, stream, actual + 1 + i, head + 1 + i, recordedAt, this.#strings);
    }
    return { stream, revision: actual, events: stored };
  }

  #commitOne({ stream, revision, events }: Staged): AppendResult {
    for (const event of events) this.#write(event);
    const last = events[events.length - 1];
    return last === undefined ? { stream, revision, position: 0 } : { stream, revision: last.revision, position: last.position };
  }

  #write(event: StoredEvent): void {
    this.#all.push(event);
    this.#head = event.position;
    if (event.position !== this.#all.length) this.#dense = false;
    const stream = this.#streams.get(event.stream);
    if (stream === undefined) this.#streams.set(event.stream, [event]);
    else stream.push(event);
  }

  /** Errors become rejections, as they would from a store across a network. */
  #run<T>(body: () => T): Promise<T> {
    try {
      return Promise.resolve(body());
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }
}

interface Staged {
  readonly stream: string;
  /** The stream's revision before this request (-1: absent). */
  readonly revision: number;
  readonly events: readonly StoredEvent[];
}

const storedEvent = (
  event: EventToAppend,
  metadata: EventMetadata,
  stream: string,
  revision: number,
  position: number,
  recordedAt: number,
  strings: StringPool,
): StoredEvent =>
  Object.freeze({
    stream: strings.intern(stream),
    revision,
    position,
    type: strings.intern(event.type),
    version: event.version,
    data: frozenCopy(event.data, strings),
    metadata,
    recordedAt,
  });

/** Whether two records hold the same keys with the same primitive values (nested objects never count as equal). */
const sameFlatRecord = (a: object, b: object): boolean => {
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let keys = 0;
  for (const key in y) {
    const value = y[key];
    if ((typeof value === 'object' && value !== null) || !Object.hasOwn(x, key) || x[key] !== value) return false;
    keys++;
  }
  return keys === Object.keys(x).length;
};

const checkEvent = (event: EventToAppend): void => {
  if (typeof event.type !== 'string' || event.type === '') throw new TypeError('append: event type must be a non-empty string');
  if (!Number.isInteger(event.version) || event.version < 1)
    throw new TypeError(`append: event version must be an integer >= 1, got ${String(event.version)}`);
  if (typeof event.metadata !== 'object' || event.metadata === null) throw new TypeError('append: event metadata is missing');
};

const checkLimit = (limit: number): number => {
  if (limit !== Number.POSITIVE_INFINITY && (!Number.isInteger(limit) || limit < 0))
    throw new RangeError(`limit must be an integer >= 0, got ${limit}`);
  return limit;
};

const checkRevision = (revision: number, name: 'from' | 'to'): number => {
  if (!Number.isInteger(revision) || revision < 0) throw new RangeError(`readStream: ${name} must be an integer >= 0, got ${revision}`);
  return revision;
};
