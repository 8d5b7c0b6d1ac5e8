import { describe, expect, it } from 'vitest';
import { foldEvents } from '../shared/decider.js';
import {
  chargeAuthorized,
  chargeCaptured,
  chargeExpired,
  chargeFailed,
  chargeIdOf,
  chargeRefunded,
  chargeSucceeded,
  daysAfter,
  HOUR_MS,
  merchant,
  otherMerchant,
  specFor,
  T0,
} from '../testing/index.js';
import type { RefundCharge } from './commands.js';
import { authorizationExpiry, chargeDecider } from './index.js';

const spec = specFor(chargeDecider);
/** 1,000 yen captured at T0. */
const captured = chargeSucceeded();
const authorized = chargeAuthorized();
const at = T0 + 3 * HOUR_MS;

const refund = (amount: number | null, overrides: Partial<RefundCharge> = {}): RefundCharge => ({
  type: 'RefundCharge',
  chargeId: chargeIdOf(1),
  merchant,
  at,
  amount,
  reason: null,
  ...overrides,
});

describe('RefundCharge on a captured charge', () => {
  it('refunds the whole charge by default', () => {
    spec(captured).when(refund(null, { reason: 'out of stock' })).then([chargeRefunded(1000, at, 'out of stock')]);
  });

  it('refunds part of it', () => {
    spec(captured).when(refund(300)).then([chargeRefunded(300, at)]);
  });

  it('refunds in parts until nothing is left, then answers already_refunded', () => {
    const partly = [captured, chargeRefunded(300), chargeRefunded(200)] as const;
    spec(...partly).when(refund(null)).then([chargeRefunded(500, at)]);
    spec(...partly).when(refund(500)).then([chargeRefunded(500, at)]);
    spec(...partly, chargeRefunded(500)).when(refund(null)).thenFails('already_refunded', { status: 400 });
    spec(...partly, chargeRefunded(500)).when(refund(1)).thenFails('already_refunded');
    expect(foldEvents(chargeDecider, [...partly, chargeRefunded(500)])).toMatchObject({ amountRefunded: 1000 });
  });

  it('keeps the last reason given when a later refund gives none', () => {
    expect(foldEvents(chargeDecider, [captured, chargeRefunded(300, at, 'damaged'), chargeRefunded(200, at, null)])).toMatchObject({ refundReason: 'damaged' });
    expect(foldEvents(chargeDecider, [captured, chargeRefunded(300, at, 'damaged'), chargeRefunded(200, at, 'late')])).toMatchObject({ refundReason: 'late' });
  });

  it('refuses more than remains', () => {
    spec(captured, chargeRefunded(300)).when(refund(701)).thenFails('refund_amount_gt_net', { status: 400, param: 'amount' });
  });

  it('counts the part released by a partial capture as already refunded', () => {
    const partlyCaptured = [authorized, chargeCaptured(400, 600)] as const;
    spec(...partlyCaptured).when(refund(401)).thenFails('refund_amount_gt_net');
    spec(...partlyCaptured).when(refund(null)).then([chargeRefunded(400, at)]);
  });

  it('refunds for 180 days from the capture, and no later', () => {
    const capturedLater = [authorized, chargeCaptured(1000, 0, daysAfter(T0, 2))] as const;
    spec(...capturedLater).when(refund(null, { at: daysAfter(T0, 182) })).then([chargeRefunded(1000, daysAfter(T0, 182))]);
    spec(...capturedLater).when(refund(null, { at: daysAfter(T0, 182) + 1 })).thenFails('refund_limit_exceeded', { status: 400 });
    spec(captured).when(refund(100, { at: daysAfter(T0, 181) })).thenFails('refund_limit_exceeded');
  });
});

describe('RefundCharge on an uncaptured charge', () => {
  it('cancels the authorization when refunded in full', () => {
    spec(authorized).when(refund(null)).then([chargeRefunded(1000, at)]);
    spec(authorized).when(refund(1000)).then([chargeRefunded(1000, at)]);
    expect(foldEvents(chargeDecider, [authorized, chargeRefunded(1000, at)])).toMatchObject({ status: 'cancelled', amountRefunded: 1000 });
  });

  it('refuses a partial refund', () => {
    spec(authorized).when(refund(500)).thenFails('invalid_amount_to_not_captured', { status: 400, param: 'amount' });
  });

  it('answers already_refunded once cancelled', () => {
    spec(authorized, chargeRefunded(1000)).when(refund(null)).thenFails('already_refunded');
  });

  it('cancels an expired authorization too', () => {
    const expired = chargeExpired(authorizationExpiry(T0, 7) + 1);
    spec(authorized, expired).when(refund(null, { at: daysAfter(T0, 8) })).then([chargeRefunded(1000, daysAfter(T0, 8))]);
  });
});

describe('RefundCharge refusals', () => {
  it('refuses a reason over 255 characters', () => {
    spec(captured).when(refund(null, { reason: 'r'.repeat(255) })).then([chargeRefunded(1000, at, 'r'.repeat(255))]);
    spec(captured).when(refund(null, { reason: 'r'.repeat(256) })).thenFails('invalid_refund_reason', { status: 400, param: 'refund_reason' });
  });

  it.each([0, -100, 10_000_000, 1.5])('refuses a refund amount of %s', (amount) => {
    spec(captured).when(refund(amount)).thenFails('invalid_refund_amount', { status: 400, param: 'amount' });
  });

  it('refuses a declined charge', () => {
    spec(chargeFailed()).when(refund(null)).thenFails('failed_payment', { status: 400 });
  });

  it("answers invalid_id for an unknown charge or another merchant's", () => {
    spec().when(refund(null)).thenFails('invalid_id', { status: 404, param: 'id' });
    spec(captured).when(refund(null, { merchant: otherMerchant })).thenFails('invalid_id', { status: 404 });
  });
});
