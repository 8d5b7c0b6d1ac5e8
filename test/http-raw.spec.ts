/**
 * The HTTP facade with plain fetch: what the SDK never sends. Malformed bodies, unknown routes, wrong methods,
 * bracket keys, payjp-node's "null", JSON bodies, the clock header, and the rule that a card number never appears
 * in a response or in any output of the process.
 */
import type { AddressInfo } from 'node:net';
import { createHttpApi, jsonLinesSink, Kessai, MemoryEventStore, MemoryReadModelStore, testModeKessai, type KessaiHttpApi, type LogLine } from '@kessai/adapters';
import type { CvcVerifier } from '@kessai/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PAN = '4242424242424242';
const OTHER_PAN = '5555555555554444';
const sk = `sk_test_${'4d'.repeat(12)}`;
const pk = `pk_test_${'5e'.repeat(12)}`;
const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
const form = 'application/x-www-form-urlencoded';

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: { error?: { status: number; type: string; code: string; message: string; param: string | null } } & Record<string, unknown>;
}

/** Every response text of the file, to search for card numbers at the end. */
const responses: string[] = [];
/** Everything the process wrote while the servers ran: log sink lines, stdout, stderr, console. */
const output: string[] = [];

const client = (base: () => string) => {
  const request = async (method: string, path: string, options: { body?: string; type?: string; key?: string | null; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.key !== null) headers['Authorization'] = basic(options.key ?? sk);
    if (options.body !== undefined) headers['Content-Type'] = options.type ?? form;
    const response = await fetch(`${base()}${path}`, { method, headers, ...(options.body === undefined ? {} : { body: options.body }) });
    const text = await response.text();
    responses.push(text);
    return { status: response.status, headers: response.headers, text, body: text === '' ? {} : JSON.parse(text) } as Answer;
  };
  return {
    request,
    get: (path: string, options?: Parameters<typeof request>[2]) => request('GET', path, options),
    post: (path: string, body: string, options?: Parameters<typeof request>[2]) => request('POST', path, { ...options, body }),
  };
};

/** Captures stdout, stderr and console while the servers run. */
const captureOutput = () => {
  const restore: (() => void)[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      output.push(String(chunk));
      return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => void (stream.write = original as typeof stream.write));
  }
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[level];
    console[level] = (...args: unknown[]) => {
      output.push(args.map(String).join(' '));
      original(...args);
    };
    restore.push(() => void (console[level] = original));
  }
  return () => restore.forEach((r) => r());
};

