/**
 * fast-check generators for card data. The brand shapes restate PAY.JP's six brands independently of
 * card-data/brand.ts, so that a property comparing the two is a real check and not the table against itself.
 */
import fc from 'fast-check';
import { luhnCheckDigit } from '../card-data/luhn.js';
import { cardBrands, type CardBrand } from '../shared/card.js';

export const digitString = (minLength: number, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength, maxLength });

const range = (from: number, to: number) => fc.integer({ min: from, max: to }).map(String);

const brandShapes: Readonly<Record<CardBrand, { readonly prefix: fc.Arbitrary<string>; readonly lengths: readonly number[] }>> = {
  Visa: { prefix: fc.constant('4'), lengths: [13, 16, 19] },
  MasterCard: { prefix: fc.oneof(range(51, 55), range(2221, 2720)), lengths: [16] },
  'American Express': { prefix: fc.constantFrom('34', '37'), lengths: [15] },
  JCB: { prefix: range(3528, 3589), lengths: [16, 17, 18, 19] },
  'Diners Club': { prefix: fc.oneof(range(300, 305), fc.constantFrom('3095', '36', '38', '39')), lengths: [14, 15, 16, 17, 18, 19] },
  Discover: { prefix: fc.oneof(fc.constant('6011'), range(644, 649), fc.constant('65'), range(622126, 622925)), lengths: [16, 17, 18, 19] },
};

/** A Luhn-correct number of the brand: a prefix of its range, random digits, the check digit. */
export const cardNumberOf = (brand: CardBrand): fc.Arbitrary<string> => {
  const shape = brandShapes[brand];
  return fc
    .tuple(shape.prefix, fc.constantFrom(...shape.lengths))
    .chain(([prefix, length]) => digitString(length - prefix.length - 1, length - prefix.length - 1).map((body) => prefix + body))
    .map((partial) => partial + luhnCheckDigit(partial));
};

export const cardBrand = fc.constantFrom(...cardBrands);

export const brandedCardNumber = cardBrand.chain((brand) => cardNumberOf(brand).map((number) => ({ brand, number })));

const text = (alphabet: string, minLength: number, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength, maxLength });
const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ ';
const lower = 'abcdefghijklmnopqrstuvwxyz';
const orNull = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });

/**
 * The holder's fields, valid for inspectCard. Their digits come in short runs only: postcodes as 3+4 digits and
 * phones as +81 and at most 10 digits, so that no field can hold a card number (13 digits or more).
 */
export const cardHolderFields = {
  name: orNull(text(upper, 1, 45)),
  addressState: orNull(text(upper, 1, 40)),
  addressCity: orNull(text(upper, 1, 40)),
  addressLine1: orNull(text(upper, 1, 100)),
  addressLine2: orNull(text(upper, 1, 100)),
  addressZip: orNull(fc.tuple(digitString(3, 3), digitString(4, 4)).map(([a, b]) => `${a}-${b}`)),
  country: orNull(fc.constantFrom('JP', 'US', 'GB', 'SG')),
  email: orNull(text(lower, 1, 20).map((local) => `${local}@example.jp`)),
  phone: orNull(digitString(9, 10).map((digits) => `+81${digits}`)),
};

export const cardHolder = fc.record(cardHolderFields);
export const cardHolderPatch = fc.record(cardHolderFields, { requiredKeys: [] });

/** Metadata updates of letters only; an empty value deletes its key. */
export const metadataUpdate = fc.dictionary(text(lower, 1, 8), text(lower, 0, 12), { maxKeys: 4 });
