/**
 * The HTTP twin of payjp-scenario.spec.ts: the official payjp SDK (3.1.2, unmodified) pointed at the facade with
 * `apibase`, walking every read path of the incident (reference/INCIDENT.md, paths 1-12) with a fault window
 * active, and checking cvc_check on each; then errors, list parameters, merchant isolation, public keys,
 * idempotency and webhooks, all through the SDK where it can send them.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpApi, testModeKessai, type KessaiHttpApi } from '@kessai/adapters';
import Payjp from 'payjp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const at = (iso: string) => Date.parse(iso);
const window = { from: at('2017-06-07T07:55:00Z'), to: at('2017-06-07T12:55:00Z') };
const keys = {
  acme: { sk: `sk_test_${'1a'.repeat(12)}`, pk: `pk_test_${'2b'.repeat(12)}` },
  globex: { sk: `sk_test_${'3c'.repeat(12)}` },
};
const direct = { 'X-Payjp-Direct-Token-Generate': 'true' };
const card = (number: string, cvc?: string) => ({ card: { number, exp_month: 12, exp_year: 2030, ...(cvc === undefined ? {} : { cvc }) } });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const until = async (what: string, check: () => boolean | Promise<boolean>, ms = 5000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
};

/** What the SDK throws on a non-2xx answer: `status` and `response.body.error`. */
const failure = async (promise: Promise<unknown>): Promise<Record<string, unknown> & { status: number }> => {
  try {
    await promise;
  } catch (e) {
    const { status, response } = e as { status: number; response: { body: { error: Record<string, unknown> } } };
    return { status, ...response.body.error };
  }
  throw new Error('expected the SDK call to fail');
};

interface Delivery {
  readonly headers: IncomingHttpHeaders;
  readonly event: { id: string; type: string; pending_webhooks: number; data: { id: string } };
  readonly answered: number;
}

