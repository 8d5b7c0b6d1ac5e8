import { describe, expect, it } from 'vitest';
import { checkJsonBody, hoistCard, parseForm, readListQuery, readNulls } from './params.js';

const value = <T>(parsed: { ok: true; value: T } | { ok: false; error: { message: string } }): T => {
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
};

describe('parseForm', () => {
  it('reads bracket keys one level deep into plain objects', () => {
    const parsed = value(parseForm('card[number]=4242424242424242&card[exp_month]=12&metadata[a%20b]=%E3%81%82&amount=100'));
    expect(parsed).toEqual({ card: { number: '4242424242424242', exp_month: '12' }, metadata: { 'a b': 'あ' }, amount: '100' });
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(parsed['card'])).toBe(Object.prototype);
  });

  it('takes dots literally and the empty string as no parameters', () => {
    expect(value(parseForm('card.number=1'))).toEqual({ 'card.number': '1' });
    expect(value(parseForm(''))).toEqual({});
    // Empty pairs (a trailing "&") are no parameters either.
    expect(value(parseForm('a=1&&b=2&'))).toEqual({ a: '1', b: '2' });
  });

  it('refuses deeper nesting, repeated keys, lists, too many parameters and prototype keys, without echoing values', () => {
    const refusals = [
      'card[number][x]=4242424242424242',
      'a=1&a=2',
      'card=tok&card[number]=4242424242424242',
      Array.from({ length: 101 }, (_, i) => `k${i}=1`).join('&'),
      'metadata[constructor]=1',
      'prototype=1',
      // What qs alone would drop or reshape without a word:
      'metadata[__proto__]=4242424242424242',
      '__proto__[x]=1',
      '%5F_proto__=1',
      'metadata[]=4242424242424242',
      'metadata[a]b=1',
      'metadata[a=1',
      'a]=1',
      '=4242424242424242',
      'description=%E0%A4%A',
      'description=100%',
      'na%ZZme=1',
    ];
    for (const text of refusals) {
      const parsed = parseForm(text);
      expect(parsed.ok, text).toBe(false);
      if (!parsed.ok) {
        expect(parsed.error).toMatchObject({ status: 400, type: 'invalid_request_error' });
        expect(parsed.error.message).not.toContain('4242');
      }
    }
  });
});

describe('checkJsonBody', () => {
  it('holds JSON to the shape of a form', () => {
    expect(value(checkJsonBody({ amount: 100, capture: false, metadata: { a: '1' }, description: null }))).toEqual({
      amount: 100,
      capture: false,
      metadata: { a: '1' },
      description: null,
    });
    expect(value(checkJsonBody(undefined))).toEqual({});
    for (const body of [[1], 'text', null, { a: [1] }, { a: { b: { c: 1 } } }]) expect(checkJsonBody(body).ok).toBe(false);
  });
});

describe('readNulls', () => {
  it('clears nullable fields, drops other nulls, and turns null metadata values into removals on updates only', () => {
    const params = { email: 'null', description: null, card: 'null', amount: 'null', metadata: { a: 'null', b: '1' } };
    expect(readNulls(params, { nullable: ['email', 'description'], metadata: 'update' })).toEqual({ email: null, description: null, metadata: { a: '', b: '1' } });
    expect(readNulls(params, { metadata: 'create' })).toEqual({ metadata: { b: '1' } });
  });

  it('drops nulls inside a nested card', () => {
    expect(readNulls({ card: { number: '4242424242424242', cvc: 'null', name: null } })).toEqual({ card: { number: '4242424242424242' } });
  });
});

describe('hoistCard', () => {
  it('accepts card fields as card[…] and top-level, the top-level value winning', () => {
    expect(hoistCard({ card: { name: 'A', country: 'JP' }, name: 'B' })).toEqual({ name: 'B', country: 'JP' });
    expect(hoistCard({ name: 'B' })).toEqual({ name: 'B' });
    // A card that is not an object is left for the input schema to refuse.
    expect(hoistCard({ card: 'tok_x' })).toEqual({ card: 'tok_x' });
  });
});

describe('readListQuery', () => {
  it('reads integers and the allowed filters; anything else that is not an integer becomes NaN for the query layer to refuse', () => {
    expect(value(readListQuery({ limit: '10', offset: '0', since: '1496822400', customer: 'taro', until: 'null' }, ['customer']))).toEqual({
      list: { limit: 10, offset: 0, since: 1496822400 },
      filters: { customer: 'taro' },
      matchesNothing: false,
    });
    expect(value(readListQuery({ limit: '1.5' }, [])).list.limit).toBeNaN();
    expect(value(readListQuery({ limit: '-1' }, [])).list.limit).toBe(-1);
  });

  it('refuses unknown parameters and object values, and flags filters nothing can match', () => {
    expect(readListQuery({ order: 'asc' }, []).ok).toBe(false);
    expect(readListQuery({ customer: { x: '1' } }, ['customer']).ok).toBe(false);
    expect(value(readListQuery({ subscription: 'sub_x' }, [], ['subscription'])).matchesNothing).toBe(true);
  });
});
