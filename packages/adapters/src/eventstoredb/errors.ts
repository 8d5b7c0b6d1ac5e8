import { NO_STREAM, StreamNotFoundError, WrongExpectedVersionError, type AppendResult, type CurrentRevision } from '@eventstore/db-client';
import { WrongExpectedRevisionError, type ExpectedRevision } from '@kessai/domain';
import { toSafeNumber } from './positions.js';

/** The server's "current revision" as the port's: -1 for a missing stream (older servers may send -1 too). */
export const actualRevisionOf = (current: CurrentRevision): number => {
  if (current === NO_STREAM || current < 0n) return -1;
  return toSafeNumber(current, 'revision');
};

/**
 * By class, and by the client's `type` tag as well: a second copy of the client in node_modules would have its
 * own classes, and its errors must not slip through as unknown failures.
 */
const hasType = (e: unknown, type: string): boolean => typeof e === 'object' && e !== null && (e as { type?: unknown }).type === type;

export const isWrongExpectedVersion = (e: unknown): e is WrongExpectedVersionError =>
  e instanceof WrongExpectedVersionError || hasType(e, 'wrong-expected-version');

/** Reading a stream that does not exist (or was soft-deleted) fails while iterating; the port reads it as empty. */
export const isStreamNotFound = (e: unknown): e is StreamNotFoundError => e instanceof StreamNotFoundError || hasType(e, 'stream-not-found');

/**
 * The port's conflict for a failed append of `expected` to `stream` (the caller's name, without the adapter's
 * prefix); null when `error` is not a conflict, which the caller rethrows unchanged.
 */
export const conflictOf = (error: unknown, stream: string, expected: ExpectedRevision): WrongExpectedRevisionError | null =>
  isWrongExpectedVersion(error) ? new WrongExpectedRevisionError(stream, expected, actualRevisionOf(error.actualVersion)) : null;

/**
 * With `throwOnAppendFailure=false` in the connection string the client resolves a conflict instead of throwing:
 * `success: false`, and `nextExpectedRevision` holds the stream's current revision (-1 when absent).
 */
export const conflictOfResult = (result: AppendResult, stream: string, expected: ExpectedRevision): WrongExpectedRevisionError | null =>
  result.success ? null : new WrongExpectedRevisionError(stream, expected, actualRevisionOf(result.nextExpectedRevision));
