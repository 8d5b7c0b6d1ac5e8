// Unit tests: pure code, no server and no stand-in for one.
import { BACKWARDS, END, FORWARDS } from '@eventstore/db-client';
import { describe, expect, it } from 'vitest';
import { checkLimit, checkRevision, streamReadPlan } from './stream-reads.js';

const INF = Number.POSITIVE_INFINITY;

describe('streamReadPlan', () => {
  describe('forwards', () => {
    it('reads the whole stream from revision 0 by default, with no count (the client reads all)', () => {
      expect(streamReadPlan({ backwards: false, limit: INF })).toEqual({
        options: { direction: FORWARDS, fromRevision: 0n },
        lowest: 0,
        highest: INF,
        limit: INF,
      });
    });
    it('asks for exactly from..to, both inclusive', () => {
      expect(streamReadPlan({ backwards: false, from: 3, to: 6, limit: INF })?.options).toEqual({ direction: FORWARDS, fromRevision: 3n, maxCount: 4 });
    });
    it('asks for no more than the limit', () => {
      expect(streamReadPlan({ backwards: false, from: 2, limit: 3 })?.options).toEqual({ direction: FORWARDS, fromRevision: 2n, maxCount: 3 });
      expect(streamReadPlan({ backwards: false, from: 3, to: 6, limit: 2 })?.options.maxCount).toBe(2);
    });
    it('is null when to is before from', () => {
      expect(streamReadPlan({ backwards: false, from: 5, to: 4, limit: INF })).toBeNull();
    });
  });

  describe('backwards', () => {
    it('reads from the end by default', () => {
      expect(streamReadPlan({ backwards: true, limit: 1 })).toEqual({ options: { direction: BACKWARDS, fromRevision: END, maxCount: 1 }, lowest: 0, highest: INF, limit: 1 });
    });
    it('reads from `from` down to `to`, both inclusive', () => {
      expect(streamReadPlan({ backwards: true, from: 7, to: 4, limit: INF })).toEqual({
        options: { direction: BACKWARDS, fromRevision: 7n, maxCount: 4 },
        lowest: 4,
        highest: 7,
        limit: INF,
      });
    });
    it('keeps revisions >= to when reading from the end (the count is unknown before reading)', () => {
      expect(streamReadPlan({ backwards: true, to: 4, limit: INF })).toMatchObject({ options: { fromRevision: END }, lowest: 4 });
    });
    it('is null when to is above from', () => {
      expect(streamReadPlan({ backwards: true, from: 2, to: 3, limit: INF })).toBeNull();
    });
  });
});

describe('checks, as in the other stores', () => {
  it('a limit is an integer >= 0 or Infinity', () => {
    expect(checkLimit(0)).toBe(0);
    expect(checkLimit(INF)).toBe(INF);
    expect(() => checkLimit(-1)).toThrow(RangeError);
    expect(() => checkLimit(1.5)).toThrow(RangeError);
  });
  it('a revision is an integer >= 0', () => {
    expect(checkRevision(0, 'from')).toBe(0);
    expect(() => checkRevision(-1, 'to')).toThrow(RangeError);
    expect(() => checkRevision(0.5, 'from')).toThrow(RangeError);
  });
});
