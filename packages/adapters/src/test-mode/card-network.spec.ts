import { inspect } from 'node:util';
import { emptyHolder, inspectCard, sensitive, unsafeId, yen, type InspectedCard, type NetworkCharge } from '@kessai/domain';
import { describe, expect, it } from 'vitest';
import { TestModeCardNetwork } from './card-network.js';
import { ORDINARY_TEST_CARDS, SPECIAL_TEST_CARDS } from './test-cards.js';

const at = Date.UTC(2017, 5, 7, 9, 0);
const merchant = unsafeId.merchant('acct_1');
const charge = unsafeId.charge('ch_0123456789abcdef0123456789a');

const card = (number: string, addressZip: string | null = null): InspectedCard => {
  const holder = { ...emptyHolder, addressZip };
  const result = inspectCard({ number, expMonth: 12, expYear: 2030, cvc: null, holder }, at);
  if (!result.ok) throw new Error(`test card rejected: ${result.error.code}`);
  return result.value;
};

const chargeOf = (number: string, amount: number): NetworkCharge => ({
  merchant,
  charge,
  pan: sensitive(number),
  brand: card(number).brand,
  amount: yen(amount),
  at,
});

describe('TestModeCardNetwork.screen (token time)', () => {
  const network = new TestModeCardNetwork();

  it.each([
    ['4000000000000002', 'card_declined'],
    ['4000000000000069', 'expired_card'],
    ['4000000000000127', 'invalid_cvc'],
    ['4000000000000119', 'processing_error'],
    ['36227206271667', 'unacceptable_brand'],
  ] as const)('given card %s, when screened, then it is refused with %s', async (number, code) => {
    const screening = await network.screen({ card: card(number, '1500001'), at });
    expect(screening).toMatchObject({ outcome: 'refused', code });
    if (screening.outcome !== 'refused') throw new Error('unreachable');
    expect(screening.message).toMatch(/^[A-Z].*\.$/);
    expect(screening.message).not.toContain(number);
  });

  it('given card 4000000000000036, when screened, then it is accepted with address_zip_check failed', async () => {
    for (const zip of ['1500001', null])
      expect(await network.screen({ card: card('4000000000000036', zip), at })).toEqual({
        outcome: 'accepted',
        addressZipCheck: 'failed',
        issuedInJapan: true,
      });
  });

  it('given card 4000000900000003, when screened, then it is accepted as issued outside Japan', async () => {
    expect(await network.screen({ card: card('4000000900000003', '1500001'), at })).toEqual({
      outcome: 'accepted',
      addressZipCheck: 'passed',
      issuedInJapan: false,
    });
  });

  it('given an ordinary card with a postcode, when screened, then the postcode check passes', async () => {
    expect(await network.screen({ card: card('4242424242424242', '150-0001'), at })).toEqual({
      outcome: 'accepted',
      addressZipCheck: 'passed',
      issuedInJapan: true,
    });
  });

  it('given an ordinary card without a postcode, when screened, then the postcode is unchecked', async () => {
    for (const { number } of ORDINARY_TEST_CARDS)
      expect(await network.screen({ card: card(number), at })).toEqual({
        outcome: 'accepted',
        addressZipCheck: 'unchecked',
        issuedInJapan: true,
      });
  });

  it.each(['4000000000000101', '4000000000000044', '4000000000080319', '4000000000080202', '4000000000004012'])(
    'given card %s, whose behaviour is elsewhere, when screened, then it is accepted',
    async (number) => {
      expect(await network.screen({ card: card(number), at })).toMatchObject({ outcome: 'accepted', issuedInJapan: true });
    },
  );
});

describe('TestModeCardNetwork.authorize and reauthorize (charge time)', () => {
  it.each([
    ['4000000000080319', 50, 'card_declined'],
    ['4000000000080319', 9_999_999, 'card_declined'],
    ['4000000000080202', 10_001, 'card_declined'],
    ['4000000000004012', 1000, 'expired_card'],
  ] as const)('given card %s and %d yen, when authorized, then it is declined with %s', async (number, amount, code) => {
    const network = new TestModeCardNetwork();
    const authorization = await network.authorize(chargeOf(number, amount));
    expect(authorization).toMatchObject({ outcome: 'declined', code });
    if (authorization.outcome !== 'declined') throw new Error('unreachable');
    expect(authorization.message).toMatch(/^[A-Z].*\.$/);
    expect(authorization.message).not.toContain(number);
  });

  it.each([
    ['4000000000080202', 10_000],
    ['4000000000080202', 50],
    ['4242424242424242', 9_999_999],
    ['4000000000000101', 1000],
    ['4000000000000036', 1000],
    ['4000000900000003', 1000],
  ] as const)('given card %s and %d yen, when authorized, then it is approved', async (number, amount) => {
    expect(await new TestModeCardNetwork().authorize(chargeOf(number, amount))).toEqual({ outcome: 'approved' });
  });

  it('given every test card and amount, when reauthorized, then the answer is the same as for an authorization', async () => {
    const network = new TestModeCardNetwork();
    for (const { number } of [...SPECIAL_TEST_CARDS, ...ORDINARY_TEST_CARDS])
      for (const amount of [50, 10_000, 10_001, 500_000])
        expect(await network.reauthorize(chargeOf(number, amount))).toEqual(await network.authorize(chargeOf(number, amount)));
  });
});

describe('TestModeCardNetwork: the call log', () => {
  it('given authorizations, captures and refunds, when the log is read, then it lists each call in order', async () => {
    const network = new TestModeCardNetwork();
    await network.authorize(chargeOf('4242424242424242', 5000));
    await network.capture(chargeOf('4242424242424242', 4000));
    await network.refund(chargeOf('4242424242424242', 1000));
    await network.reauthorize(chargeOf('4000000000080202', 20_000));
    expect(network.calls).toEqual([
      { kind: 'authorize', merchant, charge, amount: 5000, at, outcome: 'approved', code: null },
      { kind: 'capture', merchant, charge, amount: 4000, at },
      { kind: 'refund', merchant, charge, amount: 1000, at },
      { kind: 'reauthorize', merchant, charge, amount: 20_000, at, outcome: 'declined', code: 'card_declined' },
    ]);
  });

  it('given the log, when a caller changes the copy it got, then the network keeps its own', async () => {
    const network = new TestModeCardNetwork();
    await network.capture(chargeOf('4242424242424242', 4000));
    (network.calls as unknown[]).length = 0;
    expect(network.calls).toHaveLength(1);
  });

  it('given every test card through every call, when answers, the log and the network are printed, then no card number shows', async () => {
    const network = new TestModeCardNetwork();
    const answers: unknown[] = [];
    const numbers = [...SPECIAL_TEST_CARDS, ...ORDINARY_TEST_CARDS].map((c) => c.number);
    for (const number of numbers) {
      answers.push(await network.screen({ card: card(number, '1500001'), at }));
      answers.push(await network.authorize(chargeOf(number, 20_000)));
      answers.push(await network.reauthorize(chargeOf(number, 20_000)));
      await network.capture(chargeOf(number, 20_000));
      await network.refund(chargeOf(number, 20_000));
    }
    const printed = [JSON.stringify(answers), JSON.stringify(network.calls), inspect(network, { depth: Infinity, showHidden: true })];
    for (const text of printed) for (const number of numbers) expect(text).not.toContain(number);
    expect(network.calls).toHaveLength(numbers.length * 4);
  });
});