describe('the HTTP facade, request by request', () => {
  const parts = testModeKessai({ seed: 11, startAt: Date.parse('2017-06-07T07:00:00Z'), faultWindow: { from: Date.parse('2017-06-07T07:55:00Z'), to: Date.parse('2017-06-07T12:55:00Z') } });
  const logLines: LogLine[] = [];
  const jsonLines = jsonLinesSink((text) => output.push(text));
  let app: KessaiHttpApi;
  let base = '';
  const api = client(() => base);
  let restoreOutput: () => void;
  const head = () => parts.kessai.ports.events.headPosition();

  beforeAll(async () => {
    restoreOutput = captureOutput();
    app = createHttpApi({
      kessai: parts.kessai,
      merchants: [{ id: 'acme', secretKeys: [sk], publicKeys: [pk] }],
      clockHeader: { name: 'X-Kessai-Clock', clock: parts.clock },
      log: (line) => {
        logLines.push(line);
        jsonLines(line);
      },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app.close();
    restoreOutput();
  });

  const token = async (number = PAN) => {
    const answer = await api.post('/v1/tokens', `card[number]=${number}&card[exp_month]=12&card[exp_year]=2030&card[cvc]=123`, { key: pk });
    expect(answer.status).toBe(200);
    return answer.body as { id: string; card: { id: string; cvc_check: string } };
  };

  describe('authentication', () => {
    it('asks for a key, refuses an unknown one, and records nothing either way', async () => {
      const before = await head();
      const none = await api.post('/v1/customers', 'email=a@example.jp', { key: null });
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Basic/);
      expect(none.body.error).toMatchObject({ status: 401, type: 'auth_error', code: 'no_api_key' });
      const wrong = await api.post('/v1/customers', 'email=a@example.jp', { key: `sk_test_${'00'.repeat(12)}` });
      expect(wrong.body.error).toMatchObject({ status: 401, type: 'auth_error', code: 'invalid_api_key' });
      const bearer = await api.get('/v1/charges', { key: null, headers: { Authorization: `Bearer ${sk}` } });
      expect(bearer.body.error).toMatchObject({ code: 'no_api_key' });
      // The key is the user name; PAY.JP sends an empty password and any password is ignored.
      expect((await api.get('/v1/charges', { key: null, headers: { Authorization: `Basic ${Buffer.from(`${sk}:x`).toString('base64')}` } })).status).toBe(200);
      expect(await head()).toBe(before);
    });

    it('keeps public keys to the token endpoints', async () => {
      const t = await token();
      expect((await api.get(`/v1/tokens/${t.id}`, { key: pk })).status).toBe(200);
      for (const [method, path] of [
        ['GET', '/v1/charges'],
        ['GET', '/v1/customers'],
        ['GET', '/v1/events'],
        ['POST', '/v1/customers'],
      ] as const) {
        const answer = await api.request(method, path, { key: pk, ...(method === 'POST' ? { body: `card=${t.id}` } : {}) });
        expect(answer.body.error).toMatchObject({ status: 401, code: 'invalid_api_key' });
      }
      expect(((await api.get(`/v1/tokens/${t.id}`)).body as { used: boolean }).used).toBe(false);
    });

    it('takes card data from a secret key only with X-Payjp-Direct-Token-Generate: true', async () => {
      const before = await head();
      const body = `card[number]=${PAN}&card[exp_month]=12&card[exp_year]=2030`;
      expect((await api.post('/v1/tokens', body)).body.error).toMatchObject({ status: 400, code: 'unsafe_credit_card_param', param: 'card' });
      expect((await api.post('/v1/tokens', body, { headers: { 'X-Payjp-Direct-Token-Generate': 'yes' } })).status).toBe(400);
      expect(await head()).toBe(before);
      expect((await api.post('/v1/tokens', body, { headers: { 'X-Payjp-Direct-Token-Generate': 'TRUE' } })).status).toBe(200);
    });

    it('refuses card data anywhere but the token endpoint, whatever the header, recording nothing', async () => {
      const t = await token();
      const customer = await api.post('/v1/customers', `card=${t.id}`);
      const cus = String(customer.body['id']);
      const car = String((customer.body as { default_card: string }).default_card);
      const before = await head();
      const card = `card[number]=${PAN}&card[exp_month]=12&card[exp_year]=2030&card[cvc]=123`;
      const direct = { headers: { 'X-Payjp-Direct-Token-Generate': 'true' } };
      const sends = [
        ['/v1/charges', `amount=1000&currency=jpy&${card}`],
        ['/v1/customers', card],
        [`/v1/customers/${cus}`, card],
        [`/v1/customers/${cus}/cards`, card],
        [`/v1/customers/${cus}/cards/${car}`, `card[number]=${PAN}`],
        [`/v1/customers/${cus}/cards/${car}`, 'cvc=123'],
      ] as const;
      for (const [path, body] of sends) {
        const answer = await api.post(path, body, direct);
        expect(answer.body.error, path).toMatchObject({ status: 400, code: 'unsafe_credit_card_param', param: 'card' });
      }
      expect(await head()).toBe(before);
      // A card update still takes the holder's fields as card[…] (what payjp-go sends).
      expect((await api.post(`/v1/customers/${cus}/cards/${car}`, 'card[name]=HANAKO')).body).toMatchObject({ name: 'HANAKO' });
    });
  });

  describe('routes and methods', () => {
    it('answers unknown routes with 404 not_found', async () => {
      for (const path of ['/v1/nothing', '/v1/charges/ch_x/void', '/v1/tokens/tok_x/tds_finish', '/v1/customers/a/cards/b/c']) {
        const answer = await api.request(path.endsWith('tds_finish') ? 'POST' : 'GET', path);
        expect(answer.status).toBe(404);
        expect(answer.body.error).toMatchObject({ status: 404, type: 'invalid_request_error', code: 'not_found' });
      }
      // An empty id is no URL either, not a lookup of "" ("No such charge: ").
      const emptyIds = [
        ['GET', '/v1/charges/'],
        ['GET', '/v1/tokens/'],
        ['POST', '/v1/customers/'],
        ['DELETE', '/v1/customers/'],
        ['GET', '/v1/customers//cards'],
        ['GET', '/v1/customers/x/cards/'],
        ['POST', '/v1/charges//refund'],
      ] as const;
      for (const [method, path] of emptyIds) {
        const answer = await api.request(method, path, method === 'POST' ? { body: '' } : {});
        expect(answer.body.error, `${method} ${path}`).toMatchObject({ status: 404, code: 'not_found', message: 'Unrecognized request URL.' });
      }
      // Outside /v1 no key is asked for.
      expect((await api.get('/', { key: null })).body.error).toMatchObject({ code: 'not_found' });
    });

    it('answers a known path asked with the wrong method with 405 and Allow', async () => {
      const cases = [
        ['PUT', '/v1/charges', 'POST, GET, HEAD'],
        ['DELETE', '/v1/charges/ch_x', 'GET, POST, HEAD'],
        ['GET', '/v1/charges/ch_x/refund', 'POST'],
        ['PATCH', '/v1/customers/cus_x', 'GET, POST, DELETE, HEAD'],
        ['DELETE', '/v1/events/evnt_x', 'GET, HEAD'],
        ['GET', '/v1/tokens', 'POST'],
      ] as const;
      for (const [method, path, allow] of cases) {
        const answer = await api.request(method, path);
        expect(answer.status, `${method} ${path}`).toBe(405);
        expect(answer.headers.get('allow')).toBe(allow);
        expect(answer.body.error).toMatchObject({ status: 405, type: 'not_allowed_method_error', code: 'not_allowed_method' });
      }
      expect((await fetch(`${base}/v1/charges`, { method: 'HEAD', headers: { Authorization: basic(sk) } })).status).toBe(200);
    });
  });

  describe('malformed requests', () => {
    it('refuses bodies it cannot read with 400 and a clear message, recording nothing', async () => {
      const before = await head();
      const cases: [string, string, RegExp][] = [
        ['card[number][x]=1', form, /nest one level/],
        ['email=a@example.jp&email=b@example.jp', form, /email is given more than once/],
        [`card=tok_x&card[number]=${PAN}`, form, /card is given more than once/],
        [Array.from({ length: 101 }, (_, i) => `metadata[k${i}]=v`).join('&'), form, /at most 100 parameters/],
        ['metadata[constructor]=x', form, /not allowed: metadata\[constructor\]/],
        [`{"email": "a@example.jp", "card": "${PAN}"`, 'application/json', /not valid JSON/],
        ['[1, 2]', 'application/json', /must be an object/],
        ['{"metadata": {"a": {"b": "c"}}}', 'application/json', /nests too deeply/],
        ['{"__proto__": {"x": 1}}', 'application/json', /not valid JSON/],
        [`email=${PAN}`, 'text/plain', /Unsupported Content-Type/],
        [`email=${'x'.repeat(17_000)}`, form, /larger than 16384 bytes/],
      ];
      for (const [body, type, message] of cases) {
        const answer = await api.post('/v1/customers', body, { type });
        expect(answer.status, body.slice(0, 40)).toBe(400);
        expect(answer.body.error).toMatchObject({ status: 400, type: 'invalid_request_error' });
        expect(answer.body.error!.message).toMatch(message);
      }
      const empty = await api.request('POST', '/v1/customers', { body: '', type: 'application/json' });
      expect(empty.body.error!.message).toMatch(/JSON body is empty/);
      expect(await head()).toBe(before);
    });

    it('refuses unknown parameters, naming them', async () => {
      const answer = await api.post('/v1/customers', 'emial=a@example.jp');
      expect(answer.body.error).toMatchObject({ status: 400, code: 'invalid_param_key', param: 'emial' });
      const nested = await api.post('/v1/tokens', `card[number]=${PAN}&card[numbr]=${PAN}&card[exp_month]=12&card[exp_year]=2030`, { key: pk });
      expect(nested.body.error).toMatchObject({ status: 400, code: 'invalid_param_key', param: 'card[numbr]' });
      const missing = await api.post('/v1/tokens', 'card[exp_month]=12&card[exp_year]=2030', { key: pk });
      expect(missing.body.error).toMatchObject({ status: 400, code: 'missing_param', param: 'card[number]' });
      const wrongType = await api.post('/v1/charges', 'amount=ten&currency=jpy&customer=x');
      expect(wrongType.body.error).toMatchObject({ status: 400, code: 'invalid_amount', param: 'amount' });
    });

    it('refuses bad query strings and list parameters', async () => {
      expect((await api.get('/v1/charges?limit=1&limit=2')).body.error).toMatchObject({ status: 400, code: 'invalid_querystring', param: 'limit' });
      expect((await api.get('/v1/charges?limit=1.5')).body.error).toMatchObject({ status: 400, param: 'limit' });
      expect((await api.get('/v1/charges?limit=abc')).body.error).toMatchObject({ status: 400, param: 'limit' });
      expect((await api.get('/v1/charges?since=yesterday')).body.error).toMatchObject({ status: 400, code: 'invalid_timestamp', param: 'since' });
      expect((await api.get('/v1/charges?until=-5')).body.error).toMatchObject({ status: 400, code: 'invalid_timestamp', param: 'until' });
      expect((await api.get('/v1/charges?order=asc')).body.error).toMatchObject({ status: 400, code: 'invalid_param_key', param: 'order' });
      expect((await api.get('/v1/customers?customer=x')).body.error).toMatchObject({ status: 400, param: 'customer' });
      expect((await api.get('/v1/charges?customer[x]=1')).body.error).toMatchObject({ status: 400, param: 'customer' });
      expect((await api.get('/v1/charges/%E0%A4%A')).status).toBe(400);
    });
  });

  describe('parameters as PAY.JP sends them', () => {
    it('reads bracket keys: card[…] on tokens, metadata[…] everywhere, and both forms of a card update', async () => {
      const t = await token(OTHER_PAN);
      const created = await api.post('/v1/customers', `id=yamada&card=${t.id}&metadata[plan]=gold&metadata[team]=red`);
      expect(created.body).toMatchObject({ id: 'yamada', default_card: t.card.id, metadata: { plan: 'gold', team: 'red' } });
      const goStyle = await api.post(`/v1/customers/yamada/cards/${t.card.id}`, 'card[name]=YAMADA%20TARO&card[address_city]=Shibuya');
      expect(goStyle.body).toMatchObject({ name: 'YAMADA TARO', address_city: 'Shibuya', cvc_check: t.card.cvc_check });
      const docStyle = await api.post(`/v1/customers/yamada/cards/${t.card.id}`, 'name=TARO&card[name]=ignored&metadata[nick]=main');
      expect(docStyle.body).toMatchObject({ name: 'TARO', address_city: 'Shibuya', metadata: { nick: 'main' } });
      expect((await api.get('/v1/customers/yamada?ignored=1')).body).toMatchObject({ id: 'yamada' });
    });

    it('reads "null" as null where a field can be cleared, and as absent elsewhere', async () => {
      const created = await api.post('/v1/customers', 'id=nully&email=null&description=first&metadata[a]=1&metadata[b]=null');
      expect(created.body).toMatchObject({ id: 'nully', email: null, description: 'first', metadata: { a: '1' } });
      const updated = await api.post('/v1/customers/nully', 'email=n%40example.jp&description=null&metadata[a]=null&metadata[c]=3&default_card=null');
      expect(updated.body).toMatchObject({ email: 'n@example.jp', description: null, metadata: { c: '3' } });
      expect((await api.post('/v1/customers/nully', 'email=null')).body).toMatchObject({ email: null });

      const t = await token();
      const card = await api.post('/v1/customers/nully/cards', `card=${t.id}&default=null&metadata[x]=null`);
      expect(card.body).toMatchObject({ customer: 'nully', metadata: {} });
      const named = await api.post(`/v1/customers/nully/cards/${t.card.id}`, 'name=HANAKO&country=JP');
      expect(named.body).toMatchObject({ name: 'HANAKO', country: 'JP' });
      expect((await api.post(`/v1/customers/nully/cards/${t.card.id}`, 'name=null&country=null')).body).toMatchObject({ name: null, country: null });

      const charge = await api.post('/v1/charges', 'amount=1000&currency=jpy&customer=nully&capture=null&expiry_days=null&description=d');
      expect(charge.body).toMatchObject({ amount: 1000, captured: true, description: 'd' });
      const id = (charge.body as { id: string }).id;
      expect((await api.post(`/v1/charges/${id}`, 'description=null')).body).toMatchObject({ description: null });
      expect((await api.post(`/v1/charges/${id}/refund`, 'amount=null&refund_reason=null')).body).toMatchObject({ amount_refunded: 1000, refunded: true, refund_reason: null });
      expect((await api.get('/v1/charges?customer=null&limit=null')).body).toMatchObject({ object: 'list' });
      // A required field sent as null is missing.
      expect((await api.post('/v1/charges', 'amount=null&currency=jpy&customer=nully')).body.error).toMatchObject({ code: 'missing_param', param: 'amount' });
    });

    it('refuses a refund amount that is no integer as one out of range, and keeps the last refund reason given when a later refund gives none (PAY.JP 1.4)', async () => {
      const t = await token();
      const charge = await api.post('/v1/charges', `amount=1000&currency=jpy&card=${t.id}`);
      const id = (charge.body as { id: string }).id;
      // A refund amount that is no integer gets the code one out of range gets.
      for (const amount of ['0', '1.5', 'abc'])
        expect((await api.post(`/v1/charges/${id}/refund`, `amount=${amount}`)).body.error, amount).toMatchObject({ code: 'invalid_refund_amount', param: 'amount' });
      expect((await api.post(`/v1/charges/${id}/refund`, 'amount=300&refund_reason=damaged')).body).toMatchObject({ amount_refunded: 300, refund_reason: 'damaged' });
      expect((await api.post(`/v1/charges/${id}/refund`, 'amount=200')).body).toMatchObject({ amount_refunded: 500, refund_reason: 'damaged' });
      expect((await api.post(`/v1/charges/${id}/refund`, 'refund_reason=late')).body).toMatchObject({ amount_refunded: 1000, refund_reason: 'late' });
      expect((await api.get(`/v1/charges/${id}`)).body).toMatchObject({ refund_reason: 'late' });
    });

    it('accepts JSON bodies too', async () => {
      const created = await api.post('/v1/customers', JSON.stringify({ id: 'jason', email: 'j@example.jp', metadata: { n: 1 } }), { type: 'application/json' });
      expect(created.body).toMatchObject({ id: 'jason', email: 'j@example.jp', metadata: { n: '1' } });
      const updated = await api.post('/v1/customers/jason', JSON.stringify({ email: null }), { type: 'application/json; charset=utf-8' });
      expect(updated.body).toMatchObject({ email: null });
    });

    it('answers list filters on things kessai never has with an empty list, after checking the rest', async () => {
      expect((await api.get('/v1/charges?subscription=sub_x')).body).toEqual({ object: 'list', data: [], count: 0, has_more: false, url: '/v1/charges' });
      expect((await api.get('/v1/charges?tenant=ten_x&limit=0')).body.error).toMatchObject({ param: 'limit' });
      const events = await api.get('/v1/events?object=customer&type=customer.created&limit=100');
      // Only what the two filters select, of the customers the tests before this one created.
      const types = (events.body['data'] as { type: string }[]).map((e) => e.type);
      expect(types.length).toBeGreaterThan(1);
      expect(new Set(types)).toEqual(new Set(['customer.created']));
    });
  });

  describe('the clock header (test mode)', () => {
    it('moves the clock forward, never back', async () => {
      const t = await api.post('/v1/tokens', `card[number]=${PAN}&card[exp_month]=12&card[exp_year]=2030&card[cvc]=1`, {
        key: pk,
        headers: { 'X-Kessai-Clock': '2017-06-07T09:00:00+09:00' },
      });
      expect(t.body.error).toMatchObject({ code: 'invalid_timestamp', param: 'X-Kessai-Clock' });
      const inside = await api.post('/v1/tokens', `card[number]=${PAN}&card[exp_month]=12&card[exp_year]=2030&card[cvc]=123`, {
        key: pk,
        headers: { 'X-Kessai-Clock': '2017-06-07T18:00:00+09:00' },
      });
      expect(inside.body).toMatchObject({ created: Date.parse('2017-06-07T09:00:00Z') / 1000, card: { cvc_check: 'unchecked' } });
      expect((await api.get('/v1/charges', { headers: { 'X-Kessai-Clock': 'soon' } })).body.error).toMatchObject({ code: 'invalid_timestamp' });
    });
  });

  describe('an unexpected failure', () => {
    it('answers 500 server_error with a fixed message, and logs the error without the card number', async () => {
      const broken: CvcVerifier = {
        identity: { name: 'broken', version: '1' },
        verify: async ({ card }) => {
          throw new Error(`verifier down while checking ${card.pan.reveal()}`);
        },
      };
      const kessai = new Kessai({ ...parts.kessai.ports, events: new MemoryEventStore(), readModels: new MemoryReadModelStore(), verifier: broken });
      const lines: LogLine[] = [];
      const brokenApp = createHttpApi({ kessai, merchants: [{ id: 'acme', secretKeys: [sk], publicKeys: [pk] }], log: (line) => lines.push(line) });
      await brokenApp.listen({ port: 0, host: '127.0.0.1' });
      const brokenApi = client(() => `http://127.0.0.1:${(brokenApp.server.address() as AddressInfo).port}`);
      const answer = await brokenApi.post('/v1/tokens', `card[number]=${PAN}&card[exp_month]=12&card[exp_year]=2030&card[cvc]=123`, { key: pk });
      await brokenApp.close();
      expect(answer.status).toBe(500);
      expect(answer.body).toEqual({ error: { status: 500, type: 'server_error', code: 'payjp_wrong', message: 'An unexpected error occurred. Please retry later.', param: null } });
      const logged = lines.find((l) => l.msg === 'unexpected error')!;
      expect(logged).toMatchObject({ level: 'error', route: '/v1/tokens', error: 'Error' });
      expect(String(logged['message'])).toBe('verifier down while checking [redacted]');
      output.push(JSON.stringify(lines));
      expect(await kessai.ports.events.headPosition()).toBe(0);
    });
  });

  describe('card data', () => {
    it('never appears in a response or in anything the process wrote', async () => {
      // A few more requests that carry a card number in odd places.
      await api.get(`/v1/tokens/${PAN}`);
      await api.get(`/v1/tokens/tok_${PAN}`);
      await api.get(`/v1/charges?customer=${PAN}`);
      await api.post('/v1/tokens', `card[number]=${PAN}&card[exp_month]=13&card[exp_year]=2030`, { key: pk });
      await api.post('/v1/tokens', 'card[number]=4000000000000127&card[exp_month]=12&card[exp_year]=2030&card[cvc]=123', { key: pk });
      await api.post('/v1/charges', `amount=1000&currency=jpy&card=${PAN}`);
      await api.post('/v1/customers', `card[number]=${PAN}`);
      expect(logLines.length).toBeGreaterThan(50);
      expect(logLines.every((l) => !('url' in l) || !String(l['url']).includes('?'))).toBe(true);
      const everything = [...responses, ...output, JSON.stringify(logLines)].join('\n');
      for (const number of [PAN, OTHER_PAN, '4000000000000127']) expect(everything).not.toContain(number);
      expect(everything).toContain('[redacted]');
    });

    it('is not quoted back where an id goes, however it is written', async () => {
      const groups = PAN.match(/.{4}/g)!;
      const fullWidth = String.fromCharCode(...Array.from(PAN, (d) => 0xff10 + Number(d)));
      const forms = [groups.join('.'), groups.join('_'), groups.join('/'), groups.join(' - '), fullWidth, `${PAN}4242424242`];
      const customer = await api.post('/v1/customers', 'description=holder');
      expect(customer.status).toBe(200);
      const answers: Answer[] = [];
      for (const written of forms) {
        const sent = encodeURIComponent(written);
        answers.push(
          await api.post('/v1/charges', `amount=1000&currency=jpy&card=${sent}`),
          await api.post('/v1/charges', `amount=1000&currency=jpy&customer=${sent}`),
          await api.post(`/v1/customers/${String(customer.body['id'])}`, `default_card=${sent}`),
          await api.get(`/v1/tokens/${sent}`),
          await api.get(`/v1/customers/${sent}`),
        );
      }
      // A parameter's name is the client's text too, and `param` repeats it.
      answers.push(await api.post('/v1/customers', `${PAN}[]=1`), await api.post('/v1/customers', `metadata[${groups.join('.')}][]=1`));
      for (const answer of answers) {
        expect(answer.status, answer.text).toBeGreaterThanOrEqual(400);
        // The digits alone, whatever separated them and in whichever script they were written.
        for (const said of [answer.body.error!.message, answer.body.error!.param ?? ''])
          expect(said.normalize('NFKC').replace(/[^0-9]/g, ''), answer.text).not.toContain(PAN.slice(0, 12));
      }
      // A well-formed id is still quoted, so a developer sees which one was wrong.
      const missing = `tok_${'ab'.repeat(14)}`;
      expect((await api.post('/v1/charges', `amount=1000&currency=jpy&card=${missing}`)).body.error).toMatchObject({ code: 'invalid_id', message: `No such token: ${missing}` });
      expect((await api.get('/v1/customers/no_such_buyer_7')).body.error!.message).toBe('No such customer: no_such_buyer_7');
    });
  });
});
