import { readFileSync } from 'node:fs';
import { encodeEvent, EventDecodingError, type StoredEvent } from '@kessai/domain';
import { tokenCreated } from '@kessai/domain/testing';
import { describe, expect, it } from 'vitest';
import { toProjected } from './event.js';

const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) deepFreeze(v);
  return Object.freeze(value);
};

const stored = (event: { type: string; version: number; data: unknown }, position = 1): StoredEvent => ({
  ...event,
  stream: `stream-${position}`,
  revision: 0,
  position,
  metadata: { merchant: 'acme', correlationId: 'req_1', causationId: null, idempotencyKey: null, occurredAt: 1_496_800_000_000 },
  recordedAt: 1_496_800_000_000,
}) as StoredEvent;

const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const v1 = (JSON.parse(readFileSync(new URL('../../../test/fixtures/token-created-v1.jsonl', import.meta.url), 'utf8').split('\n')[0]!) as StoredEvent);

describe('toProjected', () => {
  it('given a frozen event at its current version, the stored event is its own domain event, every time', () => {
    const event = deepFreeze(stored(json(encodeEvent(tokenCreated()))));
    const first = toProjected(event);
    expect(first.event).toBe(event);
    expect(first.event.data).toBe(event.data);
    expect(toProjected(event).event).toBe(event);
    expect(first).toMatchObject({ stream: event.stream, position: 1, merchant: 'acme', correlationId: 'req_1' });
  });

  it('given a frozen older version, upcasts it once and hands back the same decoding', () => {
    const event = deepFreeze(json(v1));
    const first = toProjected(event).event;
    expect(first).not.toBe(event);
    expect(first.type === 'TokenCreated' && first.data.cvc).toEqual({ check: (v1.data as { cvcCheck: string }).cvcCheck, supplied: null, verifier: null });
    expect(toProjected(event).event).toBe(first);
  });

  it('given an event that is not frozen (a row read from PostgreSQL), decodes a copy each time', () => {
    const event = stored(json(encodeEvent(tokenCreated())));
    const decoded = toProjected(event).event;
    expect(decoded).not.toBe(event);
    expect(decoded.data).toEqual(event.data);
    expect(toProjected(event).event).not.toBe(decoded);
  });

  it('given a frozen event that does not parse, throws each time it is read, naming where it is', () => {
    const valid = json(encodeEvent(tokenCreated()));
    const event = deepFreeze(stored({ ...valid, data: { ...(valid.data as object), cvc: 'passed' } }, 7));
    expect(() => toProjected(event)).toThrow(EventDecodingError);
    expect(() => toProjected(event)).toThrow(/position 7/);
  });
});
