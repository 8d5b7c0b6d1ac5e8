import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../test-mode/seeded.js';
import { Fifo, Pool } from './pool.js';

describe('Pool', () => {
  it('given members, when one is removed, then the last takes its place and picks never return the removed one', () => {
    const pool = new Pool<string>(new SeededRandom(1));
    for (const x of ['a', 'b', 'c', 'd']) pool.add(x);
    pool.add('a'); // already a member: no duplicate
    pool.remove('b');
    pool.remove('zzz'); // not a member: no-op
    expect(pool.size).toBe(3);
    const picked = new Set(Array.from({ length: 200 }, () => pool.pick()));
    expect(picked).toEqual(new Set(['a', 'c', 'd']));
    expect(pool.has('b')).toBe(false);
  });

  it('given an empty pool, then pick and pickWhere answer undefined', () => {
    const pool = new Pool<number>(new SeededRandom(1));
    expect(pool.pick()).toBeUndefined();
    expect(pool.pickWhere(() => true)).toBeUndefined();
  });

  it('given a capacity, when full, then a new member replaces a random one and the size stays bounded', () => {
    const pool = new Pool<number>(new SeededRandom(2), 10);
    for (let i = 0; i < 1_000; i++) pool.add(i);
    expect(pool.size).toBe(10);
    const members = Array.from({ length: 1_000 }, (_, i) => i).filter((i) => pool.has(i));
    expect(members.length).toBe(10);
    expect(members).toContain(999);
    for (const m of members) pool.remove(m);
    expect(pool.size).toBe(0);
  });

  it('given a predicate, when picking, then only an accepted member is returned, within a bounded number of tries', () => {
    const pool = new Pool<number>(new SeededRandom(3));
    for (let i = 0; i < 10; i++) pool.add(i);
    for (let i = 0; i < 50; i++) expect([undefined, 0, 2, 4, 6, 8]).toContain(pool.pickWhere((n) => n % 2 === 0));
    expect(pool.pickWhere(() => false, 3)).toBeUndefined();
  });

  it('given the same seed, then the same picks', () => {
    const picks = (seed: number) => {
      const pool = new Pool<number>(new SeededRandom(seed));
      for (let i = 0; i < 50; i++) pool.add(i);
      return Array.from({ length: 20 }, () => pool.pick());
    };
    expect(picks(9)).toEqual(picks(9));
    expect(picks(9)).not.toEqual(picks(10));
  });
});

describe('Fifo', () => {
  it('given pushes, then shifts return them in order, across compactions', () => {
    const fifo = new Fifo<number>();
    const out: number[] = [];
    for (let i = 0; i < 5_000; i++) {
      fifo.push(i);
      if (i % 3 === 0) out.push(fifo.shift()!);
    }
    expect(fifo.peek()).toBe(out.length);
    while (fifo.size > 0) out.push(fifo.shift()!);
    expect(out).toEqual(Array.from({ length: 5_000 }, (_, i) => i));
    expect(fifo.shift()).toBeUndefined();
  });
});
