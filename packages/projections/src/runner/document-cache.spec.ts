import { describe, expect, it } from 'vitest';
import type { Checkpoint, DocumentWrite, Generation, ListPage } from '../read-model-store.js';
import type { DocumentAccess } from '../view.js';
import { DocumentCache } from './document-cache.js';
import { KeySet } from './key-set.js';

/** A generation in memory that counts its reads. */
const storeOf = () => {
  const docs = new Map<string, unknown>();
  const reads = { get: 0, getMany: 0 };
  const generation: Generation = {
    name: 'g',
    get: async (collection, id) => {
      reads.get++;
      return docs.get(`${collection}|${id}`) ?? null;
    },
    getMany: async (collection, ids) => {
      reads.getMany++;
      return new Map(ids.filter((id) => docs.has(`${collection}|${id}`)).map((id) => [id, docs.get(`${collection}|${id}`)]));
    },
    list: async (): Promise<ListPage> => ({ data: [], hasMore: false }),
    scan: async function* () {},
    commit: async (writes: readonly DocumentWrite[], _checkpoints: readonly Checkpoint[]) => {
      for (const w of writes) {
        if (w.doc === null) docs.delete(`${w.collection}|${w.id}`);
        else docs.set(`${w.collection}|${w.id}`, w.doc);
      }
    },
    checkpoint: async () => 0,
  };
  return { generation, docs, reads };
};

/** Takes the batch's writes, stores them, and tells the cache. */
const commitBatch = async (cache: DocumentCache, generation: Generation) => {
  const batch = cache.nextBatch;
  await generation.commit(cache.takeWrites(), []);
  cache.committed(batch);
};

/** Applies an event the way the runner does when misses can happen. */
const apply = async (cache: DocumentCache, generation: Generation, event: (docs: DocumentAccess) => void) => {
  const missed = cache.applyEvent(generation, () => event(cache));
  if (missed !== undefined) await missed;
};

