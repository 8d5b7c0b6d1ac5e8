/**
 * Time and randomness for test mode and replays: a seeded PRNG, ids and a clock built on it, and their production
 * counterparts. The same seed gives the same ids and the same times, so a workload replays bit for bit.
 */
import { randomBytes } from 'node:crypto';
import { ID_LENGTH, idPrefixes, type Clock, type IdGenerator, type IdKind } from '@kessai/domain';

const UINT32_RANGE = 2 ** 32;

const assertSeed = (seed: number): void => {
  if (!Number.isInteger(seed) || seed < 0 || seed >= UINT32_RANGE)
    throw new RangeError(`A seed must be an integer from 0 to ${UINT32_RANGE - 1}, got ${seed}.`);
};

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

/**
 * xoshiro128** (Blackman and Vigna), its 128-bit state expanded from a 32-bit seed with splitmix32. Small, fast,
 * well-distributed and fully determined by the seed; not for secrets (use node:crypto for those).
 */
export class SeededRandom {
  readonly #s = new Uint32Array(4);

  constructor(seed: number) {
    assertSeed(seed);
    let x = seed;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      this.#s[i] = (z ^ (z >>> 15)) >>> 0;
    }
    // The all-zero state is the one state xoshiro never leaves.
    if (this.#s.every((w) => w === 0)) this.#s[0] = 1;
  }

  /** A generator at a given 128-bit state (not all zero): for checking the algorithm against published vectors. */
  static fromState(state: readonly [number, number, number, number]): SeededRandom {
    if (state.every((w) => w === 0) || !state.every((w) => Number.isInteger(w) && w >= 0 && w < UINT32_RANGE))
      throw new RangeError('A state is four unsigned 32-bit integers, not all zero.');
    const random = new SeededRandom(0);
    random.#s.set(state);
    return random;
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const s = this.#s;
    let s0 = s[0]!;
    let s1 = s[1]!;
    let s2 = s[2]!;
    let s3 = s[3]!;
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3 >>> 0, 11);
    // The typed array keeps each word as an unsigned 32-bit integer.
    s[0] = s0;
    s[1] = s1;
    s[2] = s2;
    s[3] = s3;
    return result;
  }

  /** A float in [0, 1). */
  nextFloat(): number {
    return this.nextUint32() / UINT32_RANGE;
  }

  /** An integer in [min, max], both inclusive, without modulo bias. */
  int(min: number, max: number): number {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min || max - min >= UINT32_RANGE)
      throw new RangeError(`int(min, max) needs integers with min <= max and at most 2^32 values, got ${min}, ${max}.`);
    const span = max - min + 1;
    const limit = UINT32_RANGE - (UINT32_RANGE % span);
    let r = this.nextUint32();
    while (r >= limit) r = this.nextUint32();
    return min + (r % span);
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick() needs at least one item.');
    return items[this.int(0, items.length - 1)]!;
  }

  /** `length` lowercase hex digits. */
  hex(length: number): string {
    if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`hex(length) needs a length >= 0, got ${length}.`);
    let out = '';
    while (out.length < length) out += this.nextUint32().toString(16).padStart(8, '0');
    return out.slice(0, length);
  }

  /**
   * An independent generator seeded from this one: give each concern (ids, workload, jitter) its own fork so that
   * drawing more values for one does not shift the sequence of another.
   */
  fork(): SeededRandom {
    return new SeededRandom(this.nextUint32());
  }
}

const hexLength = (kind: IdKind): number => ID_LENGTH - idPrefixes[kind].length;

/** PAY.JP-style ids (prefix + lowercase hex, 32 characters) from a seed: the same seed gives the same sequence. */
export class SeededIdGenerator implements IdGenerator {
  readonly #random: SeededRandom;

  constructor(seed: number | SeededRandom) {
    this.#random = typeof seed === 'number' ? new SeededRandom(seed) : seed;
  }

  next(kind: IdKind): string {
    return idPrefixes[kind] + this.#random.hex(hexLength(kind));
  }
}

/** PAY.JP-style ids from the operating system's CSPRNG, for production. */
export class RandomIdGenerator implements IdGenerator {
  /** 112 random bits and more per id: see IdGenerator.unique. */
  readonly unique = true;

  next(kind: IdKind): string {
    const length = hexLength(kind);
    return idPrefixes[kind] + randomBytes(Math.ceil(length / 2)).toString('hex').slice(0, length);
  }
}

/** The wall clock, for production. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
}

const assertInstant = (ms: number, what: string): void => {
  if (!Number.isSafeInteger(ms)) throw new RangeError(`${what} must be an integer number of milliseconds, got ${ms}.`);
};

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * A clock that moves only when told to, and only forwards: events carry the time of the command that recorded
 * them, and a store's recorded order must never contradict it.
 */
export class SimulatedClock implements Clock {
  #now: number;

  constructor(startMs: number) {
    assertInstant(startMs, 'The start time');
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  /** Moves forward by `ms` (0 allowed) and returns the new time. */
  advance(ms: number): number {
    assertInstant(ms, 'The step');
    if (ms < 0) throw new RangeError(`The simulated clock only moves forward: cannot advance by ${ms} ms.`);
    this.#now += ms;
    return this.#now;
  }

  /** Moves to `at` (the current time allowed) and returns it. */
  set(at: number): number {
    assertInstant(at, 'The time');
    if (at < this.#now) throw new RangeError(`The simulated clock only moves forward: cannot go back from ${iso(this.#now)} to ${iso(at)}.`);
    this.#now = at;
    return this.#now;
  }
}

/**
 * `ms` give or take up to `spread` ms, drawn from `random` and never below 0: spacing for simulated requests that is
 * irregular yet the same on every replay. Use it as `clock.advance(jittered(random, 60_000, 5_000))`.
 */
export const jittered = (random: SeededRandom, ms: number, spread: number): number => {
  assertInstant(ms, 'The step');
  assertInstant(spread, 'The spread');
  if (ms < 0 || spread < 0) throw new RangeError(`jittered() needs a step and a spread >= 0, got ${ms} and ${spread}.`);
  return Math.max(0, ms + random.int(-spread, spread));
};
