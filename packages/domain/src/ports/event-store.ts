import type { MerchantId } from '../shared/ids.js';

/**
 * The event store port. One contract suite (test/store-contract) runs against every implementation.
 * Revisions count from 0 within a stream; positions count from 1 across the whole store, without gaps visible to
 * readers: `readAll` never returns position n+1 while n may still commit.
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface EventMetadata {
  readonly merchant: MerchantId;
  /** Shared by every event one command produced. */
  readonly correlationId: string;
  /** The command or event that caused this one; null for a command from outside. */
  readonly causationId: string | null;
  readonly idempotencyKey: string | null;
  /** When the fact happened (epoch ms), from the Clock port; the store adds its own recordedAt. */
  readonly occurredAt: number;
}

export interface EventToAppend {
  readonly type: string;
  readonly version: number;
  readonly data: unknown;
  readonly metadata: EventMetadata;
}

export interface StoredEvent extends EventToAppend {
  readonly stream: string;
  readonly revision: number;
  readonly position: number;
  readonly recordedAt: number;
}

export interface AppendRequest {
  readonly stream: string;
  readonly events: readonly EventToAppend[];
  readonly expected: ExpectedRevision;
}

export interface AppendResult {
  readonly stream: string;
  /** The revision of the last event appended (or the current one when nothing was appended). */
  readonly revision: number;
  /** The global position of the last event appended; 0 when nothing was appended. */
  readonly position: number;
}

export interface ReadStreamOptions {
  /** First revision to return (forwards) or to start from (backwards). */
  readonly from?: number;
  /** Last revision to return, inclusive. */
  readonly to?: number;
  readonly direction?: 'forwards' | 'backwards';
  readonly limit?: number;
}

export interface ReadAllOptions {
  /** Return events strictly after this position; 0 reads from the start. */
  readonly after?: number;
  readonly limit: number;
}

export interface EventStore {
  /** Whether appendMany commits all its streams together (memory, PostgreSQL) or stream by stream (EventStoreDB). */
  readonly atomicMultiStreamAppend: boolean;
  append(request: AppendRequest): Promise<AppendResult>;
  /** Appends to several streams; atomically where `atomicMultiStreamAppend`. Any conflict fails the whole call. */
  appendMany(requests: readonly AppendRequest[]): Promise<readonly AppendResult[]>;
  readStream(stream: string, options?: ReadStreamOptions): Promise<readonly StoredEvent[]>;
  readAll(options: ReadAllOptions): Promise<readonly StoredEvent[]>;
  /** The highest position a reader may see now (0 for an empty store). */
  headPosition(): Promise<number>;
}

/** A stream was not at the revision the writer expected: someone else wrote first. Reload and decide again. */
export class WrongExpectedRevisionError extends Error {
  readonly _tag = 'WrongExpectedRevision';
  readonly stream: string;
  readonly expected: ExpectedRevision;
  /** -1 when the stream does not exist. */
  readonly actual: number;
  constructor(stream: string, expected: ExpectedRevision, actual: number) {
    super(`Stream ${stream} is at revision ${actual}, expected ${String(expected)}`);
    this.name = 'WrongExpectedRevisionError';
    this.stream = stream;
    this.expected = expected;
    this.actual = actual;
  }
}

export const isWrongExpectedRevision = (e: unknown): e is WrongExpectedRevisionError =>
  typeof e === 'object' && e !== null && (e as { _tag?: unknown })._tag === 'WrongExpectedRevision';

/** Whether a stream at `actual` (-1: absent) satisfies `expected`. Shared by every adapter so they agree. */
export const revisionMatches = (expected: ExpectedRevision, actual: number): boolean => {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return actual === -1;
  if (expected === 'stream_exists') return actual >= 0;
  return expected === actual;
};
