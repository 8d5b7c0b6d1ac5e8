import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { unsafeId } from '@kessai/domain';
import { afterEach, describe, expect, it } from 'vitest';
import { testModeKessai } from '../app/test-mode-kessai.js';
import { parseMerchants } from './auth.js';
import { readModelDeliveryState } from './delivery-state.js';
import { WebhookReactor, type WebhookOptions } from './webhooks.js';
import type { LogLine } from './log.js';

const acme = unsafeId.merchant('acme');
const sk = `sk_test_${'a'.repeat(24)}`;
const fast: WebhookOptions = { retryIntervalMs: 20, maxRetries: 2, pollIntervalMs: 10 };
const tokenInput = { card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' } };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const until = async (what: string, check: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
};

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

/** A webhook endpoint on 127.0.0.1 answering `status()` to each POST. */
const endpoint = async (status: () => number = () => 200) => {
  const received: { id: string; type: string; token: string | undefined; answered: number }[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const event = JSON.parse(text) as { id: string; type: string };
      const answered = status();
      received.push({ id: event.id, type: event.type, token: req.headers['x-payjp-webhook-token'] as string | undefined, answered });
      res.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
};

const merchants = (...urls: string[]) => parseMerchants([{ id: 'acme', secretKeys: [sk], webhooks: urls.map((url) => ({ url, token: 'whook_token' })) }]);

const start = async (reactor: WebhookReactor) => {
  await reactor.start();
  closers.push(() => reactor.stop());
  return reactor;
};

describe('WebhookReactor', () => {
  it('delivers one POST per API event, never for a domain event that only refreshed its command\'s event', async () => {
    const { kessai } = testModeKessai({ seed: 1 });
    const hook = await endpoint();
    const reactor = await start(new WebhookReactor(kessai, merchants(hook.url), fast));
    const token = await kessai.tokens.create(acme, tokenInput);
    if (!token.ok) throw new Error('token');
    // Token used, card created, customer created, card attached: three API events.
    await kessai.customers.create(acme, { id: 'taro', card: token.value.id });
    reactor.nudge();
    const events = await kessai.events.list(acme, { limit: 100 });
    if (!events.ok) throw new Error('events');
    expect(events.value.data.map((e) => e.type).sort()).toEqual(['customer.card.created', 'customer.created', 'token.created']);
    await until('three deliveries', () => hook.received.length >= 3);
    await sleep(50);
    expect(hook.received.map((r) => r.id).sort()).toEqual(events.value.data.map((e) => e.id).sort());
    expect(hook.received.every((r) => r.token === 'whook_token')).toBe(true);
    expect(reactor.records()).toEqual([]);
  });

  it('retries an endpoint that does not answer, then gives up and keeps it pending', async () => {
    const { kessai } = testModeKessai({ seed: 2 });
    // Nothing listens on this port once the server is closed.
    const gone = await endpoint();
    await closers.pop()!();
    const lines: string[] = [];
    const noAnswers: LogLine[] = [];
    const reactor = await start(
      new WebhookReactor(kessai, merchants(gone.url), {
        ...fast,
        log: (l) => {
          lines.push(l.msg);
          if (l.msg === 'webhook delivery got no answer') noAnswers.push(l);
        },
      }),
    );
    const token = await kessai.tokens.create(acme, tokenInput);
    if (!token.ok) throw new Error('token');
    reactor.nudge();
    await until('the last attempt', () => reactor.records()[0]?.endpoints[0]?.status === 'failed');
    const [record] = reactor.records();
    expect(record!.endpoints[0]).toMatchObject({ status: 'failed', attempts: 3, lastStatus: null });
    expect(reactor.pending('acme', record!.eventId)).toBe(1);
    expect(record!.event.type).toBe('token.created');
    expect(lines).toEqual(expect.arrayContaining(['webhook delivery got no answer', 'webhook delivery will be retried', 'webhook delivery gave up']));
    // The network's reason in a word, no stack trace at every retry.
    expect(noAnswers[0]).toMatchObject({ level: 'warn', reason: 'ECONNREFUSED' });
    expect(noAnswers.some((l) => 'stack' in l)).toBe(false);
  });

  it('resumes from its own checkpoint after a restart: pending deliveries go out, delivered ones are not repeated', async () => {
    const { kessai } = testModeKessai({ seed: 3 });
    const state = readModelDeliveryState();
    let answer = 500;
    const hook = await endpoint(() => answer);
    const first = await start(new WebhookReactor(kessai, merchants(hook.url), { ...fast, retryIntervalMs: 60_000, state }));
    await kessai.tokens.create(acme, tokenInput);
    first.nudge();
    await until('a failed attempt', () => hook.received.length === 1);
    await first.stop();
    expect(first.records()).toHaveLength(1);

    answer = 200;
    await kessai.tokens.create(acme, tokenInput);
    // Two minutes later by the reactor's clock: the saved retry (due after one minute) is due.
    const second = await start(new WebhookReactor(kessai, merchants(hook.url), { ...fast, state, now: () => Date.now() + 120_000 }));
    second.nudge();
    await until('both events delivered', () => hook.received.filter((r) => r.answered === 200).length === 2);
    await sleep(50);
    expect(hook.received.map((r) => r.answered)).toEqual([500, 200, 200]);
    expect(new Set(hook.received.map((r) => r.id)).size).toBe(2);
    expect(second.checkpoint).toBe(await kessai.ports.events.headPosition());
  });

  it('when stopped while an endpoint is answering, waits for the answer: the delivery is recorded and not sent again after a restart', async () => {
    const { kessai } = testModeKessai({ seed: 5 });
    const state = readModelDeliveryState();
    const received: string[] = [];
    // An endpoint that takes 150 ms to answer 200: the reactor is stopped while the answer is on its way.
    const server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        received.push((JSON.parse(text) as { id: string }).id);
        setTimeout(() => res.writeHead(200).end(), 150);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => server.close(resolve)));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

    const first = await start(new WebhookReactor(kessai, merchants(url), { ...fast, state }));
    await kessai.tokens.create(acme, tokenInput);
    first.nudge();
    await until('the POST arrived', () => received.length === 1);
    await first.stop();
    expect(first.records()).toEqual([]);

    const second = await start(new WebhookReactor(kessai, merchants(url), { ...fast, state }));
    second.nudge();
    await sleep(100);
    expect(second.records()).toEqual([]);
    expect(received).toHaveLength(1);
  });

  it('starts at the head by default, or at the beginning when asked', async () => {
    const { kessai } = testModeKessai({ seed: 4 });
    await kessai.tokens.create(acme, tokenInput);
    const fromHead = await endpoint();
    const fromStart = await endpoint();
    const head = await start(new WebhookReactor(kessai, merchants(fromHead.url), fast));
    const beginning = await start(new WebhookReactor(kessai, merchants(fromStart.url), { ...fast, startFrom: 'beginning' }));
    await kessai.tokens.create(acme, tokenInput);
    head.nudge();
    beginning.nudge();
    await until('deliveries', () => fromHead.received.length === 1 && fromStart.received.length === 2);
    await sleep(50);
    expect(fromHead.received).toHaveLength(1);
    expect(fromStart.received).toHaveLength(2);
  });

  it('delivers nothing because of a rebuild, and its pending counts survive one', async () => {
    const { kessai } = testModeKessai({ seed: 5 });
    const ok = await endpoint();
    const failing = await endpoint(() => 503);
    const reactor = await start(new WebhookReactor(kessai, merchants(ok.url, failing.url), { ...fast, maxRetries: 0 }));
    const token = await kessai.tokens.create(acme, tokenInput);
    if (!token.ok) throw new Error('token');
    reactor.nudge();
    await until('both endpoints tried', () => ok.received.length === 1 && failing.received.length === 1);
    await sleep(30);
    const list = await kessai.events.list(acme);
    if (!list.ok) throw new Error('events');
    const id = list.value.data[0]!.id;
    expect(reactor.pending('acme', id)).toBe(1);
    await kessai.runner.rebuild();
    reactor.nudge();
    await sleep(60);
    expect(ok.received).toHaveLength(1);
    expect(failing.received).toHaveLength(1);
    // The read model says 0 (a projection knows nothing of deliveries); the overlay says 1.
    const rebuilt = await kessai.events.retrieve(acme, id);
    if (!rebuilt.ok) throw new Error('event');
    expect(rebuilt.value.pending_webhooks).toBe(0);
    expect(reactor.overlay('acme', rebuilt.value).pending_webhooks).toBe(1);
  });
});

