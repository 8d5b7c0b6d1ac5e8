import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CardBrand } from '../shared/card.js';
import { initialTokenState } from '../token/state.js';
import { decideToken } from '../token/decide.js';
import type { TokenCreated } from '../token/events.js';
import {
  brandedCardNumber,
  cardHolder,
  chargeRequest,
  createTokenFor,
  digitString,
  HOUR_MS,
  runWorkload,
  stepsArb,
  T0,
  type TimedStep,
} from '../testing/index.js';
import { cvcLength } from './brand.js';
import { inspectCard, type CardInput } from './inspect.js';

/**
 * Generators are chosen so that a PAN or CVC can only show up in an event if the domain put it there:
 * - PANs have 13 to 19 digits and never start with 0; the only 13-digit ones are Visa's, starting with 4. No other
 *   digit run in an event can hold one: ids are zero-padded counters (past the zeros, at most a few digits),
 *   timestamps have 13 digits and stay below 4e12 (before 2096), amounts at most 8 digits, postcodes 3+4, phones
 *   +81 and at most 10; fingerprints and vault refs come from a counter, never from the PAN.
 * - CVCs start with 0. No number renders with a leading 0, and no string field is all digits except last4,
 *   whose first digit is made non-zero here. So no leaf can equal a CVC by accident.
 */
const cvcOf = (brand: CardBrand) => digitString(cvcLength(brand) - 1, cvcLength(brand) - 1).map((digits) => `0${digits}`);

const cardInput: fc.Arbitrary<CardInput> = brandedCardNumber
  .filter(({ number }) => number.at(-4) !== '0')
  .chain(({ brand, number }) =>
    fc.record({
      number: fc.constant(number),
      expMonth: fc.integer({ min: 1, max: 12 }),
      expYear: fc.integer({ min: 2031, max: 2045 }),
      cvc: fc.option(cvcOf(brand), { nil: null }),
      holder: cardHolder,
    }),
  );

/** The pure tokenization path: inspect, then decide a token with a fingerprint and vault ref from a counter. */
const tokenize = (input: CardInput, n: number): TokenCreated => {
  const inspected = inspectCard(input, T0);
  if (!inspected.ok) throw new Error(`generated card refused: ${inspected.error.code}`);
  const decided = decideToken(createTokenFor(inspected.value, n, T0), initialTokenState);
  const [created] = decided.ok ? decided.value : [];
  if (created?.type !== 'TokenCreated') throw new Error('expected TokenCreated');
  return created;
};

/** Card 0 from token 0 and charged, token 1 charged directly, before the generated steps. */
const everyPath: TimedStep[] = [
  { kind: 'cardFromToken', token: 0, customer: 0, makeDefault: false, after: HOUR_MS },
  { kind: 'chargeCard', card: 0, request: chargeRequest({ capture: false }), approved: true, after: HOUR_MS },
  { kind: 'chargeToken', token: 1, request: chargeRequest(), approved: false, after: HOUR_MS },
  { kind: 'capture', charge: 0, amount: 500, after: HOUR_MS },
  { kind: 'refund', charge: 0, amount: 100, after: HOUR_MS },
];

const everyPathType = ['TokenCreated', 'TokenUsed', 'CardCreated', 'CardAttached', 'ChargeSucceeded', 'ChargeFailed', 'ChargeCaptured', 'ChargeRefunded'];

const leaves = (value: unknown): unknown[] =>
  value !== null && typeof value === 'object' ? Object.values(value).flatMap(leaves) : [value];

describe('no event ever contains the card number or the CVC', () => {
  it('holds for tokens, cards, customers and charges made from any valid card', () => {
    fc.assert(
      fc.property(fc.array(cardInput, { minLength: 2, maxLength: 3 }), stepsArb(15), (inputs, steps) => {
        const tokens = inputs.map((input, i) => tokenize(input, i + 1));
        const { events } = runWorkload(tokens, [...everyPath, ...steps]);
        expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(everyPathType));

        const json = JSON.stringify(events);
        const values = leaves(events).map(String);
        for (const { number, cvc } of inputs) {
          expect(json).not.toContain(number);
          if (cvc !== null) expect(values.filter((v) => v === cvc)).toEqual([]);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
