import type { CardBrand, CardHolder } from '../shared/card.js';
import { cardError, invalidParam, type DomainError } from '../shared/errors.js';
import { err, ok, type Result } from '../shared/result.js';
import { emailAddress } from '../shared/text.js';
import { cvcLength, detectBrand } from './brand.js';
import { passesLuhn } from './luhn.js';
import { sensitive, type Sensitive } from './sensitive.js';

/** Card data as a client sends it to the token endpoint. */
export interface CardInput {
  readonly number: string;
  readonly expMonth: number;
  readonly expYear: number;
  readonly cvc: string | null;
  readonly holder: CardHolder;
}

/** Card data that passed every check. The number and CVC stay wrapped; they go to the vault and verifier only. */
export interface InspectedCard {
  readonly pan: Sensitive;
  readonly cvc: Sensitive | null;
  readonly brand: CardBrand;
  readonly last4: string;
  readonly expMonth: number;
  readonly expYear: number;
  readonly holder: CardHolder;
}

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

/** The calendar month in Japan at an instant: a card stays valid through the last day of its expiry month. */
export const monthInJapan = (at: number): { readonly year: number; readonly month: number } => {
  const jst = new Date(at + JST_OFFSET_MS);
  return { year: jst.getUTCFullYear(), month: jst.getUTCMonth() + 1 };
};

const holderLimits: ReadonlyArray<readonly [keyof CardHolder, number, DomainError['code'], string]> = [
  ['name', 45, 'invalid_card_name', 'card[name]'],
  ['addressState', 40, 'invalid_card_address_state', 'card[address_state]'],
  ['addressCity', 40, 'invalid_card_address_city', 'card[address_city]'],
  ['addressLine1', 100, 'invalid_card_address_line', 'card[address_line1]'],
  ['addressLine2', 100, 'invalid_card_address_line', 'card[address_line2]'],
  ['addressZip', 20, 'invalid_card_address_zip', 'card[address_zip]'],
];

const phonePattern = /^\+?[0-9]{6,15}$/;
const countryPattern = /^[A-Z]{2}$/;

export const validateHolder = (holder: CardHolder, paramPrefix = 'card'): Result<CardHolder> => {
  const param = (p: string) => (paramPrefix === 'card' ? p : p.replace(/^card\[(.*)\]$/, '$1'));
  for (const [field, max, code, name] of holderLimits) {
    const value = holder[field];
    if (value !== null && (value.length === 0 || value.length > max))
      return err(invalidParam(code, param(name), `${param(name)} must hold 1 to ${max} characters.`));
  }
  if (holder.country !== null && !countryPattern.test(holder.country))
    return err(invalidParam('invalid_card_country', param('card[country]'), 'The country must be an ISO 3166-1 alpha-2 code, such as JP.'));
  const email = emailAddress(holder.email, param('card[email]'));
  if (!email.ok) return email;
  if (holder.phone !== null && !phonePattern.test(holder.phone))
    return err(invalidParam('invalid_param_key', param('card[phone]'), 'The phone number must be in E.164 form, such as +819012345678.'));
  return ok(holder);
};

/**
 * Checks card data before anything is stored or recorded: number (digits, Luhn, one of the six brands), expiry
 * (month 1-12, year, not before the current month in Japan), CVC length by brand, holder fields.
 * `now` is the command's time in epoch milliseconds; it comes from the Clock port, never read here.
 * Errors name the parameter but never repeat the number or the CVC.
 */
export const inspectCard = (input: CardInput, now: number): Result<InspectedCard> => {
  const digits = input.number.replace(/[ -]/g, '');
  if (!/^[0-9]{12,19}$/.test(digits) || !passesLuhn(digits))
    return err(cardError('invalid_number', 'card[number]', 'The card number is not a valid card number.', 400));
  const brand = detectBrand(digits);
  if (brand === null)
    return err(cardError('unacceptable_brand', 'card[number]', 'The card brand is not accepted: use Visa, MasterCard, JCB, American Express, Diners Club or Discover.'));

  if (!Number.isInteger(input.expMonth) || input.expMonth < 1 || input.expMonth > 12)
    return err(cardError('invalid_expiry_month', 'card[exp_month]', 'The expiry month must be from 1 to 12.', 400));
  const expYear = input.expYear >= 0 && input.expYear < 100 ? 2000 + input.expYear : input.expYear;
  if (!Number.isInteger(expYear) || expYear < 2000 || expYear > 2099)
    return err(cardError('invalid_expiry_year', 'card[exp_year]', 'The expiry year must be a year such as 2030.', 400));
  const today = monthInJapan(now);
  if (expYear < today.year || (expYear === today.year && input.expMonth < today.month))
    return err(cardError('invalid_expiration_date', 'card[exp_year]', 'The card has expired.', 400));

  if (input.cvc !== null) {
    const expected = cvcLength(brand);
    if (!new RegExp(`^[0-9]{${expected}}$`).test(input.cvc))
      return err(cardError('invalid_cvc', 'card[cvc]', `The security code must be ${expected} digits for ${brand}.`, 400));
  }

  const holder = validateHolder(input.holder);
  if (!holder.ok) return holder;

  return ok({
    pan: sensitive(digits),
    cvc: input.cvc === null ? null : sensitive(input.cvc),
    brand,
    last4: digits.slice(-4),
    expMonth: input.expMonth,
    expYear,
    holder: holder.value,
  });
};