describe('given a fresh generation and a cache limited to 2 documents', () => {
  it('when a batch of 3 documents is committed, then one leaves memory, and reading it back fetches it once', async () => {
    const { generation, reads } = storeOf();
    const cache = new DocumentCache(true, { limit: 2 });
    for (const id of ['a', 'b', 'c']) cache.put('things', 'm', id, { id }, null);
    await commitBatch(cache, generation);
    expect(cache.documentCount).toBe(2);
    expect(cache.stats.dropped).toBe(1);

    const seen: unknown[] = [];
    for (const id of ['a', 'b', 'c']) await apply(cache, generation, (docs) => seen.push(docs.get('things', 'm', id)));
    expect(seen).toEqual([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
    expect(reads.get).toBe(1);
  });

  it('when a document that was never written is read, then it is absent without a store read', async () => {
    const { generation, reads } = storeOf();
    const cache = new DocumentCache(true, { limit: 2 });
    for (const id of ['a', 'b', 'c']) cache.put('things', 'm', id, { id }, null);
    await commitBatch(cache, generation);
    let seen: unknown = 'unset';
    await apply(cache, generation, (docs) => (seen = docs.get('things', 'm', 'never')));
    expect(seen).toBeNull();
    expect(reads).toEqual({ get: 0, getMany: 0 });
  });

  it('when a batch is taken but not yet committed, then none of its documents leave memory', async () => {
    const { generation } = storeOf();
    const cache = new DocumentCache(true, { limit: 2 });
    for (const id of ['a', 'b', 'c']) cache.put('things', 'm', id, { id }, null);
    await commitBatch(cache, generation);
    for (const id of ['d', 'e', 'f']) cache.put('things', 'm', id, { id }, null);
    const taken = cache.takeWrites();
    cache.committed(cache.nextBatch - 2);
    expect(taken).toHaveLength(3);
    expect(cache.documentCount).toBeGreaterThanOrEqual(3);
    for (const id of ['d', 'e', 'f']) expect(cache.get('things', 'm', id)).toEqual({ id });
  });

  it('when an event writes and then misses, then its writes are undone and it is applied once', async () => {
    const { generation } = storeOf();
    const cache = new DocumentCache(true, { limit: 1 });
    cache.put('counters', 'm', 'x', { n: 1 }, null);
    cache.put('things', 'm', 'y', { id: 'y' }, null);
    await commitBatch(cache, generation);
    // Increments a counter, then reads a document that left memory.
    const event = (docs: DocumentAccess) => {
      const counter = docs.get<{ n: number }>('counters', 'm', 'x');
      docs.put('counters', 'm', 'x', { n: (counter?.n ?? 0) + 1 }, null);
      docs.put('log', 'm', 'z', { thing: docs.get('things', 'm', 'y') }, null);
    };
    await apply(cache, generation, event);
    expect(cache.stats.misses).toBeGreaterThanOrEqual(1);
    const writes = cache.takeWrites();
    expect(writes.find((w) => w.collection === 'counters')?.doc).toEqual({ n: 2 });
    expect(writes.find((w) => w.collection === 'log')?.doc).toEqual({ thing: { id: 'y' } });
    expect(writes).toHaveLength(2);
  });

  it('when a batch is prefetched, then the documents its events read are fetched with one read per collection, following references', async () => {
    const { generation, reads } = storeOf();
    const cache = new DocumentCache(true, { limit: 0 });
    cache.put('refs', 'm', 'r1', { target: 't1' }, null);
    cache.put('refs', 'm', 'r2', { target: 't2' }, null);
    cache.put('targets', 'm', 't1', { v: 1 }, null);
    cache.put('targets', 'm', 't2', { v: 2 }, null);
    await commitBatch(cache, generation);
    expect(cache.documentCount).toBe(0);
    const events = ['r1', 'r2'].map((ref) => (docs: DocumentAccess) => {
      const r = docs.get<{ target: string }>('refs', 'm', ref);
      if (r !== null) docs.put('seen', 'm', ref, docs.get('targets', 'm', r.target), null);
    });
    await cache.prefetch(generation, events.length, (i, docs) => events[i]!(docs));
    expect(reads).toEqual({ get: 0, getMany: 2 });
    for (const event of events) await apply(cache, generation, event);
    expect(cache.stats.misses).toBe(0);
    expect(cache.takeWrites().map((w) => w.doc)).toEqual([{ v: 1 }, { v: 2 }]);
  });
});

describe('given a cache over a generation that already holds documents (not fresh)', () => {
  it('when a document is read, then it comes from the store, and a deleted one stays deleted after leaving memory', async () => {
    const { generation, docs } = storeOf();
    docs.set('things|m/a', { id: 'a' });
    const cache = new DocumentCache(false, { limit: 0 });
    let seen: unknown;
    await apply(cache, generation, (d) => (seen = d.get('things', 'm', 'a')));
    expect(seen).toEqual({ id: 'a' });
    await apply(cache, generation, (d) => d.delete('things', 'm', 'a'));
    await commitBatch(cache, generation);
    await apply(cache, generation, (d) => (seen = d.get('things', 'm', 'a')));
    expect(seen).toBeNull();
  });
});

describe('KeySet', () => {
  it('given 100,000 keys, then it holds each of them and not others', () => {
    const keys = new KeySet();
    for (let i = 0; i < 100_000; i++) keys.add('charges', `merchant_${i % 3}`, `ch_${i}`);
    expect(keys.size).toBe(100_000);
    for (let i = 0; i < 100_000; i++) expect(keys.has('charges', `merchant_${i % 3}`, `ch_${i}`)).toBe(true);
    let wrong = 0;
    for (let i = 100_000; i < 200_000; i++) if (keys.has('charges', `merchant_${i % 3}`, `ch_${i}`)) wrong++;
    expect(wrong).toBe(0);
    expect(keys.has('charge', 'smerchant_0', 'ch_0')).toBe(false);
  });
});
