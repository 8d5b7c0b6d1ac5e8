/**
 * Every command through the application layer, and the PAY.JP JSON of every read path of the incident
 * (reference/INCIDENT.md, paths 1-12), checked field by field against objects written out by hand.
 * One token is created inside the fault window: its value must show `unchecked` on every path it reaches.
 */
import { testModeKessai } from '@kessai/adapters';
import { unsafeId, type Result } from '@kessai/domain';
import type { PayjpCard, PayjpCustomer } from '@kessai/projections';
import { beforeAll, describe, expect, it } from 'vitest';

const merchant = unsafeId.merchant('acme');
const at = (iso: string) => Date.parse(iso);
const seconds = (iso: string) => Math.floor(at(iso) / 1000);
const window = { from: at('2017-06-07T07:55:00Z'), to: at('2017-06-07T12:55:00Z') };

const value = <T>(result: Result<T>): T => {
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  return result.value;
};

/** A card object as PAY.JP shows it, every field present. */
const card = (fields: Partial<PayjpCard> & Pick<PayjpCard, 'id' | 'created' | 'cvc_check' | 'last4' | 'brand' | 'fingerprint'>): PayjpCard => ({
  address_city: null,
  address_line1: null,
  address_line2: null,
  address_state: null,
  address_zip: null,
  address_zip_check: 'unchecked',
  country: null,
  customer: null,
  email: null,
  exp_month: 12,
  exp_year: 2030,
  is_jp: true,
  livemode: false,
  metadata: {},
  name: null,
  object: 'card',
  phone: null,
  three_d_secure_status: null,
  ...fields,
});

