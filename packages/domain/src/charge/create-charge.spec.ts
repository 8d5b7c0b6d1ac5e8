import { describe, expect, it } from 'vitest';
import { yen } from '../shared/money.js';
import {
  activeCard,
  cardCreatedFrom,
  chargeFailed,
  chargeIdOf,
  chargeRequest,
  chargeSucceeded,
  createCharge,
  customerIdOf,
  declined,
  specFor,
  T0,
  tokenCreated,
} from '../testing/index.js';
import { chargeDecider, chargedCardFromCard, declineError } from './index.js';

const spec = specFor(chargeDecider);

const uncaptured = (expiryDays: number | null, at = T0) => createCharge({ at, request: chargeRequest({ capture: false, expiryDays }) });
const expiryOf = (command: ReturnType<typeof uncaptured>) => {
  const [event] = spec().when(command).events();
  return event?.type === 'ChargeSucceeded' ? event.data.expiresAt : undefined;
};

describe('CreateCharge', () => {
  it('records an approved charge captured at once, with no expiry', () => {
    const request = chargeRequest({ amount: 3500, description: 'order 42', metadata: { order: '42' } });
    spec()
      .when(createCharge({ request }))
      .then([chargeSucceeded({ amount: yen(3500), description: 'order 42', metadata: { order: '42' }, captured: true, expiresAt: null })]);
  });

  it('records a charge on a customer card with the card snapshot and the customer', () => {
    const card = chargedCardFromCard(activeCard(cardCreatedFrom(tokenCreated(), { metadata: { nickname: 'main' } })));
    spec()
      .when(createCharge({ customer: customerIdOf(1), card }))
      .then([chargeSucceeded({ customer: customerIdOf(1), card })]);
  });

  it('holds an uncaptured charge to the end of the Japanese day 6 days later by default', () => {
    spec()
      .when(uncaptured(null))
      .then([chargeSucceeded({ captured: false, expiresAt: Date.UTC(2030, 2, 16, 14, 59, 59, 999) })]);
  });

  it('counts expiry_days in Japanese calendar days: 1 ends today, 60 ends on day 59', () => {
    expect(expiryOf(uncaptured(1))).toBe(Date.UTC(2030, 2, 10, 14, 59, 59, 999));
    expect(expiryOf(uncaptured(60))).toBe(Date.UTC(2030, 4, 8, 14, 59, 59, 999));
  });

  it('starts the day count from the day in Japan, which turns at 15:00 UTC', () => {
    expect(expiryOf(uncaptured(1, Date.UTC(2030, 2, 10, 14, 59)))).toBe(Date.UTC(2030, 2, 10, 14, 59, 59, 999));
    expect(expiryOf(uncaptured(1, Date.UTC(2030, 2, 10, 15, 0)))).toBe(Date.UTC(2030, 2, 11, 14, 59, 59, 999));
  });

  it('records a declined charge as ChargeFailed, which the edge answers with a 402 naming the charge', () => {
    const failed = chargeFailed('expired_card', { capture: false });
    spec().when(createCharge({ request: chargeRequest({ capture: false }), authorization: declined('expired_card') })).then([failed]);
    expect(declineError(failed)).toMatchObject({ status: 402, type: 'card_error', code: 'expired_card', param: 'card', charge: chargeIdOf(1) });
  });

  it.each([50, 9_999_999])('accepts an amount of %i yen', (amount) => {
    spec().when(createCharge({ request: chargeRequest({ amount }) })).then([chargeSucceeded({ amount: yen(amount) })]);
  });

  it.each([49, 10_000_000, 100.5, -1])('refuses an amount of %s yen', (amount) => {
    spec().when(createCharge({ request: chargeRequest({ amount }) })).thenFails('invalid_amount', { status: 400, param: 'amount' });
  });

  it('refuses any currency but jpy', () => {
    spec().when(createCharge({ request: chargeRequest({ currency: 'usd' }) })).thenFails('invalid_currency', { param: 'currency' });
  });

  it('refuses expiry_days on a charge captured at once', () => {
    spec()
      .when(createCharge({ request: chargeRequest({ capture: true, expiryDays: 3 }) }))
      .thenFails('unnecessary_expiry_days', { status: 400, param: 'expiry_days' });
  });

  it.each([0, 61, 2.5])('refuses expiry_days of %s', (expiryDays) => {
    spec().when(uncaptured(expiryDays)).thenFails('invalid_expiry_days', { status: 400, param: 'expiry_days' });
  });

  it('refuses a description over 255 characters and metadata over the limits', () => {
    spec()
      .when(createCharge({ request: chargeRequest({ description: 'd'.repeat(256) }) }))
      .thenFails('invalid_string_length', { status: 400, param: 'description' });
    spec()
      .when(createCharge({ request: chargeRequest({ metadata: { note: 'n'.repeat(501) } }) }))
      .thenFails('invalid_metadata_value', { param: 'metadata[note]' });
  });

  it('refuses a charge id that is already taken', () => {
    spec(chargeSucceeded()).when(createCharge()).thenFails('payjp_wrong', { status: 500 });
  });
});
