import { describe, it } from 'vitest';
import { cardCreatedFrom, cardIdOf, customerIdOf, HOUR_MS, merchant, otherMerchant, specFor, T0, tokenCreated } from '../testing/index.js';
import type { DeleteCard } from './commands.js';
import type { CardDeleted } from './events.js';
import { cardDecider } from './index.js';

const spec = specFor(cardDecider);
const created = cardCreatedFrom(tokenCreated());
const at = T0 + 2 * HOUR_MS;

const deleteCard = (overrides: Partial<DeleteCard> = {}): DeleteCard => ({
  type: 'DeleteCard',
  cardId: cardIdOf(1),
  merchant,
  customer: customerIdOf(1),
  at,
  ...overrides,
});

const cardDeleted: CardDeleted = { type: 'CardDeleted', data: { cardId: cardIdOf(1), merchant, customer: customerIdOf(1), at } };

describe('DeleteCard', () => {
  it("deletes the customer's card", () => {
    spec(created).when(deleteCard()).then([cardDeleted]);
  });

  it.each([
    ['an unknown card', [], deleteCard()],
    ["another merchant's card", [created], deleteCard({ merchant: otherMerchant })],
    ["another customer's card", [created], deleteCard({ customer: customerIdOf(2) })],
    ['a card already deleted', [created, cardDeleted], deleteCard({ at: at + HOUR_MS })],
  ] as const)('answers invalid_id for %s', (_, given, command) => {
    spec(...given).when(command).thenFails('invalid_id', { status: 404, param: 'id' });
  });
});
