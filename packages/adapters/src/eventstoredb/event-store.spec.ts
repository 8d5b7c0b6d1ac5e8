// Unit tests of EventStoreDbEventStore with the real client and NO server: argument checks, which happen before
// any call, and how the store fails when nothing answers. They prove nothing about talking to a server; that is
// the contract suite in test/eventstoredb-store.spec.ts, which runs only where a server is provided.
import { createServer } from 'node:net';
import { isWrongExpectedRevision, unsafeId, type EventToAppend } from '@kessai/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectEventStoreDb } from './connection.js';
import { EventStoreDbEventStore } from './event-store.js';
import type { EventStoreDBClient } from '@eventstore/db-client';

const event = (overrides: Partial<EventToAppend> = {}): EventToAppend => ({
  type: 'Recorded',
  version: 1,
  data: {},
  metadata: { merchant: unsafeId.merchant('mer_1'), correlationId: 'corr', causationId: null, idempotencyKey: null, occurredAt: 0 },
  ...overrides,
});

/** A port nothing listens on: taken from the system, then released. */
const closedPort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

describe('EventStoreDbEventStore without a server', () => {
  let client: EventStoreDBClient;
  let store: EventStoreDbEventStore;
  beforeAll(async () => {
    client = connectEventStoreDb(`esdb://127.0.0.1:${await closedPort()}?tls=false`);
    store = new EventStoreDbEventStore({ client, streamPrefix: 'unit-' });
  });
  afterAll(async () => {
    await client.dispose();
  });

  it('is not atomic across streams, so the contract skips its atomicity test', () => {
    expect(store.atomicMultiStreamAppend).toBe(false);
  });

  it('refuses a prefix that would make every stream a system stream', () => {
    expect(() => new EventStoreDbEventStore({ client, streamPrefix: '$kessai-' })).toThrow(TypeError);
  });

  describe('refuses bad input before any server call (these reject at once, though nothing answers)', () => {
    it.each<[string, () => Promise<unknown>]>([
      ['an empty stream name', () => store.append({ stream: '', expected: 'any', events: [event()] })],
      ['a $ event type', () => store.append({ stream: 's', expected: 'any', events: [event({ type: '$metadata' })] })],
      ['an event version below 1', () => store.append({ stream: 's', expected: 'any', events: [event({ version: 0 })] })],
      ['bad data in the second request of appendMany', () =>
        store.appendMany([{ stream: 'a', expected: 'any', events: [event()] }, { stream: 'b', expected: 'any', events: [event({ type: '' })] }])],
    ])('%s: TypeError', async (_, call) => {
      await expect(call()).rejects.toThrow(TypeError);
    });

    it.each<[string, () => Promise<unknown>]>([
      ['a negative readAll after', () => store.readAll({ after: -1, limit: 1 })],
      ['a fractional readAll limit', () => store.readAll({ limit: 1.5 })],
      ['a negative readStream from', () => store.readStream('s', { from: -1 })],
      ['a negative readStream limit', () => store.readStream('s', { limit: -1 })],
    ])('%s: RangeError', async (_, call) => {
      await expect(call()).rejects.toThrow(RangeError);
    });

    it('answers limit 0 and system stream names with no events', async () => {
      expect(await store.readAll({ limit: 0 })).toEqual([]);
      expect(await store.readStream('s', { limit: 0 })).toEqual([]);
      expect(await new EventStoreDbEventStore({ client }).readStream('$ce-charge')).toEqual([]);
    });
  });

  describe('given nothing listening at the address', () => {
    it('an append fails with the client error, not with a conflict', async () => {
      const error = await store.append({ stream: 's', expected: 'no_stream', events: [event()] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(isWrongExpectedRevision(error)).toBe(false);
      expect((error as { code?: unknown }).code).toBe(14); // gRPC UNAVAILABLE
    });

    it('reading a stream fails: an unreachable server is never an empty stream', async () => {
      await expect(store.readStream('s')).rejects.toMatchObject({ code: 14 });
    });

    it('readAll and headPosition fail too', async () => {
      await expect(store.readAll({ limit: 10 })).rejects.toMatchObject({ code: 14 });
      await expect(store.headPosition()).rejects.toMatchObject({ code: 14 });
    });
  });
});
