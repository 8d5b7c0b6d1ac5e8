/**
 * `kessai serve --pg`: the facade on PostgreSQL, driven by the official SDK, across a restart. Objects, their
 * cvc_check, idempotency records and the webhook reactor's checkpoint and deliveries all survive it; nothing is
 * delivered twice.
 * Skipped with the reason when no PostgreSQL server is reachable (see support/postgres.ts).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startServer, type RunningServer, type ServeOptions } from '@kessai/adapters';
import Payjp from 'payjp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresForTests } from './support/postgres.js';

const pg = await postgresForTests('http-serve');
const db = () => {
  if (!pg.available) throw new Error(pg.reason);
  return pg.db;
};
const sk = `sk_test_${'7a'.repeat(12)}`;
const direct = { 'X-Payjp-Direct-Token-Generate': 'true' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** What the servers logged (requests and the webhook reactor), shown when a wait times out. */
const serverLog: string[] = [];
const until = async (what: string, check: () => boolean | Promise<boolean>, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; the servers logged:\n${serverLog.slice(-40).join('\n')}`);
    await sleep(20);
  }
};

describe.skipIf(!pg.available)('kessai serve on PostgreSQL', () => {
  const received: { id: string; answered: number }[] = [];
  const hook = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const { id } = JSON.parse(text) as { id: string };
      // The first attempt of each event fails, so the retry state has to be kept somewhere.
      const answered = received.some((r) => r.id === id) ? 200 : 500;
      received.push({ id, answered });
      res.writeHead(answered).end();
    });
  });
  const running: RunningServer[] = [];
  beforeAll(() => new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve)));
  afterAll(async () => {
    for (const server of running) await server.close().catch(() => undefined);
    await new Promise((resolve) => hook.close(resolve));
  });

  /** The SDK's charges.create sends no headers: an Idempotency-Key goes by hand. */
  const postCharge = async (server: RunningServer, form: string, key: string) => {
    const response = await fetch(`${server.url}/charges`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${sk}:`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': key },
      body: form,
    });
    return { status: response.status, body: await response.text() };
  };

  const serve = async (clock: string) => {
    const options: ServeOptions = {
      port: 0,
      pg: db().url,
      pgSchema: db().schema,
      vaultKeys: { encryptionKey: 'c3'.repeat(32), fingerprintSecret: 'serve-pg fingerprint secret' },
      merchants: [{ id: 'acme', secretKeys: [sk], webhooks: [{ url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`, token: 'whook_pg' }] }],
      incidentWindow: 'incident',
      clock,
      webhooks: { retryIntervalMs: 50, pollIntervalMs: 20 },
      log: (line) => void serverLog.push(JSON.stringify(line)),
    };
    const server = await startServer(options);
    running.push(server);
    return server;
  };

  it('keeps objects, cvc_check and webhook state across a restart, delivering each event once', async () => {
    await db().reset();
    const first = await serve('2017-06-07T17:30:00+09:00');
    expect(first.store).toBe('postgres');
    const payjp = Payjp(sk, { apibase: first.url });
    const token = await payjp.tokens.create({ card: { number: '5555555555554444', exp_month: 12, exp_year: 2030, cvc: '123' } }, direct);
    expect(token.card.cvc_check).toBe('unchecked');
    await payjp.customers.create({ id: 'taro', card: token.id });
    const charge = await postCharge(first, 'amount=1000&currency=jpy&customer=taro', 'order-1');
    expect(charge.status).toBe(200);
    await until('four events delivered', () => received.filter((r) => r.answered === 200).length === 4);
    await first.close();

    const second = await serve('2017-06-07T22:30:00+09:00');
    const again = Payjp(sk, { apibase: second.url });
    const taro = await again.customers.retrieve('taro');
    expect(taro.cards.data.map((c) => [c.id, c.cvc_check])).toEqual([[token.card.id, 'unchecked']]);
    // The idempotency record outlives the process: the key refuses another request (asked first, so that this
    // process has not met the key yet), and the retry answers the first charge, byte for byte.
    const reused = await postCharge(second, 'amount=2000&currency=jpy&customer=taro', 'order-1');
    expect([reused.status, (JSON.parse(reused.body) as { error: { code: string } }).error.code]).toEqual([400, 'idempotency_key_reused']);
    expect(await postCharge(second, 'amount=1000&currency=jpy&customer=taro', 'order-1')).toEqual(charge);
    expect((JSON.parse(charge.body) as { card: { cvc_check: string } }).card.cvc_check).toBe('unchecked');
    // After the window, a new token is checked again.
    const after = await again.tokens.create({ card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' } }, direct);
    expect(after.card.cvc_check).toBe('passed');
    const events = await again.events.list({ limit: 100 });
    expect(events.count).toBe(5);
    await until('every event delivered', () => events.data.every((e) => received.some((r) => r.id === e.id && r.answered === 200)));
    await sleep(200);
    for (const e of events.data) expect(received.filter((r) => r.id === e.id).map((r) => r.answered)).toEqual([500, 200]);
    expect((await again.events.list({ limit: 100 })).data.every((e) => e.pending_webhooks === 0)).toBe(true);
    // Two server boots on a real database: about a second alone, several on a CI machine busy with other suites.
  }, 30_000);

  it('two servers on one database at once: one of them holds the webhook lease and delivers each event, once', async () => {
    // The servers of the test before hold this schema's lease: they stop first.
    for (const server of running.splice(0)) await server.close();
    await db().reset();
    received.length = 0;
    const a = await serve('2017-06-07T10:00:00+09:00');
    const b = await serve('2017-06-07T10:00:00+09:00');
    const [sdkA, sdkB] = [Payjp(sk, { apibase: a.url }), Payjp(sk, { apibase: b.url })];
    const first = await sdkA.tokens.create({ card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' } }, direct);
    const second = await sdkB.tokens.create({ card: { number: '5555555555554444', exp_month: 12, exp_year: 2030, cvc: '123' } }, direct);
    await sdkB.customers.create({ id: 'hanako', card: first.id });
    await sdkA.charges.create({ amount: 500, currency: 'jpy', card: second.id });
    const events = await sdkB.events.list({ limit: 100 });
    expect(events.data.map((e) => e.type).sort()).toEqual(['charge.succeeded', 'customer.card.created', 'customer.created', 'token.created', 'token.created']);
    await until('every event delivered', () => events.data.every((e) => received.some((r) => r.id === e.id && r.answered === 200)));
    await sleep(300);
    for (const e of events.data) expect(received.filter((r) => r.id === e.id).map((r) => r.answered)).toEqual([500, 200]);
    expect([a, b].map((s) => s.app.webhooks?.holding).sort()).toEqual([false, true]);
    // Both servers show what the holder saved: nothing pending.
    expect((await sdkA.events.list({ limit: 100 })).data.every((e) => e.pending_webhooks === 0)).toBe(true);
    expect((await sdkB.events.list({ limit: 100 })).data.every((e) => e.pending_webhooks === 0)).toBe(true);
  }, 30_000);
});
