// Unit tests: pure code, no server and no stand-in for one. The records decoded here are plain values of the
// client's RecordedEvent shape; what a real server sends is checked in test/eventstoredb-store.spec.ts.
import { unsafeId, type EventMetadata, type EventToAppend } from '@kessai/domain';
import { describe, expect, it } from 'vitest';
import {
  belongsToStore,
  checkEvent,
  checkStreamPrefix,
  decodeMetadata,
  decodeRecorded,
  encodeEvent,
  encodeMetadata,
  serverStreamOf,
  type RecordedLike,
} from './event-codec.js';
import { eventIdOf } from './event-id.js';
import { serverFilterOf } from './subscription.js';

const metadata: EventMetadata = {
  merchant: unsafeId.merchant('mer_1'),
  correlationId: 'req_1',
  causationId: null,
  idempotencyKey: 'key-1',
  occurredAt: 1_496_800_000_000,
};
const event: EventToAppend = { type: 'ChargeSucceeded', version: 2, data: { id: 'ch_1', amount: 1000 }, metadata };

const recorded = (overrides: Partial<RecordedLike> = {}): RecordedLike => ({
  streamId: 't1-charge-ch_1',
  revision: 4n,
  type: 'ChargeSucceeded',
  created: new Date(1_496_800_000_123),
  data: { id: 'ch_1', amount: 1000 },
  metadata: encodeMetadata(metadata, 2),
  isJson: true,
  ...overrides,
});

describe('streams map 1:1', () => {
  it('the server stream is the prefix and the port stream', () => {
    expect(serverStreamOf('', 'charge-ch_1')).toBe('charge-ch_1');
    expect(serverStreamOf('t1-', 'charge-ch_1')).toBe('t1-charge-ch_1');
  });
  it('refuses empty names and names that would be system streams', () => {
    expect(() => serverStreamOf('', '')).toThrow(TypeError);
    expect(() => serverStreamOf('', '$ce-charge')).toThrow(TypeError);
    expect(() => checkStreamPrefix('$kessai-')).toThrow(TypeError);
  });
  it('reading strips the prefix again', () => {
    expect(decodeRecorded('t1-', recorded(), 9).stream).toBe('charge-ch_1');
  });
});

describe('belongsToStore', () => {
  it("keeps the store's events and leaves out system events, system streams and other prefixes", () => {
    expect(belongsToStore('t1-', { streamId: 't1-charge-ch_1', type: 'ChargeSucceeded' })).toBe(true);
    expect(belongsToStore('t1-', { streamId: 't2-charge-ch_1', type: 'ChargeSucceeded' })).toBe(false);
    expect(belongsToStore('', { streamId: '$ce-charge', type: '$>' })).toBe(false);
    expect(belongsToStore('', { streamId: '$$charge-ch_1', type: '$metadata' })).toBe(false);
    expect(belongsToStore('', { streamId: 'charge-ch_1', type: '$streamDeleted' })).toBe(false);
    expect(belongsToStore('', { streamId: '$stats-127.0.0.1:2113', type: '$statsCollected' })).toBe(false);
    expect(belongsToStore('', { streamId: 'charge-ch_1', type: 'ChargeSucceeded' })).toBe(true);
  });

  it('matches the server-side filter the subscription asks for', () => {
    expect(serverFilterOf('t1-')).toMatchObject({ filterOn: 'streamName', prefixes: ['t1-'] });
    expect(serverFilterOf('')).toMatchObject({ filterOn: 'eventType', regex: '^[^$].*' });
  });
});

describe('checkEvent', () => {
  it('refuses what the other stores refuse, and $ types, which reads would hide', () => {
    expect(() => checkEvent({ ...event, type: '' })).toThrow(TypeError);
    expect(() => checkEvent({ ...event, version: 0 })).toThrow(TypeError);
    expect(() => checkEvent({ ...event, metadata: null as unknown as EventMetadata })).toThrow(TypeError);
    expect(() => checkEvent({ ...event, type: '$metadata' })).toThrow(TypeError);
    expect(() => checkEvent(event)).not.toThrow();
  });
});

describe('encodeEvent', () => {
  it('is a JSON event with the type, the data as body, and a deterministic id', () => {
    const data = encodeEvent('t1-charge-ch_1', 3, 1, event);
    expect(data).toMatchObject({ contentType: 'application/json', type: 'ChargeSucceeded', data: { id: 'ch_1', amount: 1000 } });
    expect(data.id).toBe(eventIdOf('t1-charge-ch_1', 3, 1, event));
  });

  it('carries the metadata, the schema version and the ids under their EventStoreDB names', () => {
    expect(encodeEvent('s', 'any', 0, event).metadata).toEqual({
      ...metadata,
      eventVersion: 2,
      $correlationId: 'req_1',
    });
    expect(encodeMetadata({ ...metadata, causationId: 'evt_9' }, 1)).toMatchObject({ $causationId: 'evt_9' });
  });

  it('writes absent data as JSON null', () => {
    expect(encodeEvent('s', 'any', 0, { ...event, data: undefined }).data).toBeNull();
  });
});

describe('decodeMetadata', () => {
  it('gives back exactly the metadata that was appended, and the version', () => {
    expect(decodeMetadata(encodeMetadata(metadata, 3))).toEqual({ version: 3, metadata });
    const caused = { ...metadata, causationId: 'evt_9' };
    expect(decodeMetadata(encodeMetadata(caused, 1))).toEqual({ version: 1, metadata: caused });
  });

  it('says what is wrong with metadata the adapter did not write', () => {
    expect(decodeMetadata(undefined)).toMatch(/not a JSON object/);
    expect(decodeMetadata(new Uint8Array([1, 2]))).toMatch(/not a JSON object/);
    expect(decodeMetadata({ ...metadata })).toMatch(/eventVersion/);
    expect(decodeMetadata({ ...metadata, eventVersion: 0 })).toMatch(/eventVersion/);
  });
});

describe('decodeRecorded', () => {
  it('is the StoredEvent: stream, revision, the store position given, type, version, data, metadata, recordedAt', () => {
    expect(decodeRecorded('t1-', recorded(), 17)).toEqual({
      stream: 'charge-ch_1',
      revision: 4,
      position: 17,
      type: 'ChargeSucceeded',
      version: 2,
      data: { id: 'ch_1', amount: 1000 },
      metadata,
      recordedAt: 1_496_800_000_123,
    });
  });

  it('stops with an error naming the stream, revision and position for an event it cannot read, never skipping it', () => {
    expect(() => decodeRecorded('t1-', recorded({ isJson: false, data: new Uint8Array([1]) }), 17)).toThrow(/t1-charge-ch_1@4 \(store position 17\).*not JSON/);
    expect(() => decodeRecorded('t1-', recorded({ metadata: { merchant: 'mer_1' } }), 17)).toThrow(/t1-charge-ch_1@4 \(store position 17\).*eventVersion/);
  });
});
