// Unit tests: pure code, no server and no stand-in for one.
import { ANY, NO_STREAM, STREAM_EXISTS } from '@eventstore/db-client';
import type { ExpectedRevision } from '@kessai/domain';
import { describe, expect, it } from 'vitest';
import { toEsdbExpectedRevision } from './expected-revision.js';

describe('toEsdbExpectedRevision', () => {
  it.each<[ExpectedRevision, unknown]>([
    ['any', ANY],
    ['no_stream', NO_STREAM],
    ['stream_exists', STREAM_EXISTS],
    [0, 0n],
    [41, 41n],
    [Number.MAX_SAFE_INTEGER, BigInt(Number.MAX_SAFE_INTEGER)],
  ])('maps %s to the server expectation %s', (expected, server) => {
    expect(toEsdbExpectedRevision(expected)).toBe(server);
  });

  it('maps -1, the port revision of a missing stream, to NO_STREAM: a bigint -1 is not an expectation the server takes', () => {
    expect(toEsdbExpectedRevision(-1)).toBe(NO_STREAM);
  });

  it.each([1.5, -2, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 2])(
    'has no server equivalent for %s, which can never match (null: the store answers the conflict itself)',
    (expected) => {
      expect(toEsdbExpectedRevision(expected)).toBeNull();
    },
  );
});