/** A lease in memory shared by reactors of one test, as PostgresLease is shared by servers on one database. */
const sharedLease = () => {
  let holder: object | null = null;
  return () => {
    const me = {};
    return {
      hold: () => Promise.resolve((holder ??= me) === me),
      release: () => {
        if (holder === me) holder = null;
        return Promise.resolve();
      },
    };
  };
};

describe('WebhookReactor with a lease (several servers on one store)', () => {
  it('given two reactors sharing the state, one delivers each event once; when it stops, the other takes over from its checkpoint', async () => {
    const { kessai } = testModeKessai({ seed: 7 });
    const state = readModelDeliveryState();
    const leaseFor = sharedLease();
    const seen = new Set<string>();
    const hook = await endpoint();
    const first = await start(new WebhookReactor(kessai, merchants(hook.url), { ...fast, state, lease: leaseFor() }));
    const second = await start(new WebhookReactor(kessai, merchants(hook.url), { ...fast, state, lease: leaseFor() }));
    await until('a holder', () => first.holding || second.holding);
    const [holder, other] = first.holding ? [first, second] : [second, first];

    const token = await kessai.tokens.create(acme, tokenInput);
    if (!token.ok) throw new Error('token');
    await kessai.customers.create(acme, { id: 'taro', card: token.value.id });
    holder.nudge();
    other.nudge();
    await until('three deliveries', () => hook.received.length >= 3);
    await sleep(100);
    expect(hook.received).toHaveLength(3);
    expect(other.holding).toBe(false);

    await holder.stop();
    await until('the other reactor takes the lease', () => other.holding);
    const charge = await kessai.charges.create(acme, { amount: 1200, currency: 'jpy', customer: 'taro' });
    if (!charge.ok) throw new Error('charge');
    other.nudge();
    await until('the charge delivered', () => hook.received.length >= 4);
    await sleep(100);
    for (const r of hook.received) seen.add(r.id);
    expect(hook.received.map((r) => r.type)).toEqual(expect.arrayContaining(['token.created', 'customer.created', 'customer.card.created', 'charge.succeeded']));
    // Each event once: the taker went on from the saved checkpoint instead of starting over.
    expect(seen.size).toBe(4);
    expect(hook.received).toHaveLength(4);
  });

  it('given a fresh reactor whose lease comes only after the server took a command, then that command\'s events are delivered too', async () => {
    // Its server answers requests from the moment start() returns; the lease may take a while (a busy database).
    const { kessai } = testModeKessai({ seed: 9 });
    const hook = await endpoint();
    let granted = false;
    const lease = { hold: () => Promise.resolve(granted), release: () => Promise.resolve() };
    const reactor = await start(new WebhookReactor(kessai, merchants(hook.url), { ...fast, state: readModelDeliveryState(), lease }));
    const token = await kessai.tokens.create(acme, tokenInput);
    if (!token.ok) throw new Error('token');
    granted = true;
    reactor.nudge();
    await until('the token\'s event delivered', () => hook.received.length >= 1);
    expect(hook.received.map((r) => r.type)).toEqual(['token.created']);
  });

  it('given a second server that starts later and takes the lease first, then it delivers from where the first server started', async () => {
    // The first server starts and serves a command, but cannot take the lease (its database connection is failing).
    const { kessai } = testModeKessai({ seed: 10 });
    const state = readModelDeliveryState();
    const hook = await endpoint();
    const refused = { hold: () => Promise.resolve(false), release: () => Promise.resolve() };
    await start(new WebhookReactor(kessai, merchants(hook.url), { ...fast, state, lease: refused }));
    const token = await kessai.tokens.create(acme, tokenInput);
    if (!token.ok) throw new Error('token');

    const granted = { hold: () => Promise.resolve(true), release: () => Promise.resolve() };
    const later = await start(new WebhookReactor(kessai, merchants(hook.url), { ...fast, state, lease: granted }));
    await until('the later server holds the lease', () => later.holding);
    later.nudge();
    await until('the token\'s event delivered', () => hook.received.length >= 1);
    expect(hook.received.map((r) => r.type)).toEqual(['token.created']);
  });

  it('given several servers starting at once on fresh state, then all begin where the first claim put the checkpoint', async () => {
    const state = readModelDeliveryState();
    const begun = await Promise.all([5, 9, 7].map((head) => state.begin(head)));
    expect(new Set(begun).size).toBe(1);
    expect([5, 9, 7]).toContain(begun[0]);
    expect((await state.load()).checkpoint).toBe(begun[0]);
    // Once deliveries moved the checkpoint on, a server starting later keeps it.
    await state.save({ checkpoint: 40 });
    expect(await state.begin(50)).toBe(40);
  });

  it('given a reactor without the lease, it writes nothing and reads pending_webhooks from what the holder saved', async () => {
    const { kessai } = testModeKessai({ seed: 8 });
    const state = readModelDeliveryState();
    const leaseFor = sharedLease();
    const down = await endpoint(() => 503);
    const holder = await start(new WebhookReactor(kessai, merchants(down.url), { ...fast, retryIntervalMs: 60_000, state, lease: leaseFor() }));
    await until('the first holds the lease', () => holder.holding);
    const follower = await start(new WebhookReactor(kessai, merchants(down.url), { ...fast, state, lease: leaseFor() }));
    const token = await kessai.tokens.create(acme, tokenInput);
    if (!token.ok) throw new Error('token');
    holder.nudge();
    await until('one failed attempt', () => down.received.length >= 1);
    const eventId = down.received[0]!.id;
    await until('the holder saved the attempt', () => holder.records().some((r) => r.endpoints[0]!.attempts === 1));
    await sleep(30);
    await follower.sync();
    expect(follower.holding).toBe(false);
    expect(follower.pending('acme', eventId)).toBe(1);
    expect(follower.records().map((r) => [r.eventId, r.endpoints[0]!.attempts])).toEqual([[eventId, 1]]);
    expect(down.received).toHaveLength(1);
  });
});
