import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unsafeId } from '../shared/ids.js';
import {
  cardAttached,
  cardCreatedFrom,
  cardIdOf,
  chargeAuthorized,
  chargeCaptured,
  chargeExpired,
  chargeFailed,
  chargeIdOf,
  chargeReauthorized,
  chargeRefunded,
  chargeSucceeded,
  customerCreated,
  customerIdOf,
  cvcDecision,
  defaultCardChanged,
  holder,
  merchant,
  newCard,
  runWorkload,
  stepsArb,
  T0,
  tokenCreated,
  tokenEventsArb,
  tokenUsed,
} from '../testing/index.js';
import { decodeEvent, decodeFrozenEvent, encodeEvent, EventDecodingError, eventRegistry, type DomainEvent } from './registry.js';

const location = { stream: 'charge-ch_00000000000000000000000000001', revision: 3, position: 1042 };
const scope = { merchant, at: T0 };

/** At least one event of every type, with the optional and nullable fields both present and absent. */
const catalogue: DomainEvent[] = [
  tokenCreated(),
  tokenCreated({ cvc: { check: 'unchecked', supplied: null, verifier: null }, holder: holder({ country: 'JP', phone: '+819012345678' }) }),
  tokenUsed({ kind: 'card', card: cardIdOf(1), customer: customerIdOf(1) }),
  tokenUsed({ kind: 'charge', charge: chargeIdOf(1) }),
  cardCreatedFrom(tokenCreated({ cvc: cvcDecision({ check: 'failed' }) }), { metadata: { plan: 'gold' } }),
  { type: 'CardUpdated', data: { cardId: cardIdOf(1), customer: customerIdOf(1), ...scope, holder: { name: 'HANAKO', country: null } } },
  { type: 'CardUpdated', data: { cardId: cardIdOf(1), customer: customerIdOf(1), ...scope, holder: {}, metadata: { a: 'b' } } },
  { type: 'CardDeleted', data: { cardId: cardIdOf(1), customer: customerIdOf(1), ...scope } },
  customerCreated({ email: 'taro@example.jp', description: 'regular', metadata: { member: 'yes' } }),
  customerCreated({ customerId: unsafeId.customer('member-0042_tokyo') }),
  { type: 'CustomerUpdated', data: { customerId: customerIdOf(1), ...scope, email: null, description: 'vip', metadata: {} } },
  { type: 'CustomerUpdated', data: { customerId: customerIdOf(1), ...scope } },
  cardAttached(newCard(1)),
  defaultCardChanged(cardIdOf(1)),
  defaultCardChanged(null),
  { type: 'CardDetached', data: { customerId: customerIdOf(1), ...scope, card: cardIdOf(1) } },
  { type: 'CustomerDeleted', data: { customerId: customerIdOf(1), ...scope } },
  chargeSucceeded({ description: 'order 42', metadata: { order: '42' } }),
  chargeAuthorized({ customer: customerIdOf(1) }),
  chargeFailed('processing_error'),
  chargeCaptured(400, 600),
  chargeRefunded(100),
  chargeRefunded(100, T0, 'requested_by_customer'),
  chargeReauthorized(T0 + 7 * 86_400_000, T0),
  { type: 'ChargeUpdated', data: { chargeId: chargeIdOf(1), ...scope, description: null, metadata: { a: 'b' } } },
  { type: 'ChargeUpdated', data: { chargeId: chargeIdOf(1), ...scope } },
  chargeExpired(T0),
];

/** Stores the event as JSON and reads it back, as an adapter would. */
const roundTrip = (event: DomainEvent) => decodeEvent({ ...JSON.parse(JSON.stringify(encodeEvent(event))), ...location });
const asJson = (value: unknown) => JSON.parse(JSON.stringify(value));

const decodingError = (stored: { type: string; version: number; data: unknown }): EventDecodingError => {
  try {
    decodeEvent({ ...stored, ...location });
  } catch (e) {
    if (e instanceof EventDecodingError) return e;
    throw e;
  }
  throw new Error('expected the event not to decode');
};

