import { CheckpointMovedError, type DocumentWrite, type Generation, type ListQuery, type ReadModelStore } from '@kessai/projections';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/**
 * The ReadModelStore port's rules, run against every adapter (memory, PostgreSQL).
 * `makeStore` is called before each test and must hand back an empty store; `close` runs after it.
 */
export const readModelStoreContract = (
  name: string,
  makeStore: () => Promise<{ store: ReadModelStore; close?: () => Promise<void> }>,
): void => {
  describe(`ReadModelStore contract: ${name}`, () => {
    let store: ReadModelStore;
    let close: (() => Promise<void>) | undefined;
    let live: Generation;

    beforeEach(async () => {
      ({ store, close } = await makeStore());
      live = await store.active();
    });
    afterEach(async () => {
      await close?.();
    });

    const ids = async (query: Partial<ListQuery>, generation = live) =>
      (await generation.list({ ...defaultQuery, ...query })).data.map(idOf);

    describe('documents', () => {
      it('given an empty generation, get returns null and getMany an empty map', async () => {
        expect(await live.get('charges', 'ch_1')).toBeNull();
        expect((await live.getMany('charges', ['ch_1', 'ch_2'])).size).toBe(0);
      });

      it('given committed documents, get and getMany return them and getMany leaves out missing ids', async () => {
        await live.commit([charge('ch_1', { created: 100 }), charge('ch_2', { created: 200 })], []);
        expect(await live.get('charges', 'ch_1')).toEqual(chargeDoc('ch_1', 100));
        const many = await live.getMany('charges', ['ch_2', 'ch_missing', 'ch_1']);
        expect([...many.keys()].sort()).toEqual(['ch_1', 'ch_2']);
        expect(many.get('ch_2')).toEqual(chargeDoc('ch_2', 200));
      });

      it('keeps every character of a document: control characters, separators, quotes, backslashes and non-ASCII text', async () => {
        const text = 'a\u001eb\u001fc\u0001d\te\nf"g\\h 決済 🎌 \u2028';
        const doc = { id: 'ch_text', description: text, metadata: { [text]: text }, list: [text, '', null] };
        // Alone in a batch, beside other documents, and as updates that keep the index (three kinds of write).
        await live.commit([{ collection: 'charges', id: 'ch_text', doc, index: { merchant: 'mer_a', created: 1, seq: 1, keys: {} } }], []);
        expect(await live.get('charges', 'ch_text')).toEqual(doc);
        await live.commit([charge('ch_1', { created: 100 }), { collection: 'charges', id: 'ch_text', doc: { ...doc, n: 2 }, index: null }, charge('ch_2', { created: 200 })], []);
        expect(await live.get('charges', 'ch_text')).toEqual({ ...doc, n: 2 });
        expect(await live.get('charges', 'ch_2')).toEqual(chargeDoc('ch_2', 200));
        expect((await live.list({ ...defaultQuery, merchant: 'mer_a' })).data).toContainEqual({ ...doc, n: 2 });
      });

      it('a later write to the same id replaces the document', async () => {
        await live.commit([charge('ch_1', { created: 100 })], []);
        await live.commit([charge('ch_1', { created: 100, amount: 500 })], []);
        expect(await live.get('charges', 'ch_1')).toEqual(chargeDoc('ch_1', 100, 500));
      });

      it('writes in one batch apply in order: the last write to an id wins', async () => {
        await live.commit([charge('ch_1', { created: 100, amount: 1 }), charge('ch_1', { created: 100, amount: 2 })], []);
        expect(await live.get('charges', 'ch_1')).toEqual(chargeDoc('ch_1', 100, 2));
      });

      it('writing null deletes the document from get, getMany, list and scan', async () => {
        await live.commit([charge('ch_1', { created: 100 }), charge('ch_2', { created: 200 })], []);
        await live.commit([{ collection: 'charges', id: 'ch_1', doc: null, index: null }], []);
        expect(await live.get('charges', 'ch_1')).toBeNull();
        expect((await live.getMany('charges', ['ch_1'])).size).toBe(0);
        expect(await ids({})).toEqual(['ch_2']);
        expect(await scanIds(live, 'charges')).toEqual(['ch_2']);
      });

      it('collections are separate: the same id in two collections names two documents', async () => {
        await live.commit([charge('x_1', { created: 100 }), { ...charge('x_1', { created: 100 }), collection: 'cards', doc: { id: 'x_1', object: 'card' } }], []);
        expect(await live.get('charges', 'x_1')).toEqual(chargeDoc('x_1', 100));
        expect(await live.get('cards', 'x_1')).toEqual({ id: 'x_1', object: 'card' });
      });

      it('a new document written with index null can be read but is never listed', async () => {
        await live.commit([{ collection: 'charges', id: 'ch_hidden', doc: { id: 'ch_hidden' }, index: null }], []);
        expect(await live.get('charges', 'ch_hidden')).toEqual({ id: 'ch_hidden' });
        expect(await ids({})).toEqual([]);
      });

      it('a deletion forgets the index too: writing the id again with index null makes an unlisted document', async () => {
        await live.commit([charge('ch_1', { created: 100 })], []);
        await live.commit([{ collection: 'charges', id: 'ch_1', doc: null, index: null }], []);
        await live.commit([{ collection: 'charges', id: 'ch_1', doc: { id: 'ch_1' }, index: null }], []);
        expect(await live.get('charges', 'ch_1')).toEqual({ id: 'ch_1' });
        expect(await ids({})).toEqual([]);
      });
    });

    describe('list', () => {
      beforeEach(async () => {
        await live.commit(
          [
            charge('ch_a1', { created: 100, seq: 1, keys: { customer: 'cus_1' } }),
            charge('ch_a2', { created: 200, seq: 2, keys: { customer: 'cus_2' } }),
            charge('ch_a3', { created: 200, seq: 5, keys: { customer: 'cus_1', captured: 'true' } }),
            charge('ch_a4', { created: 300, seq: 3, keys: { customer: 'cus_1', captured: 'false' } }),
            charge('ch_a5', { created: 400, seq: 6, keys: {} }),
            charge('ch_b1', { created: 250, seq: 4, merchant: 'mer_b', keys: { customer: 'cus_1' } }),
          ],
          [],
        );
      });

      it('returns the newest first: created descending, then seq descending', async () => {
        expect(await ids({})).toEqual(['ch_a5', 'ch_a4', 'ch_a3', 'ch_a2', 'ch_a1']);
      });

      it("shows a merchant only its own documents, even when the filters match another's", async () => {
        expect(await ids({ merchant: 'mer_b' })).toEqual(['ch_b1']);
        expect(await ids({ merchant: 'mer_a', where: { customer: 'cus_1' } })).toEqual(['ch_a4', 'ch_a3', 'ch_a1']);
        expect(await ids({ merchant: 'mer_nobody' })).toEqual([]);
      });

      it('keeps only documents whose keys equal every where key; a missing key never matches', async () => {
        expect(await ids({ where: { customer: 'cus_1', captured: 'true' } })).toEqual(['ch_a3']);
        expect(await ids({ where: { captured: 'false' } })).toEqual(['ch_a4']);
        expect(await ids({ where: { customer: 'cus_9' } })).toEqual([]);
        expect(await ids({ where: {} })).toEqual(['ch_a5', 'ch_a4', 'ch_a3', 'ch_a2', 'ch_a1']);
      });

      it('includes documents created exactly at since and at until', async () => {
        expect(await ids({ since: 200, until: 300 })).toEqual(['ch_a4', 'ch_a3', 'ch_a2']);
        expect(await ids({ since: 300 })).toEqual(['ch_a5', 'ch_a4']);
        expect(await ids({ until: 100 })).toEqual(['ch_a1']);
        expect(await ids({ since: 201, until: 299 })).toEqual([]);
        expect(await ids({ since: 300, until: 200 })).toEqual([]);
      });

      it('skips offset documents, returns at most limit, and says whether more follow', async () => {
        expect(await live.list({ ...defaultQuery, offset: 1, limit: 2 })).toEqual({
          data: [chargeDoc('ch_a4', 300), chargeDoc('ch_a3', 200)],
          hasMore: true,
        });
        expect((await live.list({ ...defaultQuery, offset: 3, limit: 2 })).hasMore).toBe(false);
        expect((await live.list({ ...defaultQuery, offset: 0, limit: 5 })).hasMore).toBe(false);
        expect((await live.list({ ...defaultQuery, offset: 0, limit: 4 })).hasMore).toBe(true);
        expect(await live.list({ ...defaultQuery, offset: 5, limit: 10 })).toEqual({ data: [], hasMore: false });
      });

      it('applies offset and limit after the filters', async () => {
        const query = { where: { customer: 'cus_1' }, since: 100, until: 300 };
        expect(await live.list({ ...defaultQuery, ...query, offset: 1, limit: 1 })).toMatchObject({ hasMore: true });
        expect(await ids({ ...query, offset: 1, limit: 1 })).toEqual(['ch_a3']);
        expect(await live.list({ ...defaultQuery, ...query, offset: 2, limit: 1 })).toMatchObject({ hasMore: false });
      });

      it('paging with offset and limit returns every document exactly once', async () => {
        const seen: string[] = [];
        for (let offset = 0, more = true; more; offset += 2) {
          const page = await live.list({ ...defaultQuery, offset, limit: 2 });
          seen.push(...page.data.map(idOf));
          more = page.hasMore;
        }
        expect(seen).toEqual(['ch_a5', 'ch_a4', 'ch_a3', 'ch_a2', 'ch_a1']);
      });

      it('follows updates: a new created moves the document, a new key changes what matches, a deletion removes it', async () => {
        await live.commit(
          [
            charge('ch_a1', { created: 500, seq: 9, keys: { customer: 'cus_1' } }),
            charge('ch_a2', { created: 200, seq: 2, keys: { customer: 'cus_1' } }),
            { collection: 'charges', id: 'ch_a5', doc: null, index: null },
          ],
          [],
        );
        expect(await ids({})).toEqual(['ch_a1', 'ch_a4', 'ch_a3', 'ch_a2']);
        expect(await ids({ where: { customer: 'cus_2' } })).toEqual([]);
        expect(await ids({ where: { customer: 'cus_1' } })).toEqual(['ch_a1', 'ch_a4', 'ch_a3', 'ch_a2']);
      });

      it('an update with index null keeps the place and the keys the document had', async () => {
        await live.commit([{ collection: 'charges', id: 'ch_a3', doc: chargeDoc('ch_a3', 200, 7), index: null }], []);
        expect(await live.get('charges', 'ch_a3')).toEqual(chargeDoc('ch_a3', 200, 7));
        expect(await ids({})).toEqual(['ch_a5', 'ch_a4', 'ch_a3', 'ch_a2', 'ch_a1']);
        expect(await ids({ where: { captured: 'true' } })).toEqual(['ch_a3']);
        expect((await live.list({ ...defaultQuery, where: { captured: 'true' } })).data).toEqual([chargeDoc('ch_a3', 200, 7)]);
      });

      it('a document moved to another merchant leaves the first merchant\'s list', async () => {
        await live.commit([charge('ch_a2', { created: 200, seq: 2, merchant: 'mer_b' })], []);
        expect(await ids({})).toEqual(['ch_a5', 'ch_a4', 'ch_a3', 'ch_a1']);
        expect(await ids({ merchant: 'mer_b' })).toEqual(['ch_b1', 'ch_a2']);
      });

      it('orders by created and seq, not by the order documents were written in', async () => {
        await live.commit([charge('ch_late', { created: 150, seq: 7 }), charge('ch_tie', { created: 200, seq: 3 })], []);
        await live.commit([charge('ch_early', { created: 50, seq: 8 })], []);
        expect(await ids({})).toEqual(['ch_a5', 'ch_a4', 'ch_a3', 'ch_tie', 'ch_a2', 'ch_late', 'ch_a1', 'ch_early']);
      });

      it('lists nothing from a collection that holds nothing', async () => {
        expect(await live.list({ ...defaultQuery, collection: 'customers' })).toEqual({ data: [], hasMore: false });
      });
    });

    describe('checkpoints', () => {
      it('is 0 for a projection that never committed', async () => {
        expect(await live.checkpoint('charges')).toBe(0);
      });

      it('commits with the documents it covers, per projection; a later commit moves it', async () => {
        await live.commit([charge('ch_1', { created: 100 })], [{ projection: 'charges', position: 10 }, { projection: 'cards', position: 7 }]);
        expect(await live.checkpoint('charges')).toBe(10);
        expect(await live.checkpoint('cards')).toBe(7);
        expect(await live.get('charges', 'ch_1')).not.toBeNull();
        await live.commit([], [{ projection: 'charges', position: 25 }]);
        expect(await live.checkpoint('charges')).toBe(25);
        expect(await live.checkpoint('cards')).toBe(7);
      });

      it('a checkpoint with `from` moves only from there (none stored counts as 0); otherwise the batch fails whole', async () => {
        await live.commit([charge('ch_1', { created: 100, amount: 1 })], [{ projection: 'charges', position: 5, from: 0 }]);
        await live.commit([charge('ch_1', { created: 100, amount: 2 })], [{ projection: 'charges', position: 9, from: 5 }]);
        // A second runner that started its batch at 5 too: refused, and its documents are not written.
        const late = live.commit([charge('ch_1', { created: 100, amount: 3 }), charge('ch_2', { created: 200 })], [{ projection: 'charges', position: 9, from: 5 }]);
        await expect(late).rejects.toBeInstanceOf(CheckpointMovedError);
        await expect(late).rejects.toMatchObject({ projection: 'charges', expected: 5, actual: 9 });
        expect(await live.get('charges', 'ch_1')).toEqual(chargeDoc('ch_1', 100, 2));
        expect(await live.get('charges', 'ch_2')).toBeNull();
        expect(await live.checkpoint('charges')).toBe(9);
        await expect(live.commit([], [{ projection: 'cards', position: 3, from: 1 }])).rejects.toMatchObject({ expected: 1, actual: 0 });
        await expect(live.commit([], [{ projection: 'cards', position: 3, from: 4 }])).rejects.toThrow(RangeError);
        expect(await live.checkpoint('cards')).toBe(0);
      });

      it('activeWithCheckpoint answers what active() and checkpoint() answer, also after a switch', async () => {
        // Optional in the port; every kessai store has it.
        expect(store.activeWithCheckpoint).toBeTypeOf('function');
        const both = async (projection: string) => {
          const { generation, checkpoint } = await store.activeWithCheckpoint!(projection);
          return { name: generation.name, checkpoint };
        };
        expect(await both('charges')).toEqual({ name: live.name, checkpoint: 0 });
        await live.commit([charge('ch_1', { created: 100 })], [{ projection: 'charges', position: 12 }]);
        expect(await both('charges')).toEqual({ name: live.name, checkpoint: 12 });
        expect(await both('cards')).toEqual({ name: live.name, checkpoint: 0 });
        const next = await store.generation('contract-with-checkpoint');
        await next.commit([], [{ projection: 'charges', position: 4 }]);
        await store.activate('contract-with-checkpoint');
        const switched = await store.activeWithCheckpoint!('charges');
        expect({ name: switched.generation.name, checkpoint: switched.checkpoint }).toEqual({ name: 'contract-with-checkpoint', checkpoint: 4 });
        expect(await switched.generation.get('charges', 'ch_1')).toBeNull();
      });

      it('a batch with an invalid write applies none of its writes and none of its checkpoints', async () => {
        await live.commit([charge('ch_1', { created: 100, amount: 1 })], [{ projection: 'charges', position: 1 }]);
        const invalid: DocumentWrite = { ...charge('ch_bad', { created: 300 }), index: { merchant: 'mer_a', created: Number.NaN, seq: 1, keys: {} } };
        await expect(
          live.commit([charge('ch_1', { created: 100, amount: 2 }), charge('ch_2', { created: 200 }), invalid], [{ projection: 'charges', position: 2 }]),
        ).rejects.toThrow();
        expect(await live.get('charges', 'ch_1')).toEqual(chargeDoc('ch_1', 100, 1));
        expect(await live.get('charges', 'ch_2')).toBeNull();
        expect(await live.checkpoint('charges')).toBe(1);
        expect(await ids({})).toEqual(['ch_1']);
      });
    });

    describe('generations', () => {
      it('active() is the same generation on every call and is listed among the generations', async () => {
        expect((await store.active()).name).toBe(live.name);
        expect(await store.generations()).toContain(live.name);
      });

      it('generations are isolated: documents and checkpoints in one are not seen in another', async () => {
        const next = await store.generation('contract-next');
        await next.commit([charge('ch_1', { created: 100 })], [{ projection: 'charges', position: 5 }]);
        expect(await live.get('charges', 'ch_1')).toBeNull();
        expect(await live.checkpoint('charges')).toBe(0);
        expect(await ids({})).toEqual([]);
        expect(await ids({}, next)).toEqual(['ch_1']);
        expect([...(await store.generations())].sort()).toEqual([live.name, 'contract-next'].sort());
      });

      it('opening a generation by name again reaches the same documents', async () => {
        await (await store.generation('contract-next')).commit([charge('ch_1', { created: 100 })], []);
        expect(await (await store.generation('contract-next')).get('charges', 'ch_1')).toEqual(chargeDoc('ch_1', 100));
      });

      it('activate switches readers to the new generation; the old one keeps its documents', async () => {
        await live.commit([charge('ch_old', { created: 100 })], []);
        const next = await store.generation('contract-next');
        await next.commit([charge('ch_new', { created: 100 })], [{ projection: 'charges', position: 9 }]);
        await store.activate('contract-next');
        const active = await store.active();
        expect(active.name).toBe('contract-next');
        expect(await active.get('charges', 'ch_new')).not.toBeNull();
        expect(await active.get('charges', 'ch_old')).toBeNull();
        expect(await active.checkpoint('charges')).toBe(9);
        expect(await (await store.generation(live.name)).get('charges', 'ch_old')).not.toBeNull();
      });

      it('activating a generation that was never opened fails and leaves readers where they were', async () => {
        await expect(store.activate('contract-never-opened')).rejects.toThrow();
        expect((await store.active()).name).toBe(live.name);
      });

      it('drop refuses the live generation and keeps its documents', async () => {
        await live.commit([charge('ch_1', { created: 100 })], []);
        await expect(store.drop(live.name)).rejects.toThrow();
        expect(await store.generations()).toContain(live.name);
        expect(await (await store.active()).get('charges', 'ch_1')).not.toBeNull();
      });

      it('drop removes a generation that is not live; opening the name again starts empty', async () => {
        const old = await store.generation('contract-old');
        await old.commit([charge('ch_1', { created: 100 })], [{ projection: 'charges', position: 3 }]);
        await store.drop('contract-old');
        expect(await store.generations()).not.toContain('contract-old');
        const reopened = await store.generation('contract-old');
        expect(await reopened.get('charges', 'ch_1')).toBeNull();
        expect(await reopened.checkpoint('charges')).toBe(0);
      });

      // Memory keeps a dropped generation readable by whoever holds it; PostgreSQL cannot (its table is gone). Either
      // way, no answer may pass for the generation's: no document from elsewhere, no checkpoint back at 0.
      it('a handle to a dropped generation refuses commits, and its reads answer as it was or say it was dropped', async () => {
        const old = await store.generation('contract-dropped');
        await old.commit([charge('ch_1', { created: 100 })], [{ projection: 'charges', position: 3, from: 0 }]);
        const before = await old.get('charges', 'ch_1');
        expect(before).not.toBeNull();
        expect(await old.checkpoint('charges')).toBe(3);
        await store.drop('contract-dropped');
        const asItWasOrDropped = async (read: Promise<unknown>, asItWas: unknown) => {
          const outcome = await read.then(
            (value) => ({ value }),
            (e: unknown) => ({ error: String(e) }),
          );
          if ('error' in outcome) expect(outcome.error).toMatch(/was dropped/);
          else expect(outcome.value).toEqual(asItWas);
        };
        await asItWasOrDropped(old.get('charges', 'ch_1'), before);
        await asItWasOrDropped(old.getMany('charges', ['ch_1']), new Map([['ch_1', before]]));
        await asItWasOrDropped(old.checkpoint('charges'), 3);
        await expect(old.commit([charge('ch_2', { created: 101 })], [{ projection: 'charges', position: 4, from: 3 }])).rejects.toThrow(/was dropped/);
      });

      it('after a switch, the previous live generation can be dropped', async () => {
        await store.generation('contract-next');
        await store.activate('contract-next');
        await store.drop(live.name);
        expect(await store.generations()).toEqual(['contract-next']);
      });
    });

    describe('scan', () => {
      it('yields every document of the collection, ordered by id, and nothing from other collections', async () => {
        await live.commit(
          [
            charge('ch_c', { created: 100 }),
            charge('ch_a', { created: 300 }),
            { collection: 'charges', id: 'ch_b', doc: { id: 'ch_b' }, index: null },
            { collection: 'cards', id: 'car_a', doc: { id: 'car_a' }, index: null },
          ],
          [],
        );
        const scanned: [string, unknown][] = [];
        for await (const [id, doc] of live.scan('charges')) scanned.push([id, doc]);
        expect(scanned).toEqual([
          ['ch_a', chargeDoc('ch_a', 300)],
          ['ch_b', { id: 'ch_b' }],
          ['ch_c', chargeDoc('ch_c', 100)],
        ]);
      });

      it('yields nothing for an empty collection', async () => {
        expect(await scanIds(live, 'customers')).toEqual([]);
      });
    });
  });
};

const defaultQuery: ListQuery = { collection: 'charges', merchant: 'mer_a', offset: 0, limit: 100 };

const chargeDoc = (id: string, created: number, amount = 1000) => ({ object: 'charge', id, created, amount, card: { last4: '4242' } });

const charge = (
  id: string,
  options: { created: number; seq?: number; merchant?: string; amount?: number; keys?: Record<string, string> },
): DocumentWrite => ({
  collection: 'charges',
  id,
  doc: chargeDoc(id, options.created, options.amount),
  index: { merchant: options.merchant ?? 'mer_a', created: options.created, seq: options.seq ?? options.created, keys: options.keys ?? {} },
});

const idOf = (doc: unknown): string => (doc as { id: string }).id;

const scanIds = async (generation: Generation, collection: string): Promise<string[]> => {
  const out: string[] = [];
  for await (const [id] of generation.scan(collection)) out.push(id);
  return out;
};
