/** A token backs exactly one card or one charge, even when 20 commands race for it. */
import { testModeKessai } from '@kessai/adapters';
import { unsafeId } from '@kessai/domain';
import { describe, expect, it } from 'vitest';

const merchant = unsafeId.merchant('acme');

describe('given one token and 20 concurrent commands that spend it', () => {
  it('when they race, then exactly one wins and the others are refused with token_already_used, recording nothing', async () => {
    const { kessai, events, network } = testModeKessai({ seed: 20 });
    const token = await kessai.tokens.create(merchant, { card: { number: '4242424242424242', exp_month: 1, exp_year: 2030, cvc: '123' } });
    if (!token.ok) throw new Error(token.error.message);
    const customer = await kessai.customers.create(merchant, {});
    if (!customer.ok) throw new Error(customer.error.message);
    const headBefore = await events.headPosition();

    const racers = Array.from({ length: 20 }, (_, i) => {
      switch (i % 3) {
        case 0:
          return kessai.charges.create(merchant, { amount: 1000 + i, currency: 'jpy', card: token.value.id });
        case 1:
          return kessai.customers.create(merchant, { card: token.value.id, email: `racer${i}@example.jp` });
        default:
          return kessai.customers.cards.create(merchant, customer.value.id, { card: token.value.id });
      }
    });
    const results = await Promise.all(racers);

    const winners = results.filter((r) => r.ok);
    const refusals = results.flatMap((r) => (r.ok ? [] : [r.error.code]));
    expect(winners).toHaveLength(1);
    expect(refusals).toEqual(Array(19).fill('token_already_used'));

    const appended = await events.readAll({ after: headBefore, limit: 1000 });
    expect(appended.filter((e) => e.type === 'TokenUsed')).toHaveLength(1);
    expect(appended.filter((e) => e.type === 'CardCreated' || e.type === 'ChargeSucceeded' || e.type === 'ChargeFailed')).toHaveLength(1);
    expect(value(await kessai.tokens.retrieve(merchant, token.value.id)).used).toBe(true);

    // Charges that lost the race had been authorized: each such hold is released, the winner's is kept.
    const authorized = network.calls.filter((c) => c.kind === 'authorize' && c.outcome === 'approved').map((c) => c.charge);
    const released = network.calls.filter((c) => c.kind === 'refund').map((c) => c.charge);
    const recordedCharge = appended.find((e) => e.type === 'ChargeSucceeded')?.stream.replace('charge-', '');
    expect(released.length).toBeGreaterThan(0);
    expect(new Set(released)).toEqual(new Set(authorized.filter((id) => id !== recordedCharge)));
  });
});

const value = <T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T => {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};
