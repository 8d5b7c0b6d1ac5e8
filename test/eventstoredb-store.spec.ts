/**
 * The EventStoreDB adapter against a real server: the event store contract every adapter runs, then what only this
 * adapter has to prove (idempotent retries through its event ids, its position numbering, its subscription).
 * The server comes from EVENTSTORE_CONNECTION_STRING or a container (support/eventstoredb.ts). Where there is
 * none, as on our machines, every test here is skipped with the reason shown beside it; KESSAI_REQUIRE_ESDB=1
 * turns that into a failure. Without a server the adapter is only type-checked and unit-tested
 * (packages/adapters/src/eventstoredb/*.spec.ts).
 *
 *   EVENTSTORE_CONNECTION_STRING=esdb://localhost:2113?tls=false npx vitest run test/eventstoredb-store.spec.ts
 */
import { randomUUID } from 'node:crypto';
import { EventStoreDbEventStore } from '@kessai/adapters';
import { isWrongExpectedRevision, unsafeId, type EventToAppend, type StoredEvent } from '@kessai/domain';
import { beforeEach, describe, expect, it } from 'vitest';
import { eventStoreContract } from './contracts/event-store-contract.js';
import { clientOf, eventStoreDbForTests } from './support/eventstoredb.js';

const esdb = await eventStoreDbForTests('eventstoredb-store');

// Skipping in a hook skips each test on its own: every one is counted as skipped and shows the reason.
beforeEach((ctx) => {
  if (!esdb.available) ctx.skip(`no EventStoreDB: ${esdb.reason}`);
});

/** A store of its own on the shared server: a fresh prefix, so it starts empty. */
const freshStore = (prefix = `kessai-test-${randomUUID()}-`) => new EventStoreDbEventStore({ client: clientOf(esdb), streamPrefix: prefix });

/** The first call of a store reads all of `$all` once (to number its events), which grows through the file. */
const SLOW = { timeout: 60_000 };

describe('EventStoreDB', SLOW, () => {
  eventStoreContract('eventstoredb', () => Promise.resolve({ store: freshStore() }));

  describe('EventStoreDbEventStore', () => {
    const metadata = { merchant: unsafeId.merchant('mer_esdb'), correlationId: 'req_1', causationId: null, idempotencyKey: null, occurredAt: 1_496_800_000_000 };
    const event = (id: string, extra: Record<string, unknown> = {}): EventToAppend => ({ type: 'EsdbEventRecorded', version: 1, data: { id, ...extra }, metadata });
    const ids = (events: readonly StoredEvent[]) => events.map((e) => (e.data as { id: string }).id);

    describe('event ids', () => {
      it('re-sending an append whose answer was lost writes nothing twice and answers as the first time', async () => {
        const store = freshStore();
        const request = { stream: 'charge-ch_1', expected: 'no_stream' as const, events: [event('a'), event('b')] };
        const first = await store.append(request);
        const again = await store.append(request);
        expect(again).toEqual(first);
        expect(ids(await store.readStream('charge-ch_1'))).toEqual(['a', 'b']);
        expect(await store.headPosition()).toBe(2);
      });

      it('another event at a revision already taken is a conflict, even from the same command: never a silent success', async () => {
        const store = freshStore();
        await store.append({ stream: 's', expected: 'no_stream', events: [event('a')] });
        const error = await store.append({ stream: 's', expected: 'no_stream', events: [event('a', { amount: 2 })] }).catch((e: unknown) => e);
        expect(isWrongExpectedRevision(error)).toBe(true);
        expect(error).toMatchObject({ stream: 's', expected: 'no_stream', actual: 0 });
        expect(ids(await store.readStream('s'))).toEqual(['a']);
      });
    });

    describe('positions', () => {
      it('another store instance over the same streams numbers the events the same way: they are a function of the log', async () => {
        const prefix = `kessai-test-${randomUUID()}-`;
        const writer = freshStore(prefix);
        for (let i = 0; i < 12; i++) await writer.append({ stream: `s${i % 3}`, expected: 'any', events: [event(`e${i}`)] });
        const reader = freshStore(prefix);
        expect(await reader.headPosition()).toBe(12);
        const all = await reader.readAll({ limit: 100 });
        expect(all.map((e) => e.position)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
        expect(all).toEqual(await writer.readAll({ limit: 100 }));
        expect((await reader.readStream('s1')).map((e) => e.position)).toEqual([2, 5, 8, 11]);
      });

      it("readAll shows only the store's own events: not other prefixes' streams, not the server's system events", async () => {
        const mine = freshStore();
        const other = freshStore();
        for (let i = 0; i < 5; i++) {
          await mine.append({ stream: 'm', expected: 'any', events: [event(`m${i}`)] });
          await other.append({ stream: 'o', expected: 'any', events: [event(`o${i}`)] });
        }
        const all = await mine.readAll({ limit: 100 });
        expect(ids(all)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
        expect(all.every((e) => e.stream === 'm' && !e.type.startsWith('$'))).toBe(true);
      });
    });

    describe('appendMany', () => {
      it('fails before writing anything when a later stream is already not where its request expects it', async () => {
        const store = freshStore();
        await store.append({ stream: 'b', expected: 'no_stream', events: [event('b0')] });
        const error = await store
          .appendMany([
            { stream: 'a', expected: 'no_stream', events: [event('a0')] },
            { stream: 'b', expected: 'no_stream', events: [event('b1')] },
          ])
          .catch((e: unknown) => e);
        expect(error).toMatchObject({ stream: 'b', expected: 'no_stream', actual: 0 });
        expect(await store.readStream('a')).toEqual([]);
      });
    });

    describe('subscribe', () => {
      it('resumes after a checkpoint, then follows new appends, with the positions readAll gives', async () => {
        const store = freshStore();
        await store.append({ stream: 's', expected: 'no_stream', events: [event('e1'), event('e2'), event('e3')] });
        const seen: StoredEvent[] = [];
        let fourth: () => void = () => undefined;
        const gotFourth = new Promise<void>((resolve) => (fourth = resolve));
        const subscription = store.subscribe({
          after: 1,
          onEvent: (e) => {
            seen.push(e);
            if (seen.length === 3) fourth();
          },
        });
        await store.append({ stream: 's', expected: 2, events: [event('e4')] });
        await gotFourth;
        await subscription.stop();
        expect(seen.map((e) => [e.position, (e.data as { id: string }).id])).toEqual([[2, 'e2'], [3, 'e3'], [4, 'e4']]);
        expect(seen).toEqual(await store.readAll({ after: 1, limit: 10 }));
      });

      it('refuses a checkpoint past the head: it belongs to another store', async () => {
        const subscription = freshStore().subscribe({ after: 5, onEvent: () => undefined });
        await expect(subscription.done).rejects.toThrow(RangeError);
      });
    });
  });
});
