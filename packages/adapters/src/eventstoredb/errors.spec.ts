// Unit tests: the client's own error classes, built with their public constructors; no server and no stand-in.
import { StreamNotFoundError, UnavailableError, WrongExpectedVersionError, type AppendResult } from '@eventstore/db-client';
import { isWrongExpectedRevision } from '@kessai/domain';
import { describe, expect, it } from 'vitest';
import { actualRevisionOf, conflictOf, conflictOfResult, isStreamNotFound } from './errors.js';

const wrongVersion = (current: bigint | 'no_stream') =>
  new WrongExpectedVersionError(undefined, { streamName: 'kessai-charge-ch_1', expected: 0n, current });

describe('conflictOf', () => {
  it("translates WrongExpectedVersionError into the port's conflict, with the caller's stream and expectation", () => {
    const conflict = conflictOf(wrongVersion(2n), 'charge-ch_1', 1);
    expect(isWrongExpectedRevision(conflict)).toBe(true);
    expect(conflict).toMatchObject({ stream: 'charge-ch_1', expected: 1, actual: 2 });
  });

  it('reports a missing stream as actual -1', () => {
    expect(conflictOf(wrongVersion('no_stream'), 's', 'stream_exists')).toMatchObject({ stream: 's', expected: 'stream_exists', actual: -1 });
  });

  it("recognises the error by the client's type tag too (a second copy of the client has its own classes)", () => {
    const foreign = { type: 'wrong-expected-version', actualVersion: 7n };
    expect(conflictOf(foreign, 's', 3)).toMatchObject({ actual: 7 });
  });

  it('returns null for anything else, which the store rethrows unchanged', () => {
    expect(conflictOf(new UnavailableError(), 's', 0)).toBeNull();
    expect(conflictOf(new Error('boom'), 's', 0)).toBeNull();
    expect(conflictOf(undefined, 's', 0)).toBeNull();
  });
});

describe('conflictOfResult (throwOnAppendFailure=false)', () => {
  const result = (success: boolean, next: bigint): AppendResult => ({ success, nextExpectedRevision: next });
  it('is null for a successful append', () => {
    expect(conflictOfResult(result(true, 3n), 's', 2)).toBeNull();
  });
  it('is the conflict, with the current revision, for a refused one', () => {
    expect(conflictOfResult(result(false, 5n), 's', 2)).toMatchObject({ stream: 's', expected: 2, actual: 5 });
    expect(conflictOfResult(result(false, -1n), 's', 0)).toMatchObject({ actual: -1 });
  });
});

describe('actualRevisionOf', () => {
  it('is the revision, or -1 for no_stream and for the -1 older servers send', () => {
    expect(actualRevisionOf(4n)).toBe(4);
    expect(actualRevisionOf('no_stream')).toBe(-1);
    expect(actualRevisionOf(-1n)).toBe(-1);
  });
});

describe('isStreamNotFound', () => {
  it('is true for StreamNotFoundError only', () => {
    expect(isStreamNotFound(new StreamNotFoundError(undefined, 's'))).toBe(true);
    expect(isStreamNotFound(new UnavailableError())).toBe(false);
    expect(isStreamNotFound(wrongVersion(1n))).toBe(false);
  });
});
