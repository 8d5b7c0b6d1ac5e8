import { describe, it } from 'vitest';
import {
  cardAttached,
  cardIdOf,
  customerCreated,
  customerIdOf,
  defaultCardChanged,
  HOUR_MS,
  merchant,
  newCard,
  specFor,
  T0,
} from '../testing/index.js';
import type { UpdateCustomer } from './commands.js';
import type { CustomerUpdated } from './events.js';
import { customerDecider } from './index.js';

const spec = specFor(customerDecider);
const at = T0 + HOUR_MS;
const created = customerCreated({ email: 'taro@example.jp', description: 'regular', metadata: { plan: 'gold', region: 'kanto' } });
const withTwoCards = [created, cardAttached(newCard(1)), defaultCardChanged(cardIdOf(1)), cardAttached(newCard(2))] as const;

const updateCustomer = (overrides: Partial<UpdateCustomer> = {}): UpdateCustomer => ({
  type: 'UpdateCustomer',
  customerId: customerIdOf(1),
  merchant,
  at,
  ...overrides,
});

const customerUpdated = (data: Partial<CustomerUpdated['data']>): CustomerUpdated => ({
  type: 'CustomerUpdated',
  data: { customerId: customerIdOf(1), merchant, at, ...data },
});

describe('UpdateCustomer', () => {
  it('records only the fields sent; null clears one', () => {
    spec(created)
      .when(updateCustomer({ email: 'hanako@example.jp', description: null }))
      .then([customerUpdated({ email: 'hanako@example.jp', description: null })]);
  });

  it('merges metadata, removing a key sent empty', () => {
    spec(created)
      .when(updateCustomer({ metadata: { region: '', tier: '2' } }))
      .then([customerUpdated({ metadata: { plan: 'gold', tier: '2' } })]);
  });

  it('does nothing when nothing is sent', () => {
    spec(created).when(updateCustomer()).thenNothingHappens();
  });

  it('does nothing when asked to make the current default card the default', () => {
    spec(...withTwoCards).when(updateCustomer({ defaultCard: cardIdOf(1) })).thenNothingHappens();
  });

  it('adds a card from a token, the default when the customer had none: an update of the customer, which says so', () => {
    spec(created)
      .when(updateCustomer({ addCard: newCard(1, { expYear: 2032 }) }))
      .then([customerUpdated({}), cardAttached(newCard(1, { expYear: 2032 }), at), defaultCardChanged(cardIdOf(1), at)]);
  });

  it('adds a card without changing an existing default', () => {
    spec(...withTwoCards)
      .when(updateCustomer({ addCard: newCard(3) }))
      .then([customerUpdated({}), cardAttached(newCard(3), at)]);
  });

  it('switches the default card to another card the customer has', () => {
    spec(...withTwoCards)
      .when(updateCustomer({ defaultCard: cardIdOf(2) }))
      .then([defaultCardChanged(cardIdOf(2), at)]);
  });

  it('adds a card and makes it the default in one update, along with other fields', () => {
    spec(...withTwoCards)
      .when(updateCustomer({ email: null, addCard: newCard(3), defaultCard: cardIdOf(3) }))
      .then([customerUpdated({ email: null }), cardAttached(newCard(3), at), defaultCardChanged(cardIdOf(3), at)]);
  });

  it('refuses a default card the customer does not have', () => {
    spec(...withTwoCards)
      .when(updateCustomer({ defaultCard: cardIdOf(9) }))
      .thenFails('dont_has_this_card', { status: 400, param: 'default_card' });
  });

  it('refuses a card with the same number and expiry as one the customer has', () => {
    spec(...withTwoCards)
      .when(updateCustomer({ addCard: newCard(3, { fingerprint: newCard(2).fingerprint }) }))
      .thenFails('already_have_the_same_card', { status: 400, param: 'card' });
  });

  it.each([
    ['an invalid email', { email: 'nobody' }, 'invalid_email', 'email'],
    ['a description over 255 characters', { description: 'd'.repeat(256) }, 'invalid_string_length', 'description'],
    ['a metadata value over 500 characters', { metadata: { note: 'n'.repeat(501) } }, 'invalid_metadata_value', 'metadata[note]'],
    ['a metadata key over 40 characters', { metadata: { ['k'.repeat(41)]: 'v' } }, 'invalid_metadata_key', `metadata[${'k'.repeat(40)}]`],
  ] as const)('refuses %s', (_, fields, code, param) => {
    spec(created).when(updateCustomer(fields)).thenFails(code, { status: 400, param });
  });

  it('refuses a merge that leaves more than 20 metadata keys', () => {
    const metadata = Object.fromEntries(Array.from({ length: 19 }, (_, i) => [`k${i}`, 'v']));
    spec(created).when(updateCustomer({ metadata })).thenFails('too_many_metadata_keys', { param: 'metadata' });
  });
});
