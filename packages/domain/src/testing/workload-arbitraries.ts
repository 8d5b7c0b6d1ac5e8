/** fast-check generators for workloads: token events with any cvc decision, and timed steps. */
import fc from 'fast-check';
import type { ChargeRequest } from '../charge/terms.js';
import { cvcChecks, type CvcDecision } from '../shared/cvc.js';
import { DAY_MS } from '../shared/time.js';
import type { TokenCreated } from '../token/events.js';
import { cardHolder, cardHolderPatch, metadataUpdate } from './arbitraries.js';
import { cardFacts, cardIdOf, HOUR_MS, testVerifier, tokenCreated, tokenIdOf } from './fixtures.js';
import type { Step, TimedStep } from './workload.js';

export const cvcDecisionArb: fc.Arbitrary<CvcDecision> = fc.record({
  check: fc.constantFrom(...cvcChecks),
  supplied: fc.constantFrom(true, false, null),
  verifier: fc.constantFrom(null, testVerifier, { name: 'faulty-verifier', version: '2.3.1' }),
});

/** TokenCreated events numbered from 1, with any cvc decision, including ones recorded before provenance (null). */
export const tokenEventsArb = (minLength = 1, maxLength = 6): fc.Arbitrary<TokenCreated[]> =>
  fc.array(fc.record({ cvc: cvcDecisionArb, holder: cardHolder }), { minLength, maxLength }).map((tokens) =>
    tokens.map(({ cvc, holder }, i) =>
      tokenCreated({ tokenId: tokenIdOf(i + 1), card: cardFacts({ id: cardIdOf(i + 1), fingerprint: `fp-${i + 1}` }), holder, cvc }),
    ),
  );

const index = fc.nat({ max: 50 });
const chargeRequestArb: fc.Arbitrary<ChargeRequest> = fc.record({
  amount: fc.oneof({ arbitrary: fc.integer({ min: 50, max: 20_000 }), weight: 9 }, { arbitrary: fc.constantFrom(49, 10_000_000), weight: 1 }),
  currency: fc.constant('jpy'),
  capture: fc.boolean(),
  expiryDays: fc.constant(null),
  description: fc.option(fc.constantFrom('order', 'gift'), { nil: null }),
  metadata: metadataUpdate.map((m) => Object.fromEntries(Object.entries(m).filter(([, v]) => v !== ''))),
});
const optionalAmount = fc.option(fc.integer({ min: 1, max: 20_000 }), { nil: null });

/** Weighted towards making cards and charges early enough for the later steps to act on them. */
export const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('cardFromToken' as const), token: index, customer: index, makeDefault: fc.boolean() }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('updateCard' as const),
      card: index,
      holder: cardHolderPatch,
      metadata: fc.option(metadataUpdate, { nil: undefined }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteCard' as const), card: index }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('chargeToken' as const), token: index, request: chargeRequestArb, approved: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('chargeCard' as const), card: index, request: chargeRequestArb, approved: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('capture' as const), charge: index, amount: optionalAmount }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('refund' as const), charge: index, amount: optionalAmount }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('reauth' as const),
      charge: index,
      expiryDays: fc.option(fc.integer({ min: 1, max: 60 }), { nil: null }),
      approved: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('updateCharge' as const),
      charge: index,
      description: fc.option(fc.constantFrom('changed'), { nil: null }),
      metadata: metadataUpdate,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('expire' as const), charge: index }) },
);

/** Mostly minutes apart, sometimes days (past a hold), rarely half a year (past the refund window). */
const after = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: HOUR_MS }), weight: 6 },
  { arbitrary: fc.integer({ min: 0, max: 10 * DAY_MS }), weight: 3 },
  { arbitrary: fc.integer({ min: 0, max: 200 * DAY_MS }), weight: 1 },
);

export const stepsArb = (maxLength = 40): fc.Arbitrary<TimedStep[]> =>
  fc.array(fc.tuple(stepArb, after).map(([step, ms]): TimedStep => ({ ...step, after: ms })), { maxLength, size: 'max' });
