import { isWrongExpectedRevision, unsafeId, type EventToAppend, type StoredEvent } from '@kessai/domain';
import { describe, expect, it } from 'vitest';
import { InvalidHistoryError, MemoryEventStore } from './event-store.js';

// The port's rules are in test/contracts/event-store-contract.ts; these are what the memory adapter adds.

const metadata = {
  merchant: unsafeId.merchant('mer_1'),
  correlationId: 'corr',
  causationId: null,
  idempotencyKey: null,
  occurredAt: 1_496_800_000_000,
};
const event = (data: unknown = {}): EventToAppend => ({ type: 'Recorded', version: 1, data, metadata });
const clockAt = (...times: number[]) => ({ now: () => times.shift() ?? Number.NaN });

const storeWith = async (...streams: [stream: string, count: number][]) => {
  const store = new MemoryEventStore({ clock: clockAt(...streams.map((_, i) => 1000 + i)) });
  for (const [stream, count] of streams)
    await store.append({ stream, expected: 'any', events: Array.from({ length: count }, (_, i) => event({ i })) });
  return store;
};

describe('MemoryEventStore', () => {
  describe('stored events', () => {
    it('are deeply frozen, so a caller cannot change history even by accident', async () => {
      const store = await storeWith(['s', 0]);
      await store.append({ stream: 's', expected: 'any', events: [event({ card: { last4: '4242' }, tags: ['a'] })] });
      const [stored] = await store.readStream('s');
      const data = stored?.data as { card: object; tags: string[] };
      expect([stored, stored?.metadata, data, data.card, data.tags].every(Object.isFrozen)).toBe(true);
      expect(() => data.tags.push('b')).toThrow(TypeError);
    });

    it('keep equal strings once: the same value appended twice is the same string in both events', async () => {
      const store = new MemoryEventStore();
      // Built at run time, so the two arguments are distinct string objects that only compare equal.
      const id = (n: number) => ['tok', String(n).padStart(28, '0')].join('_');
      await store.append({ stream: 'a', expected: 'any', events: [event({ token: id(7) })] });
      await store.append({ stream: 'b', expected: 'any', events: [event({ token: id(7), note: 'x'.repeat(200) })] });
      const [first, second] = await store.readAll({ limit: 2 });
      expect((second?.data as { token: string }).token).toBe((first?.data as { token: string }).token);
      expect(second?.data).toEqual({ token: id(7), note: 'x'.repeat(200) });
    });

    it('take recordedAt from the clock, once per append: the events of one append share it', async () => {
      const store = new MemoryEventStore({ clock: clockAt(111, 222) });
      await store.append({ stream: 'a', expected: 'no_stream', events: [event(), event()] });
      await store.appendMany([{ stream: 'b', expected: 'no_stream', events: [event()] }, { stream: 'a', expected: 1, events: [event()] }]);
      expect((await store.readAll({ limit: 10 })).map((e) => e.recordedAt)).toEqual([111, 111, 222, 222]);
    });

    it('refuse data a JSON column could not hold, and nothing of the call is written', async () => {
      const store = new MemoryEventStore();
      class Money {
        readonly yen = 100;
      }
      for (const data of [new Date(0), new Money(), { nested: new Map() }, { f: () => 1 }, 10n])
        await expect(
          store.appendMany([
            { stream: 'ok', expected: 'any', events: [event({ fine: true })] },
            { stream: 'bad', expected: 'any', events: [event(data)] },
          ]),
        ).rejects.toThrow(TypeError);
      expect(await store.headPosition()).toBe(0);
    });

    it('refuse an event without a type or with a version below 1', async () => {
      const store = new MemoryEventStore();
      await expect(store.append({ stream: 's', expected: 'any', events: [{ ...event(), type: '' }] })).rejects.toThrow(TypeError);
      await expect(store.append({ stream: 's', expected: 'any', events: [{ ...event(), version: 0 }] })).rejects.toThrow(TypeError);
    });
  });

  describe('appendMany naming one stream twice', () => {
    it('checks the second request against the stream as the first one leaves it', async () => {
      const store = new MemoryEventStore();
      const results = await store.appendMany([
        { stream: 's', expected: 'no_stream', events: [event(), event()] },
        { stream: 's', expected: 1, events: [event()] },
      ]);
      expect(results.map((r) => r.revision)).toEqual([1, 2]);
      await expect(
        store.appendMany([
          { stream: 's', expected: 2, events: [event()] },
          { stream: 's', expected: 2, events: [event()] },
        ]),
      ).rejects.toSatisfy((e) => isWrongExpectedRevision(e) && e.actual === 3);
      expect(await store.headPosition()).toBe(3);
    });
  });

  describe('read options', () => {
    it('reject a negative or fractional limit, revision or position', async () => {
      const store = await storeWith(['s', 3]);
      await expect(store.readStream('s', { limit: -1 })).rejects.toThrow(RangeError);
      await expect(store.readStream('s', { from: 0.5 })).rejects.toThrow(RangeError);
      await expect(store.readAll({ after: -1, limit: 1 })).rejects.toThrow(RangeError);
      await expect(store.readAll({ limit: 1.5 })).rejects.toThrow(RangeError);
    });

    it('backwards from past the end starts at the last revision; forwards past `to` beyond the end stops at the end', async () => {
      const store = await storeWith(['s', 3]);
      expect((await store.readStream('s', { direction: 'backwards', from: 99 })).map((e) => e.revision)).toEqual([2, 1, 0]);
      expect((await store.readStream('s', { from: 1, to: 99 })).map((e) => e.revision)).toEqual([1, 2]);
    });
  });

  describe('loadAll', () => {
    const exported = async () => (await storeWith(['a', 2], ['b', 1], ['a', 1])).readAll({ limit: 100 });

    it('given an exported history, a new store holds the same events and continues after them', async () => {
      const history = await exported();
      const store = new MemoryEventStore({ events: history, clock: clockAt(5000) });
      expect(await store.readAll({ limit: 100 })).toEqual(history);
      expect(await store.append({ stream: 'a', expected: 2, events: [event()] })).toEqual({ stream: 'a', revision: 3, position: 5 });
    });

    it('keeps frozen copies, not the objects it was given', async () => {
      const history = (await exported()).map((e) => ({ ...e, data: { ...(e.data as object) } }));
      const store = new MemoryEventStore({ events: history });
      (history[0]?.data as { i: number }).i = 99;
      const [first] = await store.readAll({ limit: 1 });
      expect(first?.data).toEqual({ i: 0 });
      expect(Object.isFrozen(first?.data)).toBe(true);
    });

    it('keeps one metadata object for consecutive events whose metadata is equal (one command, written line by line)', async () => {
      const history = (await exported()).map((e) => ({ ...e, metadata: { ...e.metadata } }));
      const store = new MemoryEventStore({ events: [...history, { ...history[3]!, position: 5, revision: 3, metadata: { ...metadata, correlationId: 'other' } }] });
      const loaded = await store.readAll({ limit: 100 });
      expect(new Set(loaded.slice(0, 4).map((e) => e.metadata)).size).toBe(1);
      expect(loaded[4]?.metadata).toEqual({ ...metadata, correlationId: 'other' });
      expect(loaded.map((e) => e.metadata)).toEqual([...history.map((e) => e.metadata), { ...metadata, correlationId: 'other' }]);
    });

    it('continues a store that already holds events when positions and revisions follow on', async () => {
      const history = await exported();
      const store = new MemoryEventStore({ events: history.slice(0, 2) });
      store.loadAll(history.slice(2));
      expect(await store.readAll({ limit: 100 })).toEqual(history);
    });

    const broken: [string, (h: StoredEvent[]) => StoredEvent[]][] = [
      ['a gap in positions', (h) => [h[0], ...h.slice(2)] as StoredEvent[]],
      ['positions not starting at the head', (h) => h.slice(1)],
      ['a revision skipped', (h) => h.map((e) => (e.position === 4 ? { ...e, revision: 3 } : e))],
      ['a revision repeated', (h) => h.map((e) => (e.position === 2 ? { ...e, revision: 0 } : e))],
      ['an event without recordedAt', (h) => h.map((e) => (e.position === 3 ? { ...e, recordedAt: Number.NaN } : e))],
      ['data a JSON column could not hold', (h) => h.map((e) => (e.position === 4 ? { ...e, data: new Date() } : e))],
    ];
    it.each(broken)('refuses a history with %s, naming the event, and loads none of it', async (_, breakHistory) => {
      const history = breakHistory([...(await exported())]);
      const store = new MemoryEventStore();
      expect(() => store.loadAll(history)).toThrow(InvalidHistoryError);
      expect(await store.headPosition()).toBe(0);
      expect(await store.readStream('a')).toEqual([]);
    });
  });
});
