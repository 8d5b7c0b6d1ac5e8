import { ID_LENGTH, isCardId, isChargeId, isGeneratedCustomerId, isTokenId, type IdKind } from '@kessai/domain';
import { describe, expect, it } from 'vitest';
import { jittered, RandomIdGenerator, SeededIdGenerator, SeededRandom, SimulatedClock, SystemClock } from './seeded.js';

const kinds: readonly IdKind[] = ['token', 'card', 'customer', 'charge', 'event'];
const idPattern = /^(tok|car|cus|ch|evnt)_[0-9a-f]+$/;
const draw = (random: SeededRandom, n: number) => Array.from({ length: n }, () => random.nextUint32());

describe('SeededRandom', () => {
  it('given the state [1, 2, 3, 4], when drawing, then it gives the published xoshiro128** outputs', () => {
    expect(draw(SeededRandom.fromState([1, 2, 3, 4]), 6)).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('given two generators with the same seed, when drawing, then they give identical sequences', () => {
    for (const seed of [0, 1, 42, 0xffffffff]) expect(draw(new SeededRandom(seed), 1000)).toEqual(draw(new SeededRandom(seed), 1000));
  });

  it('given different seeds, when drawing, then the sequences differ', () => {
    const sequences = [0, 1, 2, 42, 0xffffffff].map((seed) => draw(new SeededRandom(seed), 8).join(','));
    expect(new Set(sequences).size).toBe(sequences.length);
  });

  it('given a seed that is not a 32-bit unsigned integer, when constructing, then it throws', () => {
    for (const seed of [-1, 2 ** 32, 1.5, Number.NaN]) expect(() => new SeededRandom(seed)).toThrow(RangeError);
  });

  it('given a range, when drawing integers, then every value is inside it and each end is reached', () => {
    const random = new SeededRandom(7);
    const values = Array.from({ length: 2000 }, () => random.int(-3, 3));
    expect(Math.min(...values)).toBe(-3);
    expect(Math.max(...values)).toBe(3);
    expect(values.every(Number.isInteger)).toBe(true);
    expect(() => random.int(3, 2)).toThrow(RangeError);
  });

  it('given a generator, when drawing floats, then they lie in [0, 1)', () => {
    const random = new SeededRandom(9);
    const floats = Array.from({ length: 2000 }, () => random.nextFloat());
    expect(floats.every((f) => f >= 0 && f < 1)).toBe(true);
  });

  it('given a list, when picking, then an element of it is returned; an empty list throws', () => {
    const random = new SeededRandom(3);
    const items = ['a', 'b', 'c'] as const;
    expect(new Set(Array.from({ length: 100 }, () => random.pick(items)))).toEqual(new Set(items));
    expect(() => random.pick([])).toThrow(RangeError);
  });

  it('given a length, when drawing hex, then it has that many lowercase hex digits', () => {
    const random = new SeededRandom(5);
    for (const length of [0, 1, 7, 8, 9, 28, 64]) expect(random.hex(length)).toMatch(new RegExp(`^[0-9a-f]{${length}}$`));
  });

  it('given a fork, when drawing from both, then each is deterministic and the fork is unaffected by its parent', () => {
    const a = new SeededRandom(11);
    const b = new SeededRandom(11);
    const forkA = a.fork();
    const forkB = b.fork();
    draw(a, 50);
    expect(draw(forkA, 20)).toEqual(draw(forkB, 20));
    expect(draw(a, 20)).not.toEqual(draw(forkA, 20));
  });
});

describe('SeededIdGenerator', () => {
  it('given each kind, when generating, then the id has the PAY.JP prefix, lowercase hex and 32 characters', () => {
    const ids = new SeededIdGenerator(1);
    for (const kind of kinds) {
      const id = ids.next(kind);
      expect(id).toMatch(idPattern);
      expect(id).toHaveLength(ID_LENGTH);
    }
  });

  it('given generated ids, when checked by the domain, then they are valid ids of their kind', () => {
    const ids = new SeededIdGenerator(2);
    expect(isTokenId(ids.next('token'))).toBe(true);
    expect(isCardId(ids.next('card'))).toBe(true);
    expect(isGeneratedCustomerId(ids.next('customer'))).toBe(true);
    expect(isChargeId(ids.next('charge'))).toBe(true);
    expect(ids.next('event')).toMatch(/^evnt_[0-9a-f]{27}$/);
  });

  it('given two generators with the same seed, when generating the same kinds, then the sequences are identical', () => {
    const sequence = (seed: number) => {
      const ids = new SeededIdGenerator(seed);
      return Array.from({ length: 500 }, (_, i) => ids.next(kinds[i % kinds.length]!));
    };
    expect(sequence(2017)).toEqual(sequence(2017));
    expect(sequence(2017)).not.toEqual(sequence(2018));
  });

  it('given a SeededRandom, when generating, then the ids follow that generator', () => {
    expect(new SeededIdGenerator(new SeededRandom(8)).next('charge')).toBe(new SeededIdGenerator(8).next('charge'));
  });

  it('given many ids, when generated, then none repeats', () => {
    const ids = new SeededIdGenerator(99);
    const tokens = Array.from({ length: 10_000 }, () => ids.next('token'));
    expect(new Set(tokens).size).toBe(tokens.length);
  });
});

describe('RandomIdGenerator', () => {
  it('given each kind, when generating, then the format matches and two ids differ', () => {
    const ids = new RandomIdGenerator();
    for (const kind of kinds) {
      const [a, b] = [ids.next(kind), ids.next(kind)];
      expect(a).toMatch(idPattern);
      expect(a).toHaveLength(ID_LENGTH);
      expect(a).not.toBe(b);
    }
  });
});

describe('SimulatedClock', () => {
  const start = Date.UTC(2017, 5, 7, 7, 0);

  it('given a start, when read, then it shows the start until told to move', () => {
    const clock = new SimulatedClock(start);
    expect(clock.now()).toBe(start);
    expect(clock.now()).toBe(start);
  });

  it('given a clock, when advanced or set forward, then it moves by exactly that much', () => {
    const clock = new SimulatedClock(start);
    expect(clock.advance(1500)).toBe(start + 1500);
    expect(clock.advance(0)).toBe(start + 1500);
    expect(clock.set(start + 60_000)).toBe(start + 60_000);
    expect(clock.set(start + 60_000)).toBe(start + 60_000);
    expect(clock.now()).toBe(start + 60_000);
  });

  it('given a clock, when asked to go backwards, then it throws and keeps its time', () => {
    const clock = new SimulatedClock(start);
    clock.advance(10);
    expect(() => clock.set(start)).toThrow(/only moves forward/);
    expect(() => clock.advance(-1)).toThrow(/only moves forward/);
    expect(clock.now()).toBe(start + 10);
  });

  it('given a time that is not an integer number of milliseconds, when used, then it throws', () => {
    expect(() => new SimulatedClock(1.5)).toThrow(RangeError);
    const clock = new SimulatedClock(start);
    expect(() => clock.advance(0.5)).toThrow(RangeError);
    expect(() => clock.set(Number.NaN)).toThrow(RangeError);
  });
});

describe('jittered', () => {
  it('given a seed, when jittering, then the steps stay within the spread, never below 0, and replay identically', () => {
    const steps = (seed: number) => {
      const random = new SeededRandom(seed);
      return Array.from({ length: 500 }, () => jittered(random, 1000, 200));
    };
    const first = steps(4);
    expect(first.every((ms) => ms >= 800 && ms <= 1200)).toBe(true);
    expect(new Set(first).size).toBeGreaterThan(1);
    expect(steps(4)).toEqual(first);
    const random = new SeededRandom(4);
    expect(Array.from({ length: 200 }, () => jittered(random, 10, 50)).every((ms) => ms >= 0)).toBe(true);
  });
});

describe('SystemClock', () => {
  it('given the system clock, when read, then it shows the wall time', () => {
    const before = Date.now();
    const now = new SystemClock().now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});
