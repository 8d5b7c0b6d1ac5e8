import { describe, expect, it } from 'vitest';
import { foldEvents } from '../shared/decider.js';
import {
  chargeAuthorized,
  chargeCaptured,
  chargeExpired,
  chargeFailed,
  chargeIdOf,
  chargeReauthorized,
  chargeRefunded,
  chargeSucceeded,
  daysAfter,
  HOUR_MS,
  merchant,
  otherMerchant,
  specFor,
  T0,
} from '../testing/index.js';
import type { CaptureCharge } from './commands.js';
import { authorizationExpiry, chargeDecider } from './index.js';

const spec = specFor(chargeDecider);
/** 1,000 yen authorized at T0, held until the end of 2030-03-16 in Japan. */
const authorized = chargeAuthorized();
const expiresAt = authorizationExpiry(T0, 7);
const at = T0 + HOUR_MS;

const capture = (amount: number | null, overrides: Partial<CaptureCharge> = {}): CaptureCharge => ({
  type: 'CaptureCharge',
  chargeId: chargeIdOf(1),
  merchant,
  at,
  amount,
  ...overrides,
});

describe('CaptureCharge', () => {
  it('captures the whole authorization', () => {
    spec(authorized).when(capture(null)).then([chargeCaptured(1000, 0, at)]);
    spec(authorized).when(capture(1000)).then([chargeCaptured(1000, 0, at)]);
  });

  it('captures part of it, and the released remainder shows as refunded', () => {
    spec(authorized).when(capture(400)).then([chargeCaptured(400, 600, at)]);
    expect(foldEvents(chargeDecider, [authorized, chargeCaptured(400, 600, at)])).toMatchObject({
      status: 'captured',
      capturedAt: at,
      amount: 1000,
      amountRefunded: 600,
    });
  });

  it('leaves no hold on the captured state: only an authorization has an expiry', () => {
    expect(foldEvents(chargeDecider, [authorized, chargeCaptured(1000, 0, at)])).not.toHaveProperty('expiresAt');
    const reauthorized = foldEvents(chargeDecider, [authorized, chargeExpired(expiresAt + 1), chargeReauthorized(authorizationExpiry(daysAfter(T0, 10), 7), daysAfter(T0, 10))]);
    expect(reauthorized).toMatchObject({ status: 'authorized' });
    expect(reauthorized).not.toHaveProperty('expiredAt');
  });

  it('captures up to the last millisecond of the hold', () => {
    spec(authorized).when(capture(null, { at: expiresAt })).then([chargeCaptured(1000, 0, expiresAt)]);
  });

  it('captures a charge reauthorized after it expired', () => {
    const reauthAt = daysAfter(T0, 10);
    const renewed = authorizationExpiry(reauthAt, 7);
    spec(authorized, chargeExpired(expiresAt + 1), chargeReauthorized(renewed, reauthAt))
      .when(capture(null, { at: reauthAt + HOUR_MS }))
      .then([chargeCaptured(1000, 0, reauthAt + HOUR_MS)]);
  });

  it('refuses a charge already captured', () => {
    spec(chargeSucceeded()).when(capture(null)).thenFails('already_captured', { status: 400, param: 'id' });
    spec(authorized, chargeCaptured(1000, 0)).when(capture(null, { at: at + HOUR_MS })).thenFails('already_captured');
  });

  it('refuses a charge whose authorization was refunded', () => {
    spec(authorized, chargeRefunded(1000)).when(capture(null, { at: at + 2 * HOUR_MS })).thenFails('cant_capture_refunded_charge', { status: 400 });
  });

  it('refuses a charge past its hold, whether or not the expiry was recorded yet', () => {
    spec(authorized).when(capture(null, { at: expiresAt + 1 })).thenFails('charge_expired', { status: 400 });
    spec(authorized, chargeExpired(expiresAt + 1)).when(capture(null, { at: expiresAt + 2 })).thenFails('charge_expired');
  });

  it('refuses more than was authorized', () => {
    spec(authorized).when(capture(1001)).thenFails('capture_amount_gt_net', { status: 400, param: 'amount' });
  });

  it.each([49, 0, 12.5])('refuses a capture amount of %s', (amount) => {
    spec(authorized).when(capture(amount)).thenFails('invalid_amount', { status: 400, param: 'amount' });
  });

  it('refuses a declined charge', () => {
    spec(chargeFailed('card_declined', { capture: false })).when(capture(null)).thenFails('failed_payment', { status: 400 });
  });

  it("answers invalid_id for an unknown charge or another merchant's", () => {
    spec().when(capture(null)).thenFails('invalid_id', { status: 404, param: 'id' });
    spec(authorized).when(capture(null, { merchant: otherMerchant })).thenFails('invalid_id', { status: 404 });
  });
});
