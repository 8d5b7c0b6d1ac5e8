import { describe, expect, it } from 'vitest';
import { basicUser, KeyRing, parseMerchants, randomMerchant } from './auth.js';

const sk = (c: string) => `sk_test_${c.repeat(24)}`;
const pk = (c: string) => `pk_test_${c.repeat(24)}`;
const header = (key: string, password = '') => `Basic ${Buffer.from(`${key}:${password}`).toString('base64')}`;

describe('parseMerchants', () => {
  it('fills in defaults', () => {
    expect(parseMerchants([{ id: 'acme', secretKeys: [sk('a')] }])).toEqual([{ id: 'acme', secretKeys: [sk('a')], publicKeys: [], webhooks: [] }]);
  });

  it('refuses live keys, short keys, bad ids, bad webhook urls, repeated ids and keys, naming the entry but never a key', () => {
    const refusals: unknown[] = [
      [{ id: 'acme', secretKeys: ['sk_live_' + 'a'.repeat(24)] }],
      [{ id: 'acme', secretKeys: [sk('a')], publicKeys: ['pk_live_' + 'a'.repeat(24)] }],
      [{ id: 'acme', secretKeys: ['sk_test_short'] }],
      [{ id: 'acme', secretKeys: [] }],
      [{ id: 'a b', secretKeys: [sk('a')] }],
      [{ id: 'acme', secretKeys: [sk('a')], webhooks: [{ url: 'ftp://example.jp/hook', token: 'whook_token' }] }],
      [{ id: 'acme', secretKeys: [sk('a')], unknown: 1 }],
      [
        { id: 'acme', secretKeys: [sk('a')] },
        { id: 'acme', secretKeys: [sk('b')] },
      ],
      [
        { id: 'acme', secretKeys: [sk('a')] },
        { id: 'globex', secretKeys: [sk('a')] },
      ],
      [],
    ];
    for (const config of refusals) {
      let message = '';
      try {
        parseMerchants(config);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message, JSON.stringify(config)).toMatch(/^Invalid merchant configuration/);
      expect(message).not.toContain('aaaaaaaa');
    }
  });

  it('makes random test merchants', () => {
    const a = randomMerchant();
    const b = randomMerchant();
    expect(parseMerchants([a])).toEqual([a]);
    expect(a.secretKeys[0]).not.toBe(b.secretKeys[0]);
  });
});

describe('basicUser', () => {
  it('takes the user name of HTTP Basic and ignores the password', () => {
    expect(basicUser(header(sk('a')))).toBe(sk('a'));
    expect(basicUser(header(sk('a'), 'secret'))).toBe(sk('a'));
    expect(basicUser(`basic ${Buffer.from(sk('a')).toString('base64')}`)).toBe(sk('a'));
    for (const h of [undefined, '', 'Basic', `Bearer ${sk('a')}`, header(''), 'Basic !!!']) expect(basicUser(h)).toBeNull();
  });
});

describe('KeyRing', () => {
  const ring = new KeyRing(
    parseMerchants([
      { id: 'acme', secretKeys: [sk('a'), sk('b')], publicKeys: [pk('a')] },
      { id: 'globex', secretKeys: [sk('c')] },
    ]),
  );

  it('finds the merchant and the kind of a key', () => {
    expect(ring.authenticate(header(sk('b')))).toEqual({ ok: true, value: { merchant: 'acme', kind: 'secret' } });
    expect(ring.authenticate(header(pk('a')))).toEqual({ ok: true, value: { merchant: 'acme', kind: 'public' } });
    expect(ring.authenticate(header(sk('c')))).toEqual({ ok: true, value: { merchant: 'globex', kind: 'secret' } });
  });

  it('answers PAY.JP 401s for a missing or unknown key', () => {
    expect(ring.authenticate(undefined)).toMatchObject({ ok: false, error: { status: 401, type: 'auth_error', code: 'no_api_key' } });
    expect(ring.authenticate(header(sk('d')))).toMatchObject({ ok: false, error: { status: 401, code: 'invalid_api_key' } });
    // A prefix or an extension of a real key is another key.
    expect(ring.authenticate(header(sk('a').slice(0, -1)))).toMatchObject({ ok: false });
    expect(ring.authenticate(header(`${sk('a')}a`))).toMatchObject({ ok: false });
  });
});
