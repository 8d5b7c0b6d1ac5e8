import { describe, it } from 'vitest';
import {
  chargeAuthorized,
  chargeCaptured,
  chargeExpired,
  chargeFailed,
  chargeIdOf,
  chargeRefunded,
  chargeSucceeded,
  merchant,
  otherMerchant,
  specFor,
  T0,
} from '../testing/index.js';
import type { ExpireCharge } from './commands.js';
import { authorizationExpiry, chargeDecider } from './index.js';

const spec = specFor(chargeDecider);
const authorized = chargeAuthorized();
const expiresAt = authorizationExpiry(T0, 7);

const expire = (at: number, overrides: Partial<ExpireCharge> = {}): ExpireCharge => ({
  type: 'ExpireCharge',
  chargeId: chargeIdOf(1),
  merchant,
  at,
  ...overrides,
});

describe('ExpireCharge', () => {
  it('expires an authorization past its hold', () => {
    spec(authorized).when(expire(expiresAt + 1)).then([chargeExpired(expiresAt + 1)]);
  });

  it('does nothing before the hold ends, up to its last millisecond', () => {
    spec(authorized).when(expire(expiresAt)).thenNothingHappens();
  });

  it.each([
    ['captured at once', [chargeSucceeded()]],
    ['captured later', [authorized, chargeCaptured(1000, 0)]],
    ['already expired', [authorized, chargeExpired(expiresAt + 1)]],
    ['cancelled by a refund', [authorized, chargeRefunded(1000)]],
    ['declined', [chargeFailed('card_declined', { capture: false })]],
  ] as const)('does nothing to a charge %s', (_, given) => {
    spec(...given).when(expire(expiresAt + 10)).thenNothingHappens();
  });

  it("answers invalid_id for an unknown charge or another merchant's", () => {
    spec().when(expire(expiresAt + 1)).thenFails('invalid_id', { status: 404 });
    spec(authorized).when(expire(expiresAt + 1, { merchant: otherMerchant })).thenFails('invalid_id', { status: 404 });
  });
});
