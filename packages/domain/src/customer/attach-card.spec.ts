import { describe, it } from 'vitest';
import { cardAttached, cardIdOf, customerCreated, customerIdOf, defaultCardChanged, HOUR_MS, merchant, newCard, specFor, T0 } from '../testing/index.js';
import type { AttachCard, NewCard } from './commands.js';
import type { CardDetached } from './events.js';
import { customerDecider } from './index.js';

const spec = specFor(customerDecider);
const at = T0 + HOUR_MS;
const withOneCard = [customerCreated(), cardAttached(newCard(1)), defaultCardChanged(cardIdOf(1))] as const;

const attachCard = (card: NewCard, makeDefault = false): AttachCard => ({
  type: 'AttachCard',
  customerId: customerIdOf(1),
  merchant,
  at,
  card,
  makeDefault,
});

describe('AttachCard', () => {
  it("makes the customer's first card the default, even when not asked", () => {
    spec(customerCreated())
      .when(attachCard(newCard(1)))
      .then([cardAttached(newCard(1), at), defaultCardChanged(cardIdOf(1), at)]);
  });

  it('leaves the default alone for a later card', () => {
    spec(...withOneCard).when(attachCard(newCard(2))).then([cardAttached(newCard(2), at)]);
  });

  it('makes a later card the default when asked', () => {
    spec(...withOneCard)
      .when(attachCard(newCard(2), true))
      .then([cardAttached(newCard(2), at), defaultCardChanged(cardIdOf(2), at)]);
  });

  it('refuses a second card with the same number and expiry', () => {
    spec(...withOneCard)
      .when(attachCard(newCard(2, { fingerprint: newCard(1).fingerprint })))
      .thenFails('already_have_the_same_card', { status: 400, param: 'card' });
  });

  it('accepts the same number with another expiry', () => {
    const renewed = newCard(2, { fingerprint: newCard(1).fingerprint, expYear: 2035 });
    spec(...withOneCard).when(attachCard(renewed)).then([cardAttached(renewed, at)]);
  });

  it('accepts the same card again once the first one was detached', () => {
    const detached: CardDetached = { type: 'CardDetached', data: { customerId: customerIdOf(1), merchant, at: T0, card: cardIdOf(1) } };
    const again = newCard(2, { fingerprint: newCard(1).fingerprint });
    spec(...withOneCard, detached, defaultCardChanged(null))
      .when(attachCard(again))
      .then([cardAttached(again, at), defaultCardChanged(cardIdOf(2), at)]);
  });
});
