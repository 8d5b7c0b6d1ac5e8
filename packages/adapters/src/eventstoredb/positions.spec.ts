// Unit tests: pure code, no server and no stand-in for one. The adapter's behaviour against EventStoreDB is
// test/eventstoredb-store.spec.ts, which runs only where a server is provided.
import { describe, expect, it } from 'vitest';
import { comparePositions, LogChangedError, PositionIndex, toSafeNumber } from './positions.js';

const at = (commit: number, prepare = commit) => ({ commit: BigInt(commit), prepare: BigInt(prepare) });

describe('comparePositions', () => {
  it('orders by commit, then by prepare', () => {
    expect(comparePositions(at(10), at(20))).toBeLessThan(0);
    expect(comparePositions(at(20), at(10))).toBeGreaterThan(0);
    expect(comparePositions(at(10, 5), at(10, 7))).toBeLessThan(0);
    expect(comparePositions(at(10, 7), at(10, 7))).toBe(0);
  });

  it('compares beyond 2^53 exactly', () => {
    const big = { commit: 2n ** 60n, prepare: 2n ** 60n };
    expect(comparePositions(big, { commit: big.commit + 1n, prepare: big.prepare + 1n })).toBeLessThan(0);
  });
});

describe('toSafeNumber', () => {
  it('converts revisions and positions that fit', () => {
    expect(toSafeNumber(0n, 'revision')).toBe(0);
    expect(toSafeNumber(BigInt(Number.MAX_SAFE_INTEGER), 'revision')).toBe(Number.MAX_SAFE_INTEGER);
  });
  it('refuses what a number cannot hold exactly', () => {
    expect(() => toSafeNumber(BigInt(Number.MAX_SAFE_INTEGER) + 1n, 'revision')).toThrow(RangeError);
  });
});

describe('PositionIndex', () => {
  describe('given the store events found at sparse $all positions 120, 388, 902', () => {
    const index = () => {
      const i = new PositionIndex();
      i.record(1, at(120));
      i.record(2, at(388));
      i.record(3, at(902));
      return i;
    };

    it('numbers them 1, 2, 3: the port positions are dense whatever the gaps in $all', () => {
      const i = index();
      expect(i.count).toBe(3);
      expect([1, 2, 3].map((n) => i.positionAt(n))).toEqual([at(120), at(388), at(902)]);
      expect(i.last).toEqual(at(902));
    });

    it('has no $all position for 0 (before the first event), and refuses numbers it does not know', () => {
      expect(index().positionAt(0)).toBeUndefined();
      expect(() => index().positionAt(4)).toThrow(RangeError);
      expect(() => index().positionAt(-1)).toThrow(RangeError);
    });

    it('finds the number of an event from its exact $all position, and nothing between events', () => {
      const i = index();
      expect([at(120), at(388), at(902)].map((p) => i.ordinalOf(p))).toEqual([1, 2, 3]);
      expect(i.ordinalOf(at(389))).toBeUndefined();
      expect(i.ordinalOf(at(388, 387))).toBeUndefined();
      expect(i.ordinalOf(at(5000))).toBeUndefined();
    });

    it('accepts a number recorded again for the same position (two readers of the same log)', () => {
      const i = index();
      i.record(2, at(388));
      expect(i.count).toBe(3);
    });

    it('fails with LogChangedError when a known number is read at another position', () => {
      expect(() => index().record(2, at(400))).toThrow(LogChangedError);
    });

    it('refuses to skip a number or to go backwards in $all', () => {
      expect(() => index().record(5, at(1000))).toThrow(RangeError);
      expect(() => index().record(4, at(902))).toThrow(RangeError);
      expect(() => index().record(4, at(500))).toThrow(RangeError);
    });
  });

  it('is empty at first: count 0, no last position', () => {
    const i = new PositionIndex();
    expect(i.count).toBe(0);
    expect(i.last).toBeUndefined();
    expect(i.ordinalOf(at(1))).toBeUndefined();
  });

  it('grows past its first allocation and still finds every event', () => {
    const i = new PositionIndex();
    for (let n = 1; n <= 5000; n++) i.record(n, at(n * 97, n * 97 - 3));
    expect(i.count).toBe(5000);
    for (const n of [1, 1024, 1025, 2048, 4999, 5000]) {
      expect(i.positionAt(n)).toEqual(at(n * 97, n * 97 - 3));
      expect(i.ordinalOf(at(n * 97, n * 97 - 3))).toBe(n);
    }
  });

  it('keeps positions beyond 2^53 exactly (64-bit storage)', () => {
    const i = new PositionIndex();
    const far = { commit: 2n ** 62n + 1n, prepare: 2n ** 62n + 1n };
    i.record(1, far);
    expect(i.positionAt(1)).toEqual(far);
    expect(i.ordinalOf(far)).toBe(1);
  });
});
