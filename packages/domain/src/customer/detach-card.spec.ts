import { describe, expect, it } from 'vitest';
import { foldEvents } from '../shared/decider.js';
import type { CardId } from '../shared/ids.js';
import { cardAttached, cardIdOf, customerCreated, customerIdOf, defaultCardChanged, HOUR_MS, merchant, newCard, specFor, T0 } from '../testing/index.js';
import type { DetachCard } from './commands.js';
import type { CardDetached } from './events.js';
import { customerDecider } from './index.js';

const spec = specFor(customerDecider);
const at = T0 + HOUR_MS;

/** Cards 1, 2, 3 attached in that order, card 1 the default. */
const withThreeCards = [
  customerCreated(),
  cardAttached(newCard(1)),
  defaultCardChanged(cardIdOf(1)),
  cardAttached(newCard(2)),
  cardAttached(newCard(3)),
] as const;

const detachCard = (card: CardId): DetachCard => ({ type: 'DetachCard', customerId: customerIdOf(1), merchant, at, card });
const cardDetached = (card: CardId): CardDetached => ({ type: 'CardDetached', data: { customerId: customerIdOf(1), merchant, at, card } });

describe('DetachCard', () => {
  it('detaches a card that is not the default', () => {
    spec(...withThreeCards).when(detachCard(cardIdOf(2))).then([cardDetached(cardIdOf(2))]);
  });

  it('moves the default to the most recently attached remaining card', () => {
    spec(...withThreeCards)
      .when(detachCard(cardIdOf(1)))
      .then([cardDetached(cardIdOf(1)), defaultCardChanged(cardIdOf(3), at)]);
    spec(...withThreeCards, defaultCardChanged(cardIdOf(3)))
      .when(detachCard(cardIdOf(3)))
      .then([cardDetached(cardIdOf(3)), defaultCardChanged(cardIdOf(2), at)]);
  });

  it('leaves no default when the last card goes', () => {
    const withOneCard = [customerCreated(), cardAttached(newCard(1)), defaultCardChanged(cardIdOf(1))] as const;
    const events = spec(...withOneCard).when(detachCard(cardIdOf(1))).events();
    expect(events).toEqual([cardDetached(cardIdOf(1)), defaultCardChanged(null, at)]);
    expect(foldEvents(customerDecider, [...withOneCard, ...events])).toMatchObject({ cards: [], defaultCard: null });
  });

  it('answers invalid_id for a card the customer does not have', () => {
    spec(...withThreeCards).when(detachCard(cardIdOf(9))).thenFails('invalid_id', { status: 404 });
    spec(...withThreeCards, cardDetached(cardIdOf(2))).when(detachCard(cardIdOf(2))).thenFails('invalid_id', { status: 404 });
  });
});