describe('encodeEvent and decodeEvent', () => {
  it('the catalogue holds every event type', () => {
    expect(new Set(catalogue.map((e) => e.type))).toEqual(new Set(Object.keys(eventRegistry)));
  });

  it.each(catalogue.map((e, i) => [`${i} ${e.type}`, e] as const))('round-trips %s through JSON', (_, event) => {
    expect(roundTrip(event)).toStrictEqual(asJson(event));
  });

  it('stores every type at its current version', () => {
    for (const event of catalogue) expect(encodeEvent(event).version).toBe(eventRegistry[event.type].version);
  });

  it('round-trips every event a generated workload records', () => {
    fc.assert(
      fc.property(tokenEventsArb(), stepsArb(), (tokens, steps) => {
        for (const event of runWorkload(tokens, steps).events) expect(roundTrip(event)).toStrictEqual(asJson(event));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('decodeFrozenEvent, for data that can never change', () => {
  const deepFreeze = <T>(value: T): T => {
    if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) deepFreeze(v);
    return Object.freeze(value);
  };

  it.each(catalogue.map((e, i) => [`${i} ${e.type}`, e] as const))('given %s at the current version, keeps its data object', (_, event) => {
    const stored = deepFreeze({ ...asJson(encodeEvent(event)), ...location });
    const decoded = decodeFrozenEvent(stored);
    expect(decoded.data).toBe(stored.data);
    // The object kept is what decodeEvent's copy would have been.
    expect(decoded).toStrictEqual(decodeEvent(stored));
  });

  it('checks like decodeEvent: bad data still stops with the location', () => {
    const valid = asJson(encodeEvent(chargeCaptured(400, 600)));
    expect(() => decodeFrozenEvent(deepFreeze({ ...valid, data: { ...valid.data, amount: -1 }, ...location }))).toThrow(EventDecodingError);
  });

  it('given an older version, hands back the upcast data, not the stored object', () => {
    const { cvc, ...rest } = asJson(encodeEvent(tokenCreated())).data;
    const stored = deepFreeze({ type: 'TokenCreated', version: 1, data: { ...rest, cvcCheck: cvc.check }, ...location });
    const decoded = decodeFrozenEvent(stored);
    expect(decoded.data).not.toBe(stored.data);
    expect(decoded).toStrictEqual(decodeEvent(stored));
  });
});

describe('an event that cannot be read stops processing with an error naming where it is', () => {
  const valid = encodeEvent(chargeCaptured(400, 600));

  it.each([
    ['an unknown type', { ...valid, type: 'ChargeDisputed' }, /unknown event type/],
    ['a version newer than the registry knows', { ...valid, version: 2 }, /unknown version/],
    ['version 0', { ...valid, version: 0 }, /unknown version/],
    ['a version that is not an integer', { ...valid, version: 1.5 }, /unknown version/],
    ['a missing field', { ...valid, data: { ...asJson(valid.data), released: undefined } }, /released/],
    ['a negative amount', { ...valid, data: { ...asJson(valid.data), amount: -1 } }, /amount/],
    ['a malformed id', { ...valid, data: { ...asJson(valid.data), chargeId: 'ch_123' } }, /chargeId/],
    ['an unexpected key', { ...valid, data: { ...asJson(valid.data), cvc: 'passed' } }, /cvc|unrecognized/i],
    ['data that is not an object', { ...valid, data: 'ChargeCaptured' }, /\(root\)/],
  ])('%s', (_, stored, reason) => {
    const error = decodingError(stored);
    expect(error.message).toContain('charge-ch_00000000000000000000000000001');
    expect(error.message).toMatch(/@3\b/);
    expect(error.message).toMatch(/position 1042/);
    expect(error.message).toMatch(reason);
    expect(error.location).toEqual(location);
  });

  it('names the version it was given for a TokenCreated v3', () => {
    const error = decodingError({ ...encodeEvent(tokenCreated()), version: 3 });
    expect(error).toMatchObject({ type: 'TokenCreated', version: 3 });
    expect(error.message).toMatch(/TokenCreated v3/);
  });
});
