import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { DomainError } from '../shared/errors.js';
import { holder, T0 } from '../testing/index.js';
import { inspectCard, type CardInput } from './inspect.js';
import { luhnCheckDigit } from './luhn.js';

const VISA = '4242424242424242';
const AMEX = '378282246310005';

const input = (overrides: Partial<CardInput> = {}): CardInput => ({
  number: VISA,
  expMonth: 12,
  expYear: 2031,
  cvc: '987',
  holder: holder(),
  ...overrides,
});

const inspected = (overrides: Partial<CardInput> = {}, now = T0) => {
  const result = inspectCard(input(overrides), now);
  if (!result.ok) throw new Error(`expected the card to pass, got ${result.error.code}`);
  return result.value;
};

const refusal = (overrides: Partial<CardInput>, now = T0): DomainError => {
  const result = inspectCard(input(overrides), now);
  if (result.ok) throw new Error('expected the card to be refused');
  return result.error;
};

const cardDataError = (code: string, param: string) => ({ _tag: 'DomainError', type: 'card_error', status: 400, code, param });
const requestError = (code: string, param: string) => ({ _tag: 'DomainError', type: 'invalid_request_error', status: 400, code, param });

describe('inspectCard: the number', () => {
  it.each([
    ['non-digits', '4242abcd42424242'],
    ['too few digits', '42424242424'],
    ['too many digits', '42424242424242424242'],
    ['a failed Luhn check', '4242424242424241'],
  ])('refuses %s as invalid_number', (_, number) => {
    expect(refusal({ number })).toMatchObject(cardDataError('invalid_number', 'card[number]'));
  });

  it('refuses a Luhn-valid number of none of the six brands as unacceptable_brand', () => {
    const unionPay = '620000000000000' + luhnCheckDigit('620000000000000');
    expect(refusal({ number: unionPay })).toMatchObject({ type: 'card_error', code: 'unacceptable_brand', param: 'card[number]' });
  });

  it('accepts the number written with spaces or dashes', () => {
    expect(inspected({ number: '4242 4242-4242 4242' }).last4).toBe('4242');
  });
});

describe('inspectCard: the expiry', () => {
  it.each([0, 13, 1.5])('refuses month %s as invalid_expiry_month', (expMonth) => {
    expect(refusal({ expMonth })).toMatchObject(cardDataError('invalid_expiry_month', 'card[exp_month]'));
  });

  it.each([1999, 2100, -1, 2031.5])('refuses year %s as invalid_expiry_year', (expYear) => {
    expect(refusal({ expYear })).toMatchObject(cardDataError('invalid_expiry_year', 'card[exp_year]'));
  });

  it('reads a two-digit year as 20xx', () => {
    expect(inspected({ expYear: 31 }).expYear).toBe(2031);
  });

  it('refuses a month already past in Japan as invalid_expiration_date, and accepts the current month', () => {
    expect(refusal({ expMonth: 2, expYear: 2030 })).toMatchObject(cardDataError('invalid_expiration_date', 'card[exp_year]'));
    expect(refusal({ expMonth: 12, expYear: 2029 }).code).toBe('invalid_expiration_date');
    expect(inspected({ expMonth: 3, expYear: 2030 }).expMonth).toBe(3);
  });

  it('counts the month in Japan time: 15:00 UTC on the last day of a month is already the next month', () => {
    const lastMomentOfJanuaryInJapan = Date.UTC(2030, 0, 31, 14, 59, 59, 999);
    const firstMomentOfFebruaryInJapan = Date.UTC(2030, 0, 31, 15, 0, 0);
    expect(inspected({ expMonth: 1, expYear: 2030 }, lastMomentOfJanuaryInJapan).expMonth).toBe(1);
    expect(refusal({ expMonth: 1, expYear: 2030 }, firstMomentOfFebruaryInJapan).code).toBe('invalid_expiration_date');
  });

  it('turns the year in Japan time as well', () => {
    expect(inspected({ expMonth: 12, expYear: 2030 }, Date.UTC(2030, 11, 31, 14, 59)).expYear).toBe(2030);
    expect(refusal({ expMonth: 12, expYear: 2030 }, Date.UTC(2030, 11, 31, 15, 0)).code).toBe('invalid_expiration_date');
  });
});

