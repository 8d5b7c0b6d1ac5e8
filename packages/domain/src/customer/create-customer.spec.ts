import { describe, it } from 'vitest';
import { unsafeId } from '../shared/ids.js';
import { cardAttached, cardIdOf, customerCreated, customerIdOf, defaultCardChanged, merchant, newCard, specFor, T0 } from '../testing/index.js';
import type { CreateCustomer } from './commands.js';
import { customerDecider } from './index.js';

const spec = specFor(customerDecider);

const createCustomer = (overrides: Partial<CreateCustomer> = {}): CreateCustomer => ({
  type: 'CreateCustomer',
  customerId: customerIdOf(1),
  idChosenByMerchant: false,
  merchant,
  at: T0,
  email: null,
  description: null,
  metadata: {},
  card: null,
  ...overrides,
});

describe('CreateCustomer', () => {
  it('creates a customer with no card', () => {
    const details = { email: 'taro@example.jp', description: 'd'.repeat(255), metadata: { member: 'yes' } };
    spec().when(createCustomer(details)).then([customerCreated(details)]);
  });

  it('attaches the card it is given and makes it the default', () => {
    spec()
      .when(createCustomer({ card: newCard(1) }))
      .then([customerCreated(), cardAttached(newCard(1)), defaultCardChanged(cardIdOf(1))]);
  });

  it('accepts an id the merchant chose', () => {
    const customerId = unsafeId.customer('member-0042_tokyo');
    spec()
      .when(createCustomer({ customerId, idChosenByMerchant: true }))
      .then([customerCreated({ customerId })]);
  });

  it('refuses an id the merchant chose that is already taken with already_exist_id', () => {
    const customerId = unsafeId.customer('member-0042_tokyo');
    spec(customerCreated({ customerId }))
      .when(createCustomer({ customerId, idChosenByMerchant: true }))
      .thenFails('already_exist_id', { status: 400, param: 'id' });
  });

  it("treats a taken generated id as the library's fault, not the merchant's", () => {
    spec(customerCreated()).when(createCustomer()).thenFails('payjp_wrong', { status: 500 });
  });

  it('refuses an invalid email', () => {
    spec().when(createCustomer({ email: 'taro at example.jp' })).thenFails('invalid_email', { status: 400, param: 'email' });
  });

  it('refuses a description over 255 characters', () => {
    spec().when(createCustomer({ description: 'd'.repeat(256) })).thenFails('invalid_string_length', { status: 400, param: 'description' });
  });

  it.each([
    ['more than 20 keys', Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])), 'too_many_metadata_keys', 'metadata'],
    ['a value over 500 characters', { note: 'x'.repeat(501) }, 'invalid_metadata_value', 'metadata[note]'],
    ['an empty key', { '': 'v' }, 'invalid_metadata_key', 'metadata[]'],
  ] as const)('refuses metadata with %s', (_, metadata, code, param) => {
    spec().when(createCustomer({ metadata })).thenFails(code, { status: 400, param });
  });
});
