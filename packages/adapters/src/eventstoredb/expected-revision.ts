import { ANY, NO_STREAM, STREAM_EXISTS, type AppendExpectedRevision } from '@eventstore/db-client';
import type { ExpectedRevision } from '@kessai/domain';

/**
 * The port's expectation as EventStoreDB's. A number is "the revision of the stream's last event", as on the
 * server; -1 (the port's "absent") is NO_STREAM. A number that can never match (not an integer, below -1, beyond
 * 2^53) has no server equivalent: null, and the caller answers with the conflict itself, as memory and PostgreSQL
 * do.
 */
export const toEsdbExpectedRevision = (expected: ExpectedRevision): AppendExpectedRevision | null => {
  if (typeof expected === 'number') {
    if (!Number.isSafeInteger(expected) || expected < -1) return null;
    return expected === -1 ? NO_STREAM : BigInt(expected);
  }
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default: {
      const never: never = expected;
      throw new TypeError(`Unknown expected revision ${String(never)}`);
    }
  }
};
