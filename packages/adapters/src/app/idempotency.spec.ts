import { ok, type Result } from '@kessai/domain';
import { describe, expect, it } from 'vitest';
import { Idempotency, MemoryIdempotencyStore } from './idempotency.js';

/** A command that counts its runs and answers after `ms`. */
const command = (ms = 0) => {
  let runs = 0;
  return {
    get runs() {
      return runs;
    },
    execute: async (): Promise<Result<{ run: number }>> => {
      runs++;
      const run = runs;
      await new Promise((resolve) => setTimeout(resolve, ms));
      return ok({ run });
    },
  };
};

const errorCode = (r: Result<unknown>) => (r.ok ? null : r.error.code);

describe('Idempotency', () => {
  it('given no key, when run twice, then the command runs twice', async () => {
    const idempotency = new Idempotency();
    const c = command();
    await idempotency.run('mer_a', undefined, 'charges.create', { amount: 1 }, c.execute);
    await idempotency.run('mer_a', undefined, 'charges.create', { amount: 1 }, c.execute);
    expect(c.runs).toBe(2);
  });

  it('given a key used once, when the same request comes again (keys in another order), then the first answer comes back and nothing runs', async () => {
    const idempotency = new Idempotency();
    const c = command();
    const first = await idempotency.run('mer_a', 'k1', 'charges.create', { amount: 1200, currency: 'jpy' }, c.execute);
    const again = await idempotency.run('mer_a', 'k1', 'charges.create', { currency: 'jpy', amount: 1200 }, c.execute);
    expect(again).toEqual(first);
    expect(c.runs).toBe(1);
  });

  it('given a key used once, when another request uses it, then it is refused without running', async () => {
    const idempotency = new Idempotency();
    const c = command();
    await idempotency.run('mer_a', 'k1', 'charges.create', { amount: 1200 }, c.execute);
    expect(errorCode(await idempotency.run('mer_a', 'k1', 'charges.create', { amount: 1300 }, c.execute))).toBe('idempotency_key_reused');
    expect(errorCode(await idempotency.run('mer_a', 'k1', 'charges.refund', { amount: 1200 }, c.execute))).toBe('idempotency_key_reused');
    expect(c.runs).toBe(1);
  });

  it('given an empty or a 256-character key, then the request is refused without running', async () => {
    const idempotency = new Idempotency();
    const c = command();
    expect(errorCode(await idempotency.run('mer_a', '', 'x', {}, c.execute))).toBe('invalid_param_key');
    expect(errorCode(await idempotency.run('mer_a', 'k'.repeat(256), 'x', {}, c.execute))).toBe('invalid_param_key');
    expect(c.runs).toBe(0);
  });

  it('given ten concurrent calls with one key, then the command runs once and all get its answer', async () => {
    const idempotency = new Idempotency();
    const c = command(20);
    const answers = await Promise.all(Array.from({ length: 10 }, () => idempotency.run('mer_a', 'k1', 'x', { a: 1 }, c.execute)));
    expect(c.runs).toBe(1);
    expect(new Set(answers.map((a) => JSON.stringify(a)))).toEqual(new Set([JSON.stringify(ok({ run: 1 }))]));
  });

  it('given a command that throws, then the key is freed and a retry runs it', async () => {
    const idempotency = new Idempotency();
    await expect(idempotency.run('mer_a', 'k1', 'x', {}, () => Promise.reject(new Error('connection lost')))).rejects.toThrow('connection lost');
    const c = command();
    expect(await idempotency.run('mer_a', 'k1', 'x', {}, c.execute)).toEqual(ok({ run: 1 }));
  });

  it('given two coordinators on one shared store (two servers), when both take the key at once, then one runs and the other waits for its answer', async () => {
    const store = new MemoryIdempotencyStore();
    const [a, b] = [new Idempotency(store), new Idempotency(store)];
    const c = command(60);
    const answers = await Promise.all([a.run('mer_a', 'k1', 'x', {}, c.execute), b.run('mer_a', 'k1', 'x', {}, c.execute)]);
    expect(c.runs).toBe(1);
    expect(answers).toEqual([ok({ run: 1 }), ok({ run: 1 })]);
  });

  it('given a claim whose process died (never finished), then after it goes stale a retry runs the request', async () => {
    const store = new MemoryIdempotencyStore({ staleAfterMs: 40 });
    const idempotency = new Idempotency(store);
    // The digest the coordinator makes for this request: claim it as a process would, then never finish.
    await store.claim({ merchant: 'mer_a', key: 'k1' }, store.digest('x {}'));
    const c = command();
    const started = Date.now();
    expect(await idempotency.run('mer_a', 'k1', 'x', {}, c.execute)).toEqual(ok({ run: 1 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
  });
});

describe('Idempotency when its store fails', () => {
  it('given a record that cannot be written after the command ran, then the caller still gets the answer', async () => {
    const store = new MemoryIdempotencyStore();
    store.finish = () => Promise.reject(new Error('connection terminated'));
    const c = command();
    expect(await new Idempotency(store).run('mer_a', 'k1', 'x', {}, c.execute)).toEqual(ok({ run: 1 }));
    expect(c.runs).toBe(1);
  });

  it('given a claim that cannot be made, then the command does not run and the caller gets the error', async () => {
    const store = new MemoryIdempotencyStore();
    store.claim = () => Promise.reject(new Error('connection refused'));
    const c = command();
    await expect(new Idempotency(store).run('mer_a', 'k1', 'x', {}, c.execute)).rejects.toThrow('connection refused');
    expect(c.runs).toBe(0);
  });
});
