import { randomUUID } from 'node:crypto';
import {
  isWrongExpectedRevision,
  unsafeId,
  type AppendRequest,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type StoredEvent,
} from '@kessai/domain';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/**
 * The EventStore port's rules, run against every adapter (memory, PostgreSQL, EventStoreDB).
 * `makeStore` is called before each test and must hand back an empty store; `close` runs after it.
 * Only the port's behaviour is tested here; what an adapter adds (frozen objects, SQL) has its own spec.
 */
export const eventStoreContract = (
  name: string,
  makeStore: () => Promise<{ store: EventStore; close?: () => Promise<void> }>,
): void => {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    let close: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ store, close } = await makeStore());
    });
    afterEach(async () => {
      await close?.();
    });

    const appendOne = (stream: string, expected: ExpectedRevision, ...ids: string[]) =>
      store.append({ stream, expected, events: ids.map((id) => event(id)) });

    describe('given a stream that does not exist', () => {
      it('appending with no_stream creates it at revision 0 and reports the last revision and position', async () => {
        const s = streamName('new');
        const result = await appendOne(s, 'no_stream', 'a', 'b');
        expect(result).toEqual({ stream: s, revision: 1, position: await store.headPosition() });
        expect((await store.readStream(s)).map((e) => [e.revision, idOf(e)])).toEqual([[0, 'a'], [1, 'b']]);
      });

      it("appending with 'any' creates it at revision 0", async () => {
        const s = streamName('new');
        expect((await appendOne(s, 'any', 'a')).revision).toBe(0);
      });

      it('appending with stream_exists fails with actual -1 and writes nothing', async () => {
        const s = streamName('absent');
        await expectConflict(appendOne(s, 'stream_exists', 'a'), { stream: s, expected: 'stream_exists', actual: -1 });
        expect(await store.readStream(s)).toEqual([]);
        expect(await store.headPosition()).toBe(0);
      });

      it('appending with an expected revision fails with actual -1', async () => {
        const s = streamName('absent');
        await expectConflict(appendOne(s, 0, 'a'), { stream: s, expected: 0, actual: -1 });
      });

      it('reading it returns no events', async () => {
        expect(await store.readStream(streamName('absent'))).toEqual([]);
      });
    });

    describe('given a stream at revision 2', () => {
      let s: string;
      beforeEach(async () => {
        s = streamName('existing');
        await appendOne(s, 'no_stream', 'e0', 'e1', 'e2');
      });

      it('appending with no_stream fails with actual 2', async () => {
        await expectConflict(appendOne(s, 'no_stream', 'x'), { stream: s, expected: 'no_stream', actual: 2 });
      });

      it.each([1, 3, 0])('appending with expected revision %i fails with actual 2', async (expected) => {
        await expectConflict(appendOne(s, expected, 'x'), { stream: s, expected, actual: 2 });
      });

      it('a failed append leaves the stream and the global log unchanged', async () => {
        const before = await store.readAll({ limit: 100 });
        await appendOne(s, 1, 'x').catch(() => undefined);
        await appendOne(s, 'no_stream', 'x').catch(() => undefined);
        expect(await store.readAll({ limit: 100 })).toEqual(before);
        expect(await store.headPosition()).toBe(3);
      });

      it.each<ExpectedRevision>([2, 'stream_exists', 'any'])('appending with %s continues at revision 3', async (expected) => {
        expect((await appendOne(s, expected, 'e3')).revision).toBe(3);
        expect((await store.readStream(s)).map((e) => e.revision)).toEqual([0, 1, 2, 3]);
      });

      it("appending with 'any' always succeeds, whatever was written before", async () => {
        await appendOne(s, 'any', 'e3');
        await appendOne(s, 'any', 'e4', 'e5');
        expect((await store.readStream(s)).map(idOf)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5']);
      });

      it('appending no events checks the expectation, writes nothing and reports the current revision', async () => {
        expect(await store.append({ stream: s, expected: 2, events: [] })).toEqual({ stream: s, revision: 2, position: 0 });
        await expectConflict(store.append({ stream: s, expected: 5, events: [] }), { stream: s, expected: 5, actual: 2 });
        expect(await store.headPosition()).toBe(3);
      });
    });

    describe('revisions and positions', () => {
      it('revisions start at 0 and are contiguous within each stream, whatever the interleaving', async () => {
        const [a, b, c] = [streamName('a'), streamName('b'), streamName('c')];
        await appendOne(a, 'no_stream', 'a0');
        await appendOne(b, 'no_stream', 'b0', 'b1');
        await appendOne(a, 0, 'a1', 'a2');
        await appendOne(c, 'any', 'c0');
        await appendOne(b, 1, 'b2');
        for (const [s, n] of [[a, 3], [b, 3], [c, 1]] as const)
          expect((await store.readStream(s)).map((e) => e.revision)).toEqual(range(n));
      });

      it('positions count from 1, increase by one across streams and match readAll order', async () => {
        const streams = [streamName('p'), streamName('q')];
        for (let i = 0; i < 10; i++) await appendOne(streams[i % 2] as string, 'any', `e${i}`, `f${i}`);
        const all = await store.readAll({ limit: 1000 });
        expect(all.map((e) => e.position)).toEqual(range(20, 1));
        expect(all.map(idOf)).toEqual(range(10).flatMap((i) => [`e${i}`, `f${i}`]));
        expect(await store.headPosition()).toBe(20);
      });

      it('a stored event keeps its type, version, data and metadata, and gains stream, revision, position and recordedAt', async () => {
        const s = streamName('shape');
        const appended = event('x', { amount: 1000, card: { last4: '4242', cvc_check: null }, tags: ['a', 'b'] });
        await store.append({ stream: s, expected: 'no_stream', events: [appended] });
        const [stored] = await store.readStream(s);
        expect(stored).toMatchObject({ ...appended, stream: s, revision: 0, position: 1 });
        expect(Number.isFinite(stored?.recordedAt)).toBe(true);
        expect(await store.readAll({ limit: 10 })).toEqual([stored]);
      });

      it('headPosition is 0 on an empty store and the last position after appends', async () => {
        expect(await store.headPosition()).toBe(0);
        const { position } = await appendOne(streamName('h'), 'no_stream', 'a', 'b', 'c');
        expect(position).toBe(3);
        expect(await store.headPosition()).toBe(3);
      });
    });

    describe('appendMany', () => {
      it('appends every request and returns one result per request, in order', async () => {
        const [a, b] = [streamName('a'), streamName('b')];
        await appendOne(b, 'no_stream', 'b0');
        const results = await store.appendMany([
          { stream: a, expected: 'no_stream', events: [event('a0'), event('a1')] },
          { stream: b, expected: 0, events: [event('b1')] },
        ]);
        expect(results).toEqual([
          { stream: a, revision: 1, position: 3 },
          { stream: b, revision: 1, position: 4 },
        ]);
        expect((await store.readAll({ limit: 10 })).map(idOf)).toEqual(['b0', 'a0', 'a1', 'b1']);
      });

      it('fails as a whole with the conflict when any request does not match', async () => {
        const [a, b] = [streamName('a'), streamName('b')];
        await appendOne(b, 'no_stream', 'b0');
        await expectConflict(
          store.appendMany([
            { stream: a, expected: 'no_stream', events: [event('a0')] },
            { stream: b, expected: 'no_stream', events: [event('b1')] },
          ]),
          { stream: b, expected: 'no_stream', actual: 0 },
        );
      });

      it('where multi-stream appends are atomic, a conflict on the second request leaves the first stream and the log unchanged', async (ctx) => {
        ctx.skip(!store.atomicMultiStreamAppend, `${name} appends stream by stream`);
        const [a, b] = [streamName('a'), streamName('b')];
        await appendOne(a, 'no_stream', 'a0');
        await appendOne(b, 'no_stream', 'b0');
        const before = await store.readAll({ limit: 100 });
        const requests: AppendRequest[] = [
          { stream: a, expected: 0, events: [event('a1')] },
          { stream: b, expected: 7, events: [event('b1')] },
        ];
        await expectConflict(store.appendMany(requests), { stream: b, expected: 7, actual: 0 });
        expect((await store.readStream(a)).map(idOf)).toEqual(['a0']);
        expect(await store.readAll({ limit: 100 })).toEqual(before);
        expect(await store.headPosition()).toBe(2);
      });
    });

    describe('readStream', () => {
      let s: string;
      beforeEach(async () => {
        s = streamName('read');
        await appendOne(s, 'no_stream', ...range(10).map((i) => `e${i}`));
      });
      const revisions = async (options: Parameters<EventStore['readStream']>[1]) =>
        (await store.readStream(s, options)).map((e) => e.revision);

      it('reads forwards from revision 0 by default', async () => {
        expect(await revisions({})).toEqual(range(10));
      });
      it('reads forwards between from and to, both inclusive', async () => {
        expect(await revisions({ from: 3, to: 6 })).toEqual([3, 4, 5, 6]);
      });
      it('stops after limit events', async () => {
        expect(await revisions({ from: 2, limit: 3 })).toEqual([2, 3, 4]);
      });
      it('returns nothing when from is past the end', async () => {
        expect(await revisions({ from: 10 })).toEqual([]);
      });
      it('reads backwards from the last revision by default', async () => {
        expect(await revisions({ direction: 'backwards' })).toEqual(range(10).reverse());
      });
      it('reads backwards from `from` down to `to`, both inclusive', async () => {
        expect(await revisions({ direction: 'backwards', from: 7, to: 4 })).toEqual([7, 6, 5, 4]);
      });
      it('reads backwards at most limit events: the newest event is one call away', async () => {
        expect(await revisions({ direction: 'backwards', limit: 1 })).toEqual([9]);
        expect(await revisions({ direction: 'backwards', from: 5, limit: 2 })).toEqual([5, 4]);
      });
    });

    describe('readAll', () => {
      it('pages with after + limit return every event exactly once, in position order', async () => {
        const streams = range(5).map((i) => streamName(`s${i}`));
        for (let i = 0; i < 53; i++) await appendOne(streams[i % 5] as string, 'any', `e${i}`);
        const seen: StoredEvent[] = [];
        for (let after = 0; ; ) {
          const page = await store.readAll({ after, limit: 7 });
          if (page.length === 0) break;
          expect(page.length).toBeLessThanOrEqual(7);
          seen.push(...page);
          after = (page[page.length - 1] as StoredEvent).position;
        }
        expect(seen.map(idOf)).toEqual(range(53).map((i) => `e${i}`));
        expect(seen.map((e) => e.position)).toEqual(range(53, 1));
      });

      it('returns only events after the given position, and nothing after the head', async () => {
        await appendOne(streamName('a'), 'no_stream', 'e0', 'e1', 'e2', 'e3');
        expect((await store.readAll({ after: 2, limit: 10 })).map((e) => e.position)).toEqual([3, 4]);
        expect(await store.readAll({ after: 4, limit: 10 })).toEqual([]);
      });
    });

    describe('given 8 writers appending at the same time', () => {
      it('every acknowledged event is in the log exactly once, positions have no gaps and revisions stay contiguous', async () => {
        const writers = 8;
        const rounds = 12;
        const shared = streamName('shared-any');
        const counter = streamName('shared-expected');
        const acknowledged: string[] = [];
        const ack = (...ids: string[]) => acknowledged.push(...ids);

        const writer = async (w: number) => {
          const own = streamName(`own-${w}`);
          const pair = streamName(`pair-${w}`);
          for (let r = 0; r < rounds; r++) {
            const id = (what: string) => `w${w}-r${r}-${what}`;
            await appendOne(own, r === 0 ? 'no_stream' : r - 1, id('own'));
            ack(id('own'));
            await appendOne(shared, 'any', id('any-1'), id('any-2'));
            ack(id('any-1'), id('any-2'));
            await store.appendMany([
              { stream: pair, expected: r === 0 ? 'no_stream' : r - 1, events: [event(id('pair'))] },
              { stream: shared, expected: 'any', events: [event(id('many'))] },
            ]);
            ack(id('pair'), id('many'));
            // Read, decide, append with the revision read; on a conflict, read again (what command handlers do).
            for (let attempt = 0; ; attempt++) {
              const [last] = await store.readStream(counter, { direction: 'backwards', limit: 1 });
              try {
                await appendOne(counter, last === undefined ? 'no_stream' : last.revision, id('counted'));
                ack(id('counted'));
                break;
              } catch (e) {
                if (!isWrongExpectedRevision(e) || attempt >= 1000) throw e;
              }
            }
          }
        };
        await Promise.all(range(writers).map(writer));

        const all: StoredEvent[] = [];
        for (let after = 0; ; ) {
          const page = await store.readAll({ after, limit: 100 });
          if (page.length === 0) break;
          all.push(...page);
          after = (page[page.length - 1] as StoredEvent).position;
        }
        expect(all.map((e) => e.position)).toEqual(range(all.length, 1));
        expect(await store.headPosition()).toBe(all.length);
        expect(all.map(idOf).sort()).toEqual([...acknowledged].sort());
        expect(acknowledged).toHaveLength(writers * rounds * 6);
        for (const s of [shared, counter]) {
          const events = await store.readStream(s);
          expect(events.map((e) => e.revision)).toEqual(range(events.length));
        }
        expect(await store.readStream(counter)).toHaveLength(writers * rounds);
      });
    });

    describe('history is immutable to callers', () => {
      it('changing the appended objects afterwards does not change what was stored', async () => {
        const s = streamName('immutable');
        const data = { id: 'x', amount: 1000, card: { last4: '4242' }, list: [1, 2] };
        const metadata = { ...event('x').metadata };
        await store.append({ stream: s, expected: 'no_stream', events: [{ type: 'ContractEventRecorded', version: 1, data, metadata }] });
        data.amount = 1;
        data.card.last4 = '0000';
        data.list.push(3);
        (metadata as { correlationId: string }).correlationId = 'changed';
        const [stored] = await store.readStream(s);
        expect(stored?.data).toEqual({ id: 'x', amount: 1000, card: { last4: '4242' }, list: [1, 2] });
        expect(stored?.metadata.correlationId).toBe('corr-x');
      });

      it('changing an event that was read does not change what the next reader gets', async () => {
        const s = streamName('immutable');
        await store.append({ stream: s, expected: 'no_stream', events: [event('x', { card: { last4: '4242' } })] });
        const [read] = await store.readStream(s);
        const original = structuredClone(read);
        attempt(() => ((read as { type: string }).type = 'Tampered'));
        attempt(() => ((read?.data as { card: { last4: string } }).card.last4 = '0000'));
        attempt(() => ((read?.metadata as { merchant: string }).merchant = 'someone-else'));
        const all = await store.readAll({ limit: 10 });
        attempt(() => (all as StoredEvent[]).pop());
        expect((await store.readStream(s))[0]).toEqual(original);
        expect(await store.readAll({ limit: 10 })).toEqual([original]);
      });
    });
  });
};

const merchant = unsafeId.merchant('mer_contract');

const event = (id: string, data: Record<string, unknown> = {}): EventToAppend => ({
  type: 'ContractEventRecorded',
  version: 1,
  data: { id, ...data },
  metadata: { merchant, correlationId: `corr-${id}`, causationId: null, idempotencyKey: null, occurredAt: 1_496_800_000_000 },
});

const idOf = (e: StoredEvent): string => (e.data as { id: string }).id;

/** Unique per test run, so that the suite also holds on a store shared with other tests. */
const streamName = (label: string): string => `contract-${label}-${randomUUID()}`;

const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);

/** A frozen object throws on mutation in strict mode; a store that hands out copies does not. Either is fine. */
const attempt = (mutate: () => unknown): void => {
  try {
    mutate();
  } catch {
    // refused: fine
  }
};

const expectConflict = async (
  pending: Promise<unknown>,
  expected: { readonly stream: string; readonly expected: ExpectedRevision; readonly actual: number },
): Promise<void> => {
  const error = await pending.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isWrongExpectedRevision(error), 'a WrongExpectedRevisionError').toBe(true);
  expect(error).toMatchObject(expected);
};
