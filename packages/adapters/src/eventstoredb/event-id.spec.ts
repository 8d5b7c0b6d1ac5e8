// Unit tests: pure code, no server and no stand-in for one. Whether the server really deduplicates a retried
// append is checked in test/eventstoredb-store.spec.ts, where a server is provided.
import { unsafeId, type EventToAppend } from '@kessai/domain';
import { describe, expect, it } from 'vitest';
import { EVENT_ID_NAMESPACE, eventIdOf, stableJson, uuidV5 } from './event-id.js';

const NAMESPACE_DNS = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';
const NAMESPACE_URL = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

const event = (overrides: Partial<EventToAppend> = {}): EventToAppend => ({
  type: 'ChargeSucceeded',
  version: 1,
  data: { id: 'ch_1', amount: 1000, card: { last4: '4242' } },
  metadata: { merchant: unsafeId.merchant('mer_1'), correlationId: 'req_1', causationId: null, idempotencyKey: 'key-1', occurredAt: 1_496_800_000_000 },
  ...overrides,
});

describe('uuidV5', () => {
  // Expected values from Python's uuid.uuid5, an independent implementation.
  it.each([
    [NAMESPACE_DNS, 'python.org', '886313e1-3b8a-5372-9b90-0c9aee199e5d'],
    [NAMESPACE_DNS, 'www.example.com', '2ed6657d-e927-568b-95e1-2665a8aea6a2'],
    [NAMESPACE_URL, 'ünïcode ✓', 'a2146854-ad02-5e9f-9475-115d9d56b459'],
  ])('uuid5(%s, %s) = %s', (namespace, name, expected) => {
    expect(uuidV5(namespace, name)).toBe(expected);
  });

  it('refuses a namespace that is not a UUID', () => {
    expect(() => uuidV5('kessai', 'x')).toThrow(TypeError);
  });

  it("the adapter's namespace is the one its comment names", () => {
    expect(uuidV5(NAMESPACE_URL, 'urn:kessai:eventstoredb:event-id')).toBe(EVENT_ID_NAMESPACE);
  });
});

describe('stableJson', () => {
  it('writes object keys in order, at every depth, and keeps array order', () => {
    expect(stableJson({ b: 1, a: { d: [3, 1], c: null } })).toBe('{"a":{"c":null,"d":[3,1]},"b":1}');
    expect(stableJson({ a: { c: null, d: [3, 1] }, b: 1 })).toBe(stableJson({ b: 1, a: { d: [3, 1], c: null } }));
  });
});

describe('eventIdOf', () => {
  it('gives the same id to the same event of the same append: a retried append is recognised by the server', () => {
    expect(eventIdOf('charge-ch_1', 'no_stream', 0, event())).toBe(eventIdOf('charge-ch_1', 'no_stream', 0, event()));
  });

  it('does not depend on the order in which the objects were built', () => {
    const reordered = event({ data: { card: { last4: '4242' }, amount: 1000, id: 'ch_1' } });
    expect(eventIdOf('s', 3, 0, reordered)).toBe(eventIdOf('s', 3, 0, event()));
  });

  it('is a version 5 UUID in canonical form', () => {
    expect(eventIdOf('s', 'any', 0, event())).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  describe('differs whenever the event could be a different fact, so the server never takes a new event for a retry', () => {
    const base = eventIdOf('charge-ch_1', 2, 0, event());
    it.each<[string, string]>([
      ['another stream', eventIdOf('charge-ch_2', 2, 0, event())],
      ['another expected revision (another revision-to-be)', eventIdOf('charge-ch_1', 3, 0, event())],
      ['another expectation kind', eventIdOf('charge-ch_1', 'any', 0, event())],
      ['another place in the append', eventIdOf('charge-ch_1', 2, 1, event())],
      ['another type', eventIdOf('charge-ch_1', 2, 0, event({ type: 'ChargeFailed' }))],
      ['another schema version', eventIdOf('charge-ch_1', 2, 0, event({ version: 2 }))],
      ['other data', eventIdOf('charge-ch_1', 2, 0, event({ data: { id: 'ch_1', amount: 1001, card: { last4: '4242' } } }))],
      ['another command (correlation id)', eventIdOf('charge-ch_1', 2, 0, event({ metadata: { ...event().metadata, correlationId: 'req_2' } }))],
      ['another time (a command decided again)', eventIdOf('charge-ch_1', 2, 0, event({ metadata: { ...event().metadata, occurredAt: 1_496_800_000_001 } }))],
    ])('%s', (_, other) => {
      expect(other).not.toBe(base);
    });
  });
});
