import { describe, it } from 'vitest';
import type { TokenCreated } from '../token/events.js';
import {
  cardCreatedFrom,
  cardFacts,
  cardIdOf,
  customerIdOf,
  cvcDecision,
  HOUR_MS,
  merchant,
  specFor,
  T0,
  tokenCreated,
  tokenIdOf,
  tokenState,
  tokenUsed,
} from '../testing/index.js';
import type { CreateCard } from './commands.js';
import { cardDecider } from './index.js';

const spec = specFor(cardDecider);

const createCard = (token: TokenCreated, overrides: Partial<CreateCard> = {}): CreateCard => ({
  type: 'CreateCard',
  cardId: token.data.card.id,
  merchant,
  customer: customerIdOf(1),
  at: T0 + HOUR_MS,
  token: tokenState(token),
  metadata: {},
  ...overrides,
});

describe('CreateCard', () => {
  it("copies the token's card facts, holder and cvc decision, and names the token as the source", () => {
    const token = tokenCreated({ tokenId: tokenIdOf(7), card: cardFacts({ id: cardIdOf(7) }), cvc: cvcDecision({ check: 'unavailable' }) });
    spec()
      .when(createCard(token, { metadata: { plan: 'gold' } }))
      .then([cardCreatedFrom(token, { metadata: { plan: 'gold' } })]);
  });

  it('copies the incident signature as it is: supplied, yet unchecked', () => {
    const token = tokenCreated({ cvc: cvcDecision({ check: 'unchecked', supplied: true }) });
    spec().when(createCard(token)).then([cardCreatedFrom(token)]);
  });

  it('copies what a v1 token knew: supplied and verifier unknown', () => {
    const token = tokenCreated({ cvc: { check: 'passed', supplied: null, verifier: null } });
    spec().when(createCard(token)).then([cardCreatedFrom(token)]);
  });

  it('copies from a token already spent on this card', () => {
    const token = tokenCreated();
    const spent = tokenState(token, tokenUsed({ kind: 'card', card: cardIdOf(1), customer: customerIdOf(1) }));
    spec().when(createCard(token, { token: spent })).then([cardCreatedFrom(token)]);
  });

  it('refuses metadata over the limits', () => {
    const metadata = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`key${i}`, 'v']));
    spec().when(createCard(tokenCreated(), { metadata })).thenFails('too_many_metadata_keys', { status: 400, param: 'metadata' });
  });

  it('refuses a card id that is already taken', () => {
    const token = tokenCreated();
    spec(cardCreatedFrom(token)).when(createCard(token)).thenFails('payjp_wrong', { status: 500 });
  });
});