describe('the PAY.JP read paths, driven through the application layer', () => {
  const { kessai, clock, network } = testModeKessai({ seed: 2017, startAt: at('2017-06-07T07:00:00Z'), faultWindow: window });
  const ids: Record<string, string> = {};
  const fingerprints: Record<string, string> = {};

  beforeAll(async () => {
    // 16:00 JST, before the window: a token with a CVC, checked and passed.
    const before = value(await kessai.tokens.create(merchant, { card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123', name: 'TARO YAMADA' } }));
    ids['before'] = before.id;
    ids['beforeCard'] = before.card.id;
    fingerprints['4242'] = before.card.fingerprint;
    // 17:30 JST, inside the window: a CVC is sent, yet the faulty verifier answers unchecked.
    clock.set(at('2017-06-07T08:30:00Z'));
    const inside = value(await kessai.tokens.create(merchant, { card: { number: '5555555555554444', exp_month: 12, exp_year: 2030, cvc: '321' } }));
    ids['inside'] = inside.id;
    ids['insideCard'] = inside.card.id;
    fingerprints['4444'] = inside.card.fingerprint;
    clock.set(at('2017-06-07T08:31:00Z'));
    const forCharge = value(await kessai.tokens.create(merchant, { card: { number: '3530111333300000', exp_month: 12, exp_year: 2030, cvc: '777' } }));
    ids['forCharge'] = forCharge.id;
    ids['forChargeCard'] = forCharge.card.id;
    fingerprints['0000'] = forCharge.card.fingerprint;
  });

  it('path 1: GET /v1/tokens/{id} shows the decision made at tokenization', async () => {
    expect(value(await kessai.tokens.retrieve(merchant, ids['inside']!))).toEqual({
      card: card({ id: ids['insideCard']!, created: seconds('2017-06-07T08:30:00Z'), cvc_check: 'unchecked', last4: '4444', brand: 'MasterCard', fingerprint: fingerprints['4444']! }),
      created: seconds('2017-06-07T08:30:00Z'),
      id: ids['inside'],
      livemode: false,
      object: 'token',
      used: false,
    });
    const before = value(await kessai.tokens.retrieve(merchant, ids['before']!));
    expect(before.card.cvc_check).toBe('passed');
    expect(before.card.name).toBe('TARO YAMADA');
  });

  it('path 2: POST /v1/customers with card=tok shows the card in cards.data', async () => {
    clock.set(at('2017-06-07T09:00:00Z'));
    const customer = value(
      await kessai.customers.create(merchant, { id: 'taro', card: ids['inside']!, email: 'taro@example.jp', description: 'first', metadata: { plan: 'gold' } }),
    );
    const expectedCard = card({
      id: ids['insideCard']!,
      created: seconds('2017-06-07T09:00:00Z'),
      cvc_check: 'unchecked',
      last4: '4444',
      brand: 'MasterCard',
      fingerprint: fingerprints['4444']!,
      customer: 'taro',
    });
    expect(customer).toEqual({
      cards: { count: 1, data: [expectedCard], has_more: false, object: 'list', url: '/v1/customers/taro/cards' },
      created: seconds('2017-06-07T09:00:00Z'),
      default_card: ids['insideCard'],
      description: 'first',
      email: 'taro@example.jp',
      id: 'taro',
      livemode: false,
      metadata: { plan: 'gold' },
      object: 'customer',
      subscriptions: { count: 0, data: [], has_more: false, object: 'list', url: '/v1/customers/taro/subscriptions' },
    });
    expect(value(await kessai.tokens.retrieve(merchant, ids['inside']!)).used).toBe(true);
  });

  it('path 3: POST /v1/customers/{cus}/cards with card=tok answers the card', async () => {
    clock.set(at('2017-06-07T09:10:00Z'));
    const added = value(await kessai.customers.cards.create(merchant, 'taro', { card: ids['before']!, metadata: { nickname: 'old visa' } }));
    expect(added).toEqual(
      card({
        id: ids['beforeCard']!,
        created: seconds('2017-06-07T09:10:00Z'),
        cvc_check: 'passed',
        last4: '4242',
        brand: 'Visa',
        fingerprint: fingerprints['4242']!,
        customer: 'taro',
        name: 'TARO YAMADA',
        metadata: { nickname: 'old visa' },
      }),
    );
  });

  it('path 4: GET /v1/customers lists customers with their cards, newest first', async () => {
    clock.set(at('2017-06-07T09:20:00Z'));
    value(await kessai.customers.create(merchant, { email: 'hanako@example.jp' }));
    const list = value(await kessai.customers.list(merchant, { limit: 10 }));
    expect(list.object).toBe('list');
    expect(list.url).toBe('/v1/customers');
    expect(list.count).toBe(2);
    expect(list.has_more).toBe(false);
    expect(list.data.map((c) => c.email)).toEqual(['hanako@example.jp', 'taro@example.jp']);
    const taro = list.data[1]!;
    expect(taro.cards.data.map((c) => [c.id, c.cvc_check])).toEqual([
      [ids['beforeCard'], 'passed'],
      [ids['insideCard'], 'unchecked'],
    ]);
    expect(value(await kessai.customers.list(merchant, { limit: 1 }))).toMatchObject({ count: 1, has_more: true });
  });

  it('path 5: GET and POST /v1/customers/{cus} show every card with its own value', async () => {
    clock.set(at('2017-06-07T09:30:00Z'));
    const updated = value(await kessai.customers.update(merchant, 'taro', { email: 'taro@example.com', metadata: { plan: '' } }));
    expect(updated.email).toBe('taro@example.com');
    expect(updated.metadata).toEqual({});
    expect(updated.default_card).toBe(ids['insideCard']);
    expect(updated.cards.data.map((c) => c.cvc_check)).toEqual(['passed', 'unchecked']);
    expect(value(await kessai.customers.retrieve(merchant, 'taro'))).toEqual(updated);
  });

  it('path 6: GET /v1/customers/{cus}/cards lists the cards', async () => {
    const cards = value(await kessai.customers.cards.list(merchant, 'taro'));
    expect(cards).toMatchObject({ count: 2, has_more: false, object: 'list', url: '/v1/customers/taro/cards' });
    expect(cards.data.map((c) => [c.id, c.cvc_check, c.customer])).toEqual([
      [ids['beforeCard'], 'passed', 'taro'],
      [ids['insideCard'], 'unchecked', 'taro'],
    ]);
  });

  it('path 7: GET and POST /v1/customers/{cus}/cards/{car} keep cvc_check through an update', async () => {
    clock.set(at('2017-06-07T09:40:00Z'));
    const updated = value(await kessai.customers.cards.update(merchant, 'taro', ids['insideCard']!, { name: 'TARO Y', address_zip: '1500001', country: 'JP' }));
    expect(updated).toEqual(
      card({
        id: ids['insideCard']!,
        created: seconds('2017-06-07T09:00:00Z'),
        cvc_check: 'unchecked',
        last4: '4444',
        brand: 'MasterCard',
        fingerprint: fingerprints['4444']!,
        customer: 'taro',
        name: 'TARO Y',
        address_zip: '1500001',
        country: 'JP',
      }),
    );
    expect(value(await kessai.customers.cards.retrieve(merchant, 'taro', ids['insideCard']!))).toEqual(updated);
    // The embedded copy in the customer follows the update.
    expect(value(await kessai.customers.retrieve(merchant, 'taro')).cards.data[1]).toEqual(updated);
  });

  it('path 8: POST /v1/charges with card=tok shows the token\'s value in card.cvc_check', async () => {
    clock.set(at('2017-06-07T10:00:00Z'));
    const charge = value(await kessai.charges.create(merchant, { amount: 3000, currency: 'jpy', card: ids['forCharge']!, description: 'by token' }));
    ids['tokenCharge'] = charge.id;
    expect(charge).toEqual({
      amount: 3000,
      amount_refunded: 0,
      captured: true,
      captured_at: seconds('2017-06-07T10:00:00Z'),
      card: card({ id: ids['forChargeCard']!, created: seconds('2017-06-07T08:31:00Z'), cvc_check: 'unchecked', last4: '0000', brand: 'JCB', fingerprint: fingerprints['0000']! }),
      created: seconds('2017-06-07T10:00:00Z'),
      currency: 'jpy',
      customer: null,
      description: 'by token',
      expired_at: null,
      failure_code: null,
      failure_message: null,
      fee_rate: null,
      id: charge.id,
      livemode: false,
      metadata: {},
      object: 'charge',
      paid: true,
      refund_reason: null,
      refunded: false,
      subscription: null,
      term_id: null,
      three_d_secure_status: null,
    });
  });

  it('path 9: POST /v1/charges with customer=cus copies the default card with its value', async () => {
    clock.set(at('2017-06-07T10:10:00Z'));
    const charge = value(await kessai.charges.create(merchant, { amount: 5000, currency: 'jpy', customer: 'taro', capture: false, expiry_days: 3 }));
    ids['customerCharge'] = charge.id;
    expect(charge).toMatchObject({
      amount: 5000,
      captured: false,
      captured_at: null,
      customer: 'taro',
      paid: true,
      // Authorized at 19:10 JST on June 7; 3 days hold until the end of June 9 in Japan.
      expired_at: seconds('2017-06-09T14:59:59Z'),
    });
    expect(charge.card).toEqual(
      card({
        id: ids['insideCard']!,
        created: seconds('2017-06-07T09:00:00Z'),
        cvc_check: 'unchecked',
        last4: '4444',
        brand: 'MasterCard',
        fingerprint: fingerprints['4444']!,
        customer: 'taro',
        name: 'TARO Y',
        address_zip: '1500001',
        country: 'JP',
      }),
    );
    const byCard = value(await kessai.charges.create(merchant, { amount: 700, currency: 'jpy', customer: 'taro', card: ids['beforeCard']! }));
    expect(byCard.card.cvc_check).toBe('passed');
    expect(byCard.card.id).toBe(ids['beforeCard']);
  });

  it('path 10: retrieve, update, capture, reauth and refund answers keep card.cvc_check', async () => {
    const id = ids['customerCharge']!;
    clock.set(at('2017-06-07T10:20:00Z'));
    const updated = value(await kessai.charges.update(merchant, id, { description: 'order 42', metadata: { order: '42' } }));
    expect(updated).toMatchObject({ description: 'order 42', metadata: { order: '42' } });
    const reauthorized = value(await kessai.charges.reauth(merchant, id, { expiry_days: 7 }));
    expect(reauthorized.expired_at).toBe(seconds('2017-06-13T14:59:59Z'));
    expect(network.calls.filter((c) => c.charge === id).map((c) => c.kind)).toEqual(['authorize', 'reauthorize']);
    clock.set(at('2017-06-08T01:00:00Z'));
    const captured = value(await kessai.charges.capture(merchant, id, { amount: 4000 }));
    expect(captured).toMatchObject({ captured: true, captured_at: seconds('2017-06-08T01:00:00Z'), amount_refunded: 1000, refunded: false, expired_at: null });
    const refunded = value(await kessai.charges.refund(merchant, id, { amount: 1500, refund_reason: 'damaged' }));
    expect(refunded).toMatchObject({ amount: 5000, amount_refunded: 2500, refunded: true, refund_reason: 'damaged' });
    expect(network.calls.filter((c) => c.charge === id).map((c) => [c.kind, c.amount])).toEqual([
      ['authorize', 5000],
      ['reauthorize', 5000],
      ['capture', 4000],
      ['refund', 1500],
    ]);
    for (const answer of [updated, reauthorized, captured, refunded, value(await kessai.charges.retrieve(merchant, id))])
      expect(answer.card.cvc_check).toBe('unchecked');
  });

  it('path 11: GET /v1/charges lists charges newest first, filtered by customer', async () => {
    const all = value(await kessai.charges.list(merchant));
    expect(all).toMatchObject({ count: 3, has_more: false, object: 'list', url: '/v1/charges' });
    expect(all.data.map((c) => [c.amount, c.card.cvc_check])).toEqual([
      [700, 'passed'],
      [5000, 'unchecked'],
      [3000, 'unchecked'],
    ]);
    const taro = value(await kessai.charges.list(merchant, { customer: 'taro' }));
    expect(taro.data.map((c) => c.amount)).toEqual([700, 5000]);
    const since = value(await kessai.charges.list(merchant, { since: seconds('2017-06-07T10:10:00Z') }));
    expect(since.data.map((c) => c.amount)).toEqual([700, 5000]);
    const until = value(await kessai.charges.list(merchant, { until: seconds('2017-06-07T10:00:00Z') }));
    expect(until.data.map((c) => c.amount)).toEqual([3000]);
  });

  it('path 12: every API event shows the resource as it was, with the value it carried', async () => {
    const events = value(await kessai.events.list(merchant, { limit: 100 }));
    const summary = [...events.data].reverse().map((e) => e.type);
    expect(summary).toEqual([
      'token.created',
      'token.created',
      'token.created',
      'customer.card.created',
      'customer.created',
      'customer.card.created',
      'customer.created',
      'customer.updated',
      'customer.card.updated',
      'charge.succeeded',
      'charge.succeeded',
      'charge.succeeded',
      'charge.updated',
      'charge.updated',
      'charge.captured',
      'charge.refunded',
    ]);
    const created = events.data.find((e) => e.type === 'customer.created' && e.data.id === 'taro')!;
    expect(created).toMatchObject({ object: 'event', livemode: false, pending_webhooks: 0, created: seconds('2017-06-07T09:00:00Z') });
    expect(created.id).toMatch(/^evnt_[0-9a-f]{27}$/);
    // customer.created shows the customer as the command left it: with the card it attached, as the card was then.
    const data = created.data as PayjpCustomer;
    expect(data.email).toBe('taro@example.jp');
    expect(data.cards.data.map((c) => [c.id, c.cvc_check, c.name])).toEqual([[ids['insideCard'], 'unchecked', null]]);
    expect(value(await kessai.events.retrieve(merchant, created.id))).toEqual(created);
    const byResource = value(await kessai.events.list(merchant, { resource_id: ids['customerCharge']!, limit: 100 }));
    expect(byResource.data.map((e) => e.type)).toEqual(['charge.refunded', 'charge.captured', 'charge.updated', 'charge.updated', 'charge.succeeded']);
  });

  it('keeps merchants apart: another merchant sees none of these objects', async () => {
    const other = unsafeId.merchant('globex');
    expect((await kessai.customers.retrieve(other, 'taro')).ok).toBe(false);
    expect((await kessai.charges.retrieve(other, ids['tokenCharge']!)).ok).toBe(false);
    expect(value(await kessai.charges.list(other)).count).toBe(0);
    const stolen = await kessai.charges.create(other, { amount: 1000, currency: 'jpy', customer: 'taro' });
    expect(stolen.ok ? null : stolen.error).toMatchObject({ status: 404, code: 'invalid_id' });
  });

  it('deletes a card and a customer: the default card moves on, then the customer and its cards are gone', async () => {
    const deleted = value(await kessai.customers.cards.delete(merchant, 'taro', ids['insideCard']!));
    expect(deleted).toEqual({ deleted: true, id: ids['insideCard'], livemode: false });
    const taro = value(await kessai.customers.retrieve(merchant, 'taro'));
    expect(taro.default_card).toBe(ids['beforeCard']);
    expect(taro.cards.data.map((c) => c.id)).toEqual([ids['beforeCard']]);
    expect(value(await kessai.customers.delete(merchant, 'taro'))).toEqual({ deleted: true, id: 'taro', livemode: false });
    expect((await kessai.customers.retrieve(merchant, 'taro')).ok).toBe(false);
    expect((await kessai.customers.cards.retrieve(merchant, 'taro', ids['beforeCard']!)).ok).toBe(false);
    // Charges keep the card as it was when charged.
    expect(value(await kessai.charges.retrieve(merchant, ids['customerCharge']!)).card.cvc_check).toBe('unchecked');
  });
});