describe('inspectCard: the CVC', () => {
  it.each([
    ['two digits for Visa', VISA, '98'],
    ['four digits for Visa', VISA, '9876'],
    ['three digits for American Express', AMEX, '987'],
    ['five digits for American Express', AMEX, '98765'],
    ['a letter', VISA, '98a'],
  ])('refuses %s as invalid_cvc', (_, number, cvc) => {
    expect(refusal({ number, cvc })).toMatchObject(cardDataError('invalid_cvc', 'card[cvc]'));
  });

  it('accepts four digits for American Express and no CVC at all', () => {
    expect(inspected({ number: AMEX, cvc: '9876' }).cvc?.reveal()).toBe('9876');
    expect(inspected({ cvc: null }).cvc).toBeNull();
  });
});

describe('inspectCard: the holder', () => {
  it.each([
    [{ name: '' }, 'invalid_card_name', 'card[name]'],
    [{ name: 'N'.repeat(46) }, 'invalid_card_name', 'card[name]'],
    [{ addressState: 'S'.repeat(41) }, 'invalid_card_address_state', 'card[address_state]'],
    [{ addressCity: 'C'.repeat(41) }, 'invalid_card_address_city', 'card[address_city]'],
    [{ addressLine1: 'L'.repeat(101) }, 'invalid_card_address_line', 'card[address_line1]'],
    [{ addressLine2: '' }, 'invalid_card_address_line', 'card[address_line2]'],
    [{ addressZip: '1'.repeat(21) }, 'invalid_card_address_zip', 'card[address_zip]'],
    [{ country: 'jp' }, 'invalid_card_country', 'card[country]'],
    [{ country: 'JPN' }, 'invalid_card_country', 'card[country]'],
    [{ email: 'taro.example.jp' }, 'invalid_email', 'card[email]'],
    [{ phone: '090-1234-5678' }, 'invalid_param_key', 'card[phone]'],
  ] as const)('refuses %o as %s', (fields, code, param) => {
    expect(refusal({ holder: holder(fields) })).toMatchObject(requestError(code, param));
  });
});

describe('inspectCard: a card that passes', () => {
  const fullHolder = holder({ addressState: '東京都', addressZip: '150-0001', country: 'JP', email: 'taro@example.jp', phone: '+819012345678' });

  it('returns brand, last4 and expiry, with the number and CVC wrapped', () => {
    const card = inspected({ number: AMEX, cvc: '9876', holder: fullHolder });
    expect(card).toMatchObject({ brand: 'American Express', last4: '0005', expMonth: 12, expYear: 2031, holder: fullHolder });
    expect(card.pan.reveal()).toBe(AMEX);
    expect(card.cvc?.reveal()).toBe('9876');
  });

  it('never shows the number or the CVC when serialised, converted to a string or inspected', () => {
    const card = inspected({ cvc: '987' });
    const renderings = [
      JSON.stringify(card),
      String(card.pan),
      `${card.pan} ${card.cvc}`,
      inspect(card, { depth: null }),
      inspect(card, { depth: null, showHidden: true }),
      inspect({ ok: true, value: card }),
    ];
    for (const text of renderings) {
      expect(text).not.toContain(VISA);
      expect(text).not.toContain('987');
    }
    expect(JSON.parse(JSON.stringify(card))).toMatchObject({ pan: '[redacted]', cvc: '[redacted]' });
  });

  it('never repeats the number or the CVC in a refusal', () => {
    const errors = [refusal({ number: AMEX, cvc: '987' }), refusal({ cvc: '987', expMonth: 13 }), refusal({ number: '4242424242424241' })];
    for (const error of errors) expect(JSON.stringify(error)).not.toMatch(/378282246310005|4242424242424241|987/);
  });
});
