import type { DocumentIndex, DocumentWrite, ListQuery } from '@kessai/projections';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_GENERATION, MemoryReadModelStore } from './read-model-store.js';

// The port's rules are in test/contracts/read-model-store-contract.ts; these are what the memory adapter adds.

const write = (id: string, index: DocumentIndex | null, doc: unknown = { id }): DocumentWrite => ({ collection: 'charges', id, doc, index });
const at = (created: number, seq = created, merchant = 'mer_a', keys: Record<string, string> = {}): DocumentIndex => ({
  merchant,
  created,
  seq,
  keys,
});

describe('MemoryReadModelStore', () => {
  it(`given nothing was activated, readers use the generation "${DEFAULT_GENERATION}"`, async () => {
    const store = new MemoryReadModelStore();
    expect(await store.generations()).toEqual([]);
    expect((await store.active()).name).toBe(DEFAULT_GENERATION);
    expect(await store.generations()).toEqual([DEFAULT_GENERATION]);
  });

  it('hands out the very document it was given: callers must not mutate what they read', async () => {
    const live = await new MemoryReadModelStore().active();
    const doc = { id: 'ch_1' };
    await live.commit([write('ch_1', at(1), doc)], []);
    expect(await live.get('charges', 'ch_1')).toBe(doc);
  });

  it('a dropped generation can still be read by whoever holds it, but refuses commits', async () => {
    const store = new MemoryReadModelStore();
    const old = await store.generation('old');
    await old.commit([write('ch_1', at(1))], []);
    await store.drop('old');
    expect(await old.get('charges', 'ch_1')).toEqual({ id: 'ch_1' });
    await expect(old.commit([write('ch_2', at(2))], [])).rejects.toThrow(/dropped/);
  });

  it('dropping a name that was never opened does nothing', async () => {
    const store = new MemoryReadModelStore();
    await store.drop('never');
    expect(await store.generations()).toEqual([]);
  });

  it.each<[string, DocumentWrite]>([
    ['an empty id', write('', at(1))],
    ['an undefined doc', { ...write('ch_1', at(1)), doc: undefined }],
    ['a fractional created', write('ch_1', at(1.5))],
    ['a key that is not a string', write('ch_1', { ...at(1), keys: { customer: 1 as unknown as string } })],
  ])('refuses a write with %s', async (_, bad) => {
    const live = await new MemoryReadModelStore().active();
    await expect(live.commit([bad], [])).rejects.toThrow(TypeError);
  });

  it('refuses a negative checkpoint and a negative offset or limit', async () => {
    const live = await new MemoryReadModelStore().active();
    await expect(live.commit([], [{ projection: 'p', position: -1 }])).rejects.toThrow(RangeError);
    const query: ListQuery = { collection: 'charges', merchant: 'mer_a', offset: 0, limit: 10 };
    await expect(live.list({ ...query, offset: -1 })).rejects.toThrow(RangeError);
    await expect(live.list({ ...query, limit: 2.5 })).rejects.toThrow(RangeError);
  });

  it('breaks exact ties on created and seq by id, newest-first order being id descending', async () => {
    const live = await new MemoryReadModelStore().active();
    await live.commit([write('evnt_b', at(1, 1)), write('evnt_c', at(1, 1)), write('evnt_a', at(1, 1))], []);
    const page = await live.list({ collection: 'charges', merchant: 'mer_a', offset: 0, limit: 10 });
    expect(page.data).toEqual([{ id: 'evnt_c' }, { id: 'evnt_b' }, { id: 'evnt_a' }]);
  });

  describe('list, against a plain filter-and-sort model', () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const index = fc.record({
      merchant: fc.constantFrom('m1', 'm2'),
      created: fc.integer({ min: 0, max: 5 }),
      seq: fc.integer({ min: 0, max: 5 }),
      keys: fc.dictionary(fc.constantFrom('customer', 'type'), fc.constantFrom('x', 'y'), { maxKeys: 2 }),
    });
    const op = fc.record({
      id: fc.constantFrom(...ids),
      index: fc.option(index, { freq: 6 }),
      remove: fc.boolean(),
    });
    const query = fc.record(
      {
        merchant: fc.constantFrom('m1', 'm2'),
        where: fc.dictionary(fc.constantFrom('customer', 'type'), fc.constantFrom('x', 'y'), { maxKeys: 2 }),
        since: fc.integer({ min: 0, max: 5 }),
        until: fc.integer({ min: 0, max: 5 }),
        offset: fc.integer({ min: 0, max: 6 }),
        limit: fc.integer({ min: 0, max: 6 }),
      },
      { requiredKeys: ['merchant', 'offset', 'limit'] },
    );

    it('returns what filtering and sorting every live document would, after any sequence of writes and queries', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(fc.array(op, { maxLength: 5 }), query), { maxLength: 12 }), async (steps) => {
          const live = await new MemoryReadModelStore().active();
          const model = new Map<string, DocumentIndex | null>();
          for (const [ops, q] of steps) {
            const writes = ops.map(({ id, index: ix, remove }) => write(id, ix, remove ? null : { id }));
            await live.commit(writes, []);
            for (const w of writes) (w.doc === null ? model.delete(w.id) : model.set(w.id, w.index ?? model.get(w.id) ?? null));
            const expected = [...model]
              .filter((entry): entry is [string, DocumentIndex] => {
                const ix = entry[1];
                return (
                  ix !== null &&
                  ix.merchant === q.merchant &&
                  (q.since === undefined || ix.created >= q.since) &&
                  (q.until === undefined || ix.created <= q.until) &&
                  Object.entries(q.where ?? {}).every(([k, v]) => ix.keys[k] === v)
                );
              })
              .sort(([ia, a], [ib, b]) => b.created - a.created || b.seq - a.seq || (ib < ia ? -1 : 1))
              .map(([id]) => ({ id }));
            const page = await live.list({ collection: 'charges', ...q });
            expect(page.data).toEqual(expected.slice(q.offset, q.offset + q.limit));
            expect(page.hasMore).toBe(expected.length > q.offset + q.limit);
          }
        }),
        { numRuns: 300 },
      );
    });
  });
});
