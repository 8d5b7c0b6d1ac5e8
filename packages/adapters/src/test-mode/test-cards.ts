/**
 * PAY.JP's test cards (reference/PAYJP-API.md section 6) as data: the test-mode verifier and network read their
 * behaviour from here, and the docs and the scenario generator can list them from the same table.
 */
import type { Authorization, CardBrand, CvcCheck, Screening } from '@kessai/domain';

export type ScreeningRefusalCode = Extract<Screening, { outcome: 'refused' }>['code'];
export type DeclineCode = Extract<Authorization, { outcome: 'declined' }>['code'];

/** What a special card does, and at which step: token creation (`token`), CVC check (`cvc`) or charge (`charge`). */
export type TestCardEffect =
  | { readonly stage: 'token'; readonly kind: 'refused'; readonly code: ScreeningRefusalCode; readonly message: string }
  | { readonly stage: 'token'; readonly kind: 'address_zip_check_failed' }
  | { readonly stage: 'token'; readonly kind: 'issued_outside_japan' }
  | { readonly stage: 'cvc'; readonly kind: 'cvc_check'; readonly check: Exclude<CvcCheck, 'passed' | 'unchecked'> }
  | {
      readonly stage: 'charge';
      readonly kind: 'declined';
      readonly code: DeclineCode;
      readonly message: string;
      /** Declined only above this amount of yen (a credit limit); absent: always declined. */
      readonly aboveYen?: number;
    };

export interface SpecialTestCard {
  readonly number: string;
  readonly effect: TestCardEffect;
  readonly summary: string;
  /** `official`: PAY.JP's own list; `third-party`: seen in independent test suites; `unconfirmed`: one source or none. */
  readonly source: 'official' | 'third-party' | 'unconfirmed';
}

const declined = 'The card was declined.';
const expired = 'The card has expired.';

/** Every test card with special behaviour; each number appears once. Messages never contain a card number. */
export const SPECIAL_TEST_CARDS = [
  {
    number: '4000000000000002',
    effect: { stage: 'token', kind: 'refused', code: 'card_declined', message: declined },
    summary: 'Token creation fails with card_declined.',
    source: 'official',
  },
  {
    number: '4000000000000069',
    effect: { stage: 'token', kind: 'refused', code: 'expired_card', message: expired },
    summary: 'Token creation fails with expired_card.',
    source: 'official',
  },
  {
    number: '4000000000000127',
    effect: { stage: 'token', kind: 'refused', code: 'invalid_cvc', message: 'The security code of the card is incorrect.' },
    summary: 'Token creation fails with invalid_cvc.',
    source: 'official',
  },
  {
    number: '4000000000000119',
    effect: {
      stage: 'token',
      kind: 'refused',
      code: 'processing_error',
      message: 'An error occurred while processing the card. Please try again later.',
    },
    summary: 'Token creation fails with processing_error.',
    source: 'official',
  },
  {
    number: '36227206271667',
    effect: { stage: 'token', kind: 'refused', code: 'unacceptable_brand', message: 'The brand of the card is not accepted.' },
    summary: 'Token creation fails with unacceptable_brand.',
    source: 'unconfirmed',
  },
  {
    number: '4000000000000036',
    effect: { stage: 'token', kind: 'address_zip_check_failed' },
    summary: 'The token is created with address_zip_check "failed".',
    source: 'official',
  },
  {
    number: '4000000900000003',
    effect: { stage: 'token', kind: 'issued_outside_japan' },
    summary: 'The token is created for a card issued outside Japan (is_jp false).',
    source: 'unconfirmed',
  },
  {
    number: '4000000000000101',
    effect: { stage: 'cvc', kind: 'cvc_check', check: 'failed' },
    summary: 'With a CVC, the token is created with cvc_check "failed".',
    source: 'official',
  },
  {
    number: '4000000000000044',
    effect: { stage: 'cvc', kind: 'cvc_check', check: 'unavailable' },
    summary: 'With a CVC, the token is created with cvc_check "unavailable".',
    source: 'official',
  },
  {
    number: '4000000000080319',
    effect: { stage: 'charge', kind: 'declined', code: 'card_declined', message: declined },
    summary: 'The token is created; every charge is declined with card_declined.',
    source: 'third-party',
  },
  {
    number: '4000000000080202',
    effect: {
      stage: 'charge',
      kind: 'declined',
      code: 'card_declined',
      message: 'The card was declined: the amount exceeds its credit limit.',
      aboveYen: 10_000,
    },
    summary: 'The token is created; a charge over 10,000 yen is declined with card_declined (credit limit).',
    source: 'third-party',
  },
  {
    number: '4000000000004012',
    effect: { stage: 'charge', kind: 'declined', code: 'expired_card', message: expired },
    summary: 'The token is created; every charge is declined with expired_card.',
    source: 'unconfirmed',
  },
] as const satisfies readonly SpecialTestCard[];

/** Cards that succeed everywhere, two per brand (PAY.JP's official list). */
export const ORDINARY_TEST_CARDS = [
  { number: '4242424242424242', brand: 'Visa' },
  { number: '4012888888881881', brand: 'Visa' },
  { number: '5555555555554444', brand: 'MasterCard' },
  { number: '5105105105105100', brand: 'MasterCard' },
  { number: '3530111333300000', brand: 'JCB' },
  { number: '3566002020360505', brand: 'JCB' },
  { number: '378282246310005', brand: 'American Express' },
  { number: '371449635398431', brand: 'American Express' },
  { number: '38520000023237', brand: 'Diners Club' },
  { number: '30569309025904', brand: 'Diners Club' },
  { number: '6011111111111117', brand: 'Discover' },
  { number: '6011000990139424', brand: 'Discover' },
] as const satisfies ReadonlyArray<{ readonly number: string; readonly brand: CardBrand }>;

const byNumber: ReadonlyMap<string, SpecialTestCard> = new Map(SPECIAL_TEST_CARDS.map((card) => [card.number, card]));

/** The special behaviour of a card number (digits only), if it has one. */
export const specialTestCard = (digits: string): SpecialTestCard | undefined => byNumber.get(digits);

/** The effect of a card at one stage, narrowed to that stage's variants. */
export const testCardEffect = <S extends TestCardEffect['stage']>(
  digits: string,
  stage: S,
): Extract<TestCardEffect, { stage: S }> | undefined => {
  const effect = byNumber.get(digits)?.effect;
  return effect?.stage === stage ? (effect as Extract<TestCardEffect, { stage: S }>) : undefined;
};
