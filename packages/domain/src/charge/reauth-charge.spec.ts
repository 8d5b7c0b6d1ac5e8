import { describe, expect, it } from 'vitest';
import { foldEvents } from '../shared/decider.js';
import {
  approved,
  chargeAuthorized,
  chargeCaptured,
  chargeExpired,
  chargeFailed,
  chargeIdOf,
  chargeReauthorized,
  chargeRefunded,
  chargeSucceeded,
  daysAfter,
  declined,
  merchant,
  otherMerchant,
  specFor,
  T0,
} from '../testing/index.js';
import type { ReauthCharge } from './commands.js';
import { authorizationExpiry, chargeDecider } from './index.js';

const spec = specFor(chargeDecider);
const authorized = chargeAuthorized();
const at = daysAfter(T0, 5);

const reauth = (overrides: Partial<ReauthCharge> = {}): ReauthCharge => ({
  type: 'ReauthCharge',
  chargeId: chargeIdOf(1),
  merchant,
  at,
  expiryDays: null,
  authorization: approved,
  ...overrides,
});

describe('ReauthCharge', () => {
  it('renews the hold for 7 days from now by default, or for expiry_days', () => {
    spec(authorized).when(reauth()).then([chargeReauthorized(authorizationExpiry(at, 7), at)]);
    spec(authorized).when(reauth({ expiryDays: 60 })).then([chargeReauthorized(authorizationExpiry(at, 60), at)]);
  });

  it('renews an authorization that already expired, which is then held again', () => {
    const later = daysAfter(T0, 12);
    const given = [authorized, chargeExpired(authorizationExpiry(T0, 7) + 1)] as const;
    spec(...given).when(reauth({ at: later })).then([chargeReauthorized(authorizationExpiry(later, 7), later)]);
    expect(foldEvents(chargeDecider, [...given, chargeReauthorized(authorizationExpiry(later, 7), later)])).toMatchObject({
      status: 'authorized',
      expiresAt: authorizationExpiry(later, 7),
    });
  });

  it('refuses a refunded charge', () => {
    spec(authorized, chargeRefunded(1000)).when(reauth()).thenFails('cant_reauth_refunded_charge', { status: 400 });
  });

  it('refuses a captured charge', () => {
    spec(chargeSucceeded()).when(reauth()).thenFails('already_captured', { status: 400 });
    spec(authorized, chargeCaptured(600, 400)).when(reauth()).thenFails('already_captured');
  });

  it.each([0, 61])('refuses expiry_days of %i', (expiryDays) => {
    spec(authorized).when(reauth({ expiryDays })).thenFails('invalid_expiry_days', { status: 400, param: 'expiry_days' });
  });

  it('answers a declined authorization with a 402 card error naming the charge, and records nothing', () => {
    spec(authorized)
      .when(reauth({ authorization: declined('card_declined') }))
      .thenFails('card_declined', { status: 402, type: 'card_error', param: 'card', charge: chargeIdOf(1) });
  });

  it('refuses a declined charge', () => {
    spec(chargeFailed('card_declined', { capture: false })).when(reauth()).thenFails('failed_payment', { status: 400 });
  });

  it("answers invalid_id for an unknown charge or another merchant's", () => {
    spec().when(reauth()).thenFails('invalid_id', { status: 404, param: 'id' });
    spec(authorized).when(reauth({ merchant: otherMerchant })).thenFails('invalid_id', { status: 404 });
  });
});
