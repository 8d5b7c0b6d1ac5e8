import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cardBrands, type CardBrand } from '../shared/card.js';
import { cardNumberOf } from '../testing/index.js';
import { cvcLength, detectBrand } from './brand.js';
import { luhnCheckDigit, passesLuhn } from './luhn.js';

/** PAY.JP's test cards that succeed (PAYJP-API.md section 6). */
const payjpTestCards: ReadonlyArray<readonly [string, CardBrand]> = [
  ['4242424242424242', 'Visa'],
  ['4012888888881881', 'Visa'],
  ['5555555555554444', 'MasterCard'],
  ['5105105105105100', 'MasterCard'],
  ['3530111333300000', 'JCB'],
  ['3566002020360505', 'JCB'],
  ['378282246310005', 'American Express'],
  ['371449635398431', 'American Express'],
  ['38520000023237', 'Diners Club'],
  ['30569309025904', 'Diners Club'],
  ['6011111111111117', 'Discover'],
  ['6011000990139424', 'Discover'],
];

/** The test cards with special behaviour are all Visa numbers. */
const payjpSpecialCards = [
  '4000000000000036',
  '4000000000000101',
  '4000000000000044',
  '4000000000000002',
  '4000000000000069',
  '4000000000000127',
  '4000000000000119',
  '4000000000080319',
  '4000000000080202',
];

const withCheckDigit = (partial: string) => partial + luhnCheckDigit(partial);

describe('detectBrand', () => {
  it.each(payjpTestCards)('reads PAY.JP test card %s as %s', (number, brand) => {
    expect(passesLuhn(number)).toBe(true);
    expect(detectBrand(number)).toBe(brand);
  });

  it.each(payjpSpecialCards)('reads special test card %s as Visa', (number) => {
    expect(detectBrand(number)).toBe('Visa');
  });

  it.each(cardBrands)('reads any generated %s number as that brand', (brand) => {
    fc.assert(
      fc.property(cardNumberOf(brand), (number) => {
        expect(detectBrand(number)).toBe(brand);
      }),
      { numRuns: 1000 },
    );
  });

  it.each([
    ['a China UnionPay number outside Discover ranges', withCheckDigit('620000000000000')],
    ['a number starting with 1', withCheckDigit('100000000000000')],
    ['a number starting with 9', withCheckDigit('900000000000000')],
    ['a Visa prefix with 15 digits', withCheckDigit('42424242424242')],
    ['an American Express prefix with 16 digits', withCheckDigit('378282246310005')],
    ['a MasterCard prefix with 17 digits', withCheckDigit('5555555555554444')],
  ])('finds no brand for %s', (_, number) => {
    expect(detectBrand(number)).toBeNull();
  });
});

describe('cvcLength', () => {
  it('is 4 digits for American Express and 3 for the other brands', () => {
    expect(cardBrands.map((brand) => [brand, cvcLength(brand)])).toEqual([
      ['Visa', 3],
      ['MasterCard', 3],
      ['JCB', 3],
      ['American Express', 4],
      ['Diners Club', 3],
      ['Discover', 3],
    ]);
  });
});