/** A webhook endpoint on 127.0.0.1: `answer` decides the status of each POST. */
const receiver = async (answer: (event: Delivery['event'], attempt: number) => number) => {
  const deliveries: Delivery[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      const event = JSON.parse(text) as Delivery['event'];
      const attempt = deliveries.filter((d) => d.event.id === event.id).length + 1;
      const answered = answer(event, attempt);
      deliveries.push({ headers: req.headers, event, answered });
      res.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/payjp`;
  return { deliveries, url, close: () => new Promise((resolve) => server.close(resolve)) };
};

describe('the official payjp SDK against the HTTP facade', () => {
  const { kessai, clock } = testModeKessai({ seed: 2017, startAt: at('2017-06-07T07:00:00Z'), faultWindow: window });
  let app: KessaiHttpApi;
  let payjp: ReturnType<typeof Payjp>;
  let globex: ReturnType<typeof Payjp>;
  let apibase: string;
  /** Holds back (answers 500 to) the events whose ids are in it. */
  const held = new Set<string>();
  let acmeHook: Awaited<ReturnType<typeof receiver>>;
  let globexHook: Awaited<ReturnType<typeof receiver>>;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    // Every first attempt fails with 500, so every event is retried once; held events keep failing until released.
    acmeHook = await receiver((event, attempt) => (held.has(event.id) || attempt === 1 ? 500 : 200));
    globexHook = await receiver(() => 500);
    app = createHttpApi({
      kessai,
      merchants: [
        { id: 'acme', secretKeys: [keys.acme.sk], publicKeys: [keys.acme.pk], webhooks: [{ url: acmeHook.url, token: 'whook_acme_secret' }] },
        { id: 'globex', secretKeys: [keys.globex.sk], webhooks: [{ url: globexHook.url, token: 'whook_globex_secret' }] },
      ],
      clockHeader: { name: 'X-Kessai-Clock', clock },
      webhooks: { retryIntervalMs: 250, maxRetries: 3, pollIntervalMs: 20 },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    apibase = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/v1`;
    payjp = Payjp(keys.acme.sk, { apibase });
    globex = Payjp(keys.globex.sk, { apibase });
  });

  afterAll(async () => {
    await app.close();
    await acmeHook.close();
    await globexHook.close();
  });

  describe('the twelve read paths, with the fault window active', () => {
    it('path 1: tokens made before, inside and after the window show the verifier\'s decision', async () => {
      // 16:00 JST, before the window.
      const before = await payjp.tokens.create(card('4242424242424242', '123'), direct);
      // 17:30 and 17:31 JST, inside: the clock moves with the request (the SDK forwards headers on tokens.create).
      const inside = await payjp.tokens.create(card('5555555555554444', '321'), { ...direct, 'X-Kessai-Clock': '2017-06-07T08:30:00Z' });
      const forCharge = await payjp.tokens.create(card('3530111333300000', '777'), { ...direct, 'X-Kessai-Clock': '2017-06-07T08:31:00Z' });
      Object.assign(ids, { before: before.id, beforeCard: before.card.id, inside: inside.id, insideCard: inside.card.id, forCharge: forCharge.id });

      expect(before.card.cvc_check).toBe('passed');
      expect(inside.card.cvc_check).toBe('unchecked');
      expect(inside.created).toBe(at('2017-06-07T08:30:00Z') / 1000);
      expect((await payjp.tokens.retrieve(inside.id)).card.cvc_check).toBe('unchecked');
      expect((await payjp.tokens.retrieve(before.id)).card).toMatchObject({ cvc_check: 'passed', last4: '4242', brand: 'Visa', customer: null });
      expect((await payjp.tokens.retrieve(forCharge.id)).card.cvc_check).toBe('unchecked');
    });

    it('path 2: POST /v1/customers with card=tok', async () => {
      clock.set(at('2017-06-07T09:00:00Z'));
      const customer = await payjp.customers.create({ id: 'taro', card: ids['inside']!, email: 'taro@example.jp', metadata: { plan: 'gold' } });
      expect(customer).toMatchObject({ id: 'taro', object: 'customer', default_card: ids['insideCard'], email: 'taro@example.jp', metadata: { plan: 'gold' } });
      expect(customer.cards.data.map((c) => [c.id, c.cvc_check, c.customer])).toEqual([[ids['insideCard'], 'unchecked', 'taro']]);
    });

    it('path 3: POST /v1/customers/{cus}/cards with card=tok', async () => {
      clock.set(at('2017-06-07T09:10:00Z'));
      const added = await payjp.customers.cards.create('taro', { card: ids['before']!, metadata: { nickname: 'old visa' } });
      expect(added).toMatchObject({ id: ids['beforeCard'], object: 'card', customer: 'taro', cvc_check: 'passed', metadata: { nickname: 'old visa' } });
    });

    it('path 4: GET /v1/customers lists every card with its own value', async () => {
      clock.set(at('2017-06-07T09:20:00Z'));
      await payjp.customers.create({ email: 'hanako@example.jp' });
      const list = await payjp.customers.list({ limit: 10 });
      expect(list).toMatchObject({ object: 'list', url: '/v1/customers', count: 2, has_more: false });
      const taro = list.data.find((c) => c.id === 'taro')!;
      expect(taro.cards.data.map((c) => [c.id, c.cvc_check])).toEqual([
        [ids['beforeCard'], 'passed'],
        [ids['insideCard'], 'unchecked'],
      ]);
    });

    it('path 5: GET and POST /v1/customers/{cus}', async () => {
      clock.set(at('2017-06-07T09:30:00Z'));
      // payjp-node sends null as "null": the facade reads it as "remove this key".
      const updated = await payjp.customers.update('taro', { email: 'taro@example.com', metadata: { plan: null as unknown as string } });
      expect(updated).toMatchObject({ email: 'taro@example.com', metadata: {}, default_card: ids['insideCard'] });
      expect(updated.cards.data.map((c) => c.cvc_check)).toEqual(['passed', 'unchecked']);
      expect(await payjp.customers.retrieve('taro')).toEqual(updated);
    });

    it('path 6: GET /v1/customers/{cus}/cards', async () => {
      const cards = await payjp.customers.cards.list('taro');
      expect(cards).toMatchObject({ object: 'list', url: '/v1/customers/taro/cards', count: 2 });
      expect(cards.data.map((c) => [c.id, c.cvc_check])).toEqual([
        [ids['beforeCard'], 'passed'],
        [ids['insideCard'], 'unchecked'],
      ]);
    });

    it('path 7: GET and POST /v1/customers/{cus}/cards/{car}', async () => {
      clock.set(at('2017-06-07T09:40:00Z'));
      const updated = await payjp.customers.cards.update('taro', ids['insideCard']!, { name: 'TARO Y', address_zip: '1500001', country: 'JP' });
      expect(updated).toMatchObject({ id: ids['insideCard'], name: 'TARO Y', address_zip: '1500001', country: 'JP', cvc_check: 'unchecked' });
      expect(await payjp.customers.cards.retrieve('taro', ids['insideCard']!)).toEqual(updated);
    });

    it('path 8: POST /v1/charges with card=tok', async () => {
      clock.set(at('2017-06-07T10:00:00Z'));
      const charge = await payjp.charges.create({ amount: 3000, currency: 'jpy', card: ids['forCharge']!, description: 'by token' });
      ids['tokenCharge'] = charge.id;
      expect(charge).toMatchObject({ object: 'charge', amount: 3000, paid: true, captured: true, customer: null, description: 'by token' });
      expect(charge.card?.cvc_check).toBe('unchecked');
    });

    it('path 9: POST /v1/charges with customer=cus, with and without card=car', async () => {
      clock.set(at('2017-06-07T10:10:00Z'));
      const charge = await payjp.charges.create({ amount: 5000, currency: 'jpy', customer: 'taro', capture: false, expiry_days: 3 });
      ids['customerCharge'] = charge.id;
      expect(charge).toMatchObject({ amount: 5000, captured: false, customer: 'taro', paid: true, expired_at: at('2017-06-09T14:59:59Z') / 1000 });
      expect(charge.card).toMatchObject({ id: ids['insideCard'], cvc_check: 'unchecked', name: 'TARO Y' });
      const byCard = await payjp.charges.create({ amount: 700, currency: 'jpy', customer: 'taro', card: ids['beforeCard']! });
      expect(byCard.card).toMatchObject({ id: ids['beforeCard'], cvc_check: 'passed' });
    });

    it('path 10: retrieve, update, reauth, capture and refund keep card.cvc_check', async () => {
      const id = ids['customerCharge']!;
      clock.set(at('2017-06-07T10:20:00Z'));
      const updated = await payjp.charges.update(id, { description: 'order 42', metadata: { order: 42 } });
      expect(updated).toMatchObject({ description: 'order 42', metadata: { order: '42' } });
      const reauthorized = await payjp.charges.reauth(id, { expiry_days: 7 });
      expect(reauthorized.expired_at).toBe(at('2017-06-13T14:59:59Z') / 1000);
      clock.set(at('2017-06-08T01:00:00Z'));
      const captured = await payjp.charges.capture(id, { amount: 4000 });
      expect(captured).toMatchObject({ captured: true, amount_refunded: 1000, expired_at: null });
      const refunded = await payjp.charges.refund(id, { amount: 1500, refund_reason: 'damaged' });
      expect(refunded).toMatchObject({ amount_refunded: 2500, refunded: true, refund_reason: 'damaged' });
      const retrieved = await payjp.charges.retrieve(id);
      for (const answer of [updated, reauthorized, captured, refunded, retrieved]) expect(answer.card?.cvc_check).toBe('unchecked');
    });

    it('path 11: GET /v1/charges, all and by customer', async () => {
      const all = await payjp.charges.list();
      expect(all).toMatchObject({ object: 'list', url: '/v1/charges', count: 3, has_more: false });
      expect(all.data.map((c) => [c.amount, c.card?.cvc_check])).toEqual([
        [700, 'passed'],
        [5000, 'unchecked'],
        [3000, 'unchecked'],
      ]);
      expect((await payjp.charges.list({ customer: 'taro' })).data.map((c) => c.amount)).toEqual([700, 5000]);
    });

    it('path 12: every API event carries the value its resource showed', async () => {
      const events = await payjp.events.list({ limit: 100 });
      const cardsIn = (data: unknown): { id: string; cvc_check: string }[] => {
        const d = data as { object: string; card?: { id: string; cvc_check: string }; cards?: { data: { id: string; cvc_check: string }[] } } & {
          id: string;
          cvc_check: string;
        };
        if (d.object === 'card') return [d];
        if (d.object === 'token' || d.object === 'charge') return d.card === undefined ? [] : [d.card];
        if (d.object === 'customer') return d.cards?.data ?? [];
        return [];
      };
      const seen = events.data.flatMap((e) => cardsIn(e.data).map((c) => [c.id, c.cvc_check] as const));
      expect(seen.length).toBeGreaterThan(10);
      for (const [id, check] of seen) if (id === ids['insideCard']) expect(check).toBe('unchecked');
      for (const [id, check] of seen) if (id === ids['beforeCard']) expect(check).toBe('passed');
      const byResource = await payjp.events.list({ resource_id: ids['customerCharge']!, limit: 100 });
      expect(byResource.data.map((e) => e.type)).toEqual(['charge.refunded', 'charge.captured', 'charge.updated', 'charge.updated', 'charge.succeeded']);
      for (const e of byResource.data) expect(cardsIn(e.data)[0]?.cvc_check).toBe('unchecked');
      const first = byResource.data[4]!;
      expect(await payjp.events.retrieve(first.id)).toMatchObject({ id: first.id, object: 'event', type: 'charge.succeeded', livemode: false });
    });

    it('after the window: a token with a CVC is checked again', async () => {
      // 11:00 JST the next day (path 10 moved the clock there already).
      const after = await payjp.tokens.create(card('4012888888881881', '999'), { ...direct, 'X-Kessai-Clock': '2017-06-08T02:00:00Z' });
      expect(after.created).toBe(at('2017-06-08T02:00:00Z') / 1000);
      expect(after.card.cvc_check).toBe('passed');
      const charge = await payjp.charges.create({ amount: 1200, currency: 'jpy', card: after.id });
      expect(charge.card?.cvc_check).toBe('passed');
      // And the test cards of PAYJP-API.md section 6 still give their values.
      expect((await payjp.tokens.create(card('4000000000000101', '123'), direct)).card.cvc_check).toBe('failed');
      expect((await payjp.tokens.create(card('4000000000000044', '123'), direct)).card.cvc_check).toBe('unavailable');
      expect((await payjp.tokens.create(card('4242424242424242'), direct)).card.cvc_check).toBe('unchecked');
    });
  });

  describe('errors, as the SDK reports them', () => {
    it('answers PAY.JP error bodies with PAY.JP statuses', async () => {
      expect(await failure(payjp.charges.create({ amount: 10, currency: 'jpy', card: ids['forCharge']! }))).toMatchObject({
        status: 400,
        type: 'invalid_request_error',
        code: 'invalid_amount',
        param: 'amount',
      });
      expect(await failure(payjp.charges.create({ amount: 1000, currency: 'jpy', card: ids['forCharge']! }))).toMatchObject({
        status: 400,
        code: 'token_already_used',
      });
      expect(await failure(payjp.charges.retrieve('ch_0123456789abcdef0123456789ab'))).toMatchObject({ status: 404, code: 'invalid_id', param: 'id' });
      expect(await failure(payjp.tokens.create(card('4000000000000002', '123'), direct))).toMatchObject({ status: 402, type: 'card_error', code: 'card_declined' });
      expect(await failure(payjp.tokens.create(card('4242424242424241', '123'), direct))).toMatchObject({ type: 'card_error', code: 'invalid_number' });
      expect(await failure(payjp.customers.create({ id: 'taro' }))).toMatchObject({ status: 400, code: 'already_exist_id' });
      expect(await failure(payjp.charges.capture(ids['tokenCharge']!))).toMatchObject({ status: 400, code: 'already_captured' });
    });

    it('a declined charge is a 402 that names the failed charge, which is recorded', async () => {
      const token = await payjp.tokens.create(card('4000000000080319', '123'), direct);
      const declined = await failure(payjp.charges.create({ amount: 1000, currency: 'jpy', card: token.id }));
      expect(declined).toMatchObject({ status: 402, type: 'card_error', code: 'card_declined' });
      expect(declined['charge']).toMatch(/^ch_/);
      expect(await payjp.charges.retrieve(declined['charge'] as string)).toMatchObject({ paid: false, failure_code: 'card_declined' });
    });

    it('refuses an unknown key with 401', async () => {
      const stranger = Payjp(`sk_test_${'9f'.repeat(12)}`, { apibase });
      expect(await failure(stranger.charges.list())).toMatchObject({ status: 401, type: 'auth_error', code: 'invalid_api_key' });
    });
  });

  describe('list parameters', () => {
    it('pages with limit and offset, bounds with since and until, filters events', async () => {
      const first = await payjp.charges.list({ limit: 1 });
      expect(first).toMatchObject({ count: 1, has_more: true });
      const second = await payjp.charges.list({ limit: 1, offset: 1 });
      expect(second.data[0]!.id).not.toBe(first.data[0]!.id);
      const since = await payjp.charges.list({ since: at('2017-06-07T10:10:00Z') / 1000, until: at('2017-06-07T10:10:00Z') / 1000 });
      expect(since.data.map((c) => c.amount)).toEqual([700, 5000]);
      const typed = await payjp.events.list({ type: 'customer.created', limit: 100 });
      expect(typed.data.map((e) => (e.data as { id: string }).id).sort()).toEqual(expect.arrayContaining(['taro']));
      expect(typed.data.every((e) => e.type === 'customer.created')).toBe(true);
      const cards = await payjp.events.list({ object: 'card', limit: 100 });
      expect(cards.data.every((e) => e.type.startsWith('customer.card.'))).toBe(true);
    });

    it('refuses values out of range', async () => {
      expect(await failure(payjp.charges.list({ limit: 0 }))).toMatchObject({ status: 400, param: 'limit' });
      expect(await failure(payjp.charges.list({ limit: 101 }))).toMatchObject({ status: 400, param: 'limit' });
      expect(await failure(payjp.customers.list({ offset: -1 }))).toMatchObject({ status: 400, param: 'offset' });
      expect(await failure(payjp.events.list({ since: 1.5 }))).toMatchObject({ status: 400, code: 'invalid_timestamp', param: 'since' });
    });
  });

  describe('merchants', () => {
    it('never sees another merchant\'s objects: 404, as if absent', async () => {
      expect(await failure(globex.customers.retrieve('taro'))).toMatchObject({ status: 404, code: 'invalid_id' });
      expect(await failure(globex.charges.retrieve(ids['tokenCharge']!))).toMatchObject({ status: 404 });
      expect(await failure(globex.charges.refund(ids['tokenCharge']!))).toMatchObject({ status: 404 });
      expect(await failure(globex.tokens.retrieve(ids['inside']!))).toMatchObject({ status: 404 });
      expect(await failure(globex.charges.create({ amount: 1000, currency: 'jpy', customer: 'taro' }))).toMatchObject({ status: 404 });
      expect((await globex.charges.list()).count).toBe(0);
      expect((await globex.events.list()).count).toBe(0);
      // globex may use the id taro for a customer of its own.
      expect((await globex.customers.create({ id: 'taro' })).id).toBe('taro');
    });
  });

  describe('public keys', () => {
    it('the SDK itself refuses a public key', () => {
      expect(() => Payjp(keys.acme.pk, { apibase })).toThrow(/public apikey/);
    });

    it('a public key creates and retrieves tokens, and nothing else', async () => {
      const basic = `Basic ${Buffer.from(`${keys.acme.pk}:`).toString('base64')}`;
      const form = { Authorization: basic, 'Content-Type': 'application/x-www-form-urlencoded' };
      const created = await fetch(`${apibase}/tokens`, { method: 'POST', headers: form, body: 'card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2030&card[cvc]=123' });
      expect(created.status).toBe(200);
      const token = (await created.json()) as { id: string };
      expect((await fetch(`${apibase}/tokens/${token.id}`, { headers: { Authorization: basic } })).status).toBe(200);
      const refused = await fetch(`${apibase}/charges`, { method: 'POST', headers: form, body: `amount=1000&currency=jpy&card=${token.id}` });
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { error: unknown }).error).toMatchObject({ type: 'auth_error', code: 'invalid_api_key' });
      // The token is still unused: the refused request recorded nothing.
      expect((await payjp.tokens.retrieve(token.id)).used).toBe(false);
    });

    it('a secret key sends card data only with X-Payjp-Direct-Token-Generate: true', async () => {
      expect(await failure(payjp.tokens.create(card('4242424242424242', '123')))).toMatchObject({
        status: 400,
        type: 'invalid_request_error',
        code: 'unsafe_credit_card_param',
      });
      expect(await failure(payjp.tokens.create(card('4242424242424242', '123'), { 'X-Payjp-Direct-Token-Generate': 'false' }))).toMatchObject({
        code: 'unsafe_credit_card_param',
      });
    });
  });

  describe('idempotency', () => {
    it('the same Idempotency-Key answers the first result, and refuses another request', async () => {
      const headers = { ...direct, 'Idempotency-Key': 'token-once' };
      const first = await payjp.tokens.create(card('5105105105105100', '123'), headers);
      const again = await payjp.tokens.create(card('5105105105105100', '123'), headers);
      expect(again).toEqual(first);
      expect(await failure(payjp.tokens.create(card('5105105105105100', '124'), headers))).toMatchObject({ status: 400, code: 'idempotency_key_reused' });
    });

    it('concurrent retries over HTTP make one charge', async () => {
      const token = await payjp.tokens.create(card('6011111111111117', '123'), direct);
      const before = (await payjp.charges.list({ limit: 100 })).count;
      const post = () =>
        fetch(`${apibase}/charges`, {
          method: 'POST',
          headers: {
            Authorization: `Basic ${Buffer.from(`${keys.acme.sk}:`).toString('base64')}`,
            'Content-Type': 'application/x-www-form-urlencoded',
            'Idempotency-Key': 'charge-once',
          },
          body: `amount=2500&currency=jpy&card=${token.id}`,
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as { id: string } }));
      const answers = await Promise.all(Array.from({ length: 6 }, post));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
      expect((await payjp.charges.list({ limit: 100 })).count).toBe(before + 1);
    });
  });

  describe('webhooks', () => {
    it('delivers each API event with the token header, retrying after a 500', async () => {
      await until('every acme event delivered', async () => {
        const events = await payjp.events.list({ limit: 100 });
        return events.data.every((e) => acmeHook.deliveries.some((d) => d.event.id === e.id && d.answered === 200));
      });
      const events = await payjp.events.list({ limit: 100 });
      for (const e of events.data) {
        const attempts = acmeHook.deliveries.filter((d) => d.event.id === e.id);
        expect(attempts.map((d) => d.answered)).toEqual([500, 200]);
        expect(attempts[1]!.event).toEqual({ ...e, pending_webhooks: 1 });
        expect(e.pending_webhooks).toBe(0);
      }
      for (const d of acmeHook.deliveries) {
        expect(d.headers['x-payjp-webhook-token']).toBe('whook_acme_secret');
        expect(d.headers['content-type']).toMatch(/^application\/json/);
      }
      // globex's events went to globex's endpoint only.
      expect(acmeHook.deliveries.some((d) => d.event.data.id === 'taro' && d.event.type === 'customer.created')).toBe(true);
      expect(globexHook.deliveries.every((d) => d.headers['x-payjp-webhook-token'] === 'whook_globex_secret')).toBe(true);
    });

    it('pending_webhooks counts the endpoints that have not answered 2xx yet', async () => {
      const token = await payjp.tokens.create(card('4242424242424242', '123'), direct);
      const [tokenEvent] = (await payjp.events.list({ resource_id: token.id })).data;
      expect(tokenEvent!.type).toBe('token.created');
      held.add(tokenEvent!.id);
      await until('a failed attempt', () => acmeHook.deliveries.some((d) => d.event.id === tokenEvent!.id));
      expect((await payjp.events.retrieve(tokenEvent!.id)).pending_webhooks).toBe(1);
      held.delete(tokenEvent!.id);
      await until('the delivery', () => acmeHook.deliveries.some((d) => d.event.id === tokenEvent!.id && d.answered === 200));
      expect((await payjp.events.retrieve(tokenEvent!.id)).pending_webhooks).toBe(0);
    });

    it('gives up after the last retry and keeps counting the endpoint as pending', async () => {
      const [created] = (await globex.events.list({ type: 'customer.created' })).data;
      await until('four attempts', () => globexHook.deliveries.filter((d) => d.event.id === created!.id).length === 4);
      await sleep(400);
      expect(globexHook.deliveries.filter((d) => d.event.id === created!.id)).toHaveLength(4);
      expect((await globex.events.retrieve(created!.id)).pending_webhooks).toBe(1);
    });

    it('a rebuild of the read models delivers nothing and resets no pending_webhooks', async () => {
      const acmeBefore = acmeHook.deliveries.length;
      const globexBefore = globexHook.deliveries.length;
      const pendingBefore = (await globex.events.list({ limit: 100 })).data.map((e) => [e.id, e.pending_webhooks]);
      const rebuilt = await kessai.runner.rebuild();
      expect(rebuilt.activated).toBe(true);
      await sleep(300);
      expect(acmeHook.deliveries.length).toBe(acmeBefore);
      expect(globexHook.deliveries.length).toBe(globexBefore);
      expect((await globex.events.list({ limit: 100 })).data.map((e) => [e.id, e.pending_webhooks])).toEqual(pendingBefore);
      expect(pendingBefore.some(([, pending]) => pending === 1)).toBe(true);
    });
  });
});
