import { describe, it } from 'vitest';
import { chargeFailed, chargeIdOf, chargeSucceeded, HOUR_MS, merchant, otherMerchant, specFor, T0 } from '../testing/index.js';
import type { UpdateCharge } from './commands.js';
import type { ChargeUpdated } from './events.js';
import { chargeDecider } from './index.js';

const spec = specFor(chargeDecider);
const charge = chargeSucceeded({ description: 'order 42', metadata: { order: '42', channel: 'web' } });
const at = T0 + HOUR_MS;

const updateCharge = (overrides: Partial<UpdateCharge> = {}): UpdateCharge => ({
  type: 'UpdateCharge',
  chargeId: chargeIdOf(1),
  merchant,
  at,
  ...overrides,
});

const chargeUpdated = (data: Partial<ChargeUpdated['data']>): ChargeUpdated => ({
  type: 'ChargeUpdated',
  data: { chargeId: chargeIdOf(1), merchant, at, ...data },
});

describe('UpdateCharge', () => {
  it('changes the description, or clears it with null', () => {
    spec(charge).when(updateCharge({ description: 'order 43' })).then([chargeUpdated({ description: 'order 43' })]);
    spec(charge).when(updateCharge({ description: null })).then([chargeUpdated({ description: null })]);
  });

  it('merges metadata, removing a key sent empty', () => {
    spec(charge)
      .when(updateCharge({ metadata: { channel: '', coupon: 'SPRING' } }))
      .then([chargeUpdated({ metadata: { order: '42', coupon: 'SPRING' } })]);
  });

  it('updates a declined charge as well', () => {
    spec(chargeFailed()).when(updateCharge({ description: 'retry later' })).then([chargeUpdated({ description: 'retry later' })]);
  });

  it('does nothing when nothing is sent', () => {
    spec(charge).when(updateCharge()).thenNothingHappens();
  });

  it('refuses a description over 255 characters and metadata over the limits', () => {
    spec(charge).when(updateCharge({ description: 'd'.repeat(256) })).thenFails('invalid_string_length', { status: 400, param: 'description' });
    const tooMany = Object.fromEntries(Array.from({ length: 19 }, (_, i) => [`k${i}`, 'v']));
    spec(charge).when(updateCharge({ metadata: tooMany })).thenFails('too_many_metadata_keys', { param: 'metadata' });
  });

  it("answers invalid_id for an unknown charge or another merchant's", () => {
    spec().when(updateCharge({ description: 'x' })).thenFails('invalid_id', { status: 404, param: 'id' });
    spec(charge).when(updateCharge({ merchant: otherMerchant, description: 'x' })).thenFails('invalid_id', { status: 404 });
  });
});
