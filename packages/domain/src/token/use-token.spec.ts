import { describe, it } from 'vitest';
import { cardIdOf, chargeIdOf, customerIdOf, HOUR_MS, merchant, otherMerchant, specFor, T0, tokenCreated, tokenIdOf, tokenUsed } from '../testing/index.js';
import type { UseToken } from './commands.js';
import type { TokenUse } from './events.js';
import { tokenDecider } from './index.js';

const spec = specFor(tokenDecider);

const forCharge: TokenUse = { kind: 'charge', charge: chargeIdOf(1) };
const forCard: TokenUse = { kind: 'card', card: cardIdOf(1), customer: customerIdOf(1) };

const useToken = (overrides: Partial<UseToken> = {}): UseToken => ({
  type: 'UseToken',
  tokenId: tokenIdOf(1),
  merchant,
  at: T0 + HOUR_MS,
  usedFor: forCharge,
  ...overrides,
});

describe('UseToken', () => {
  it.each([
    ['a charge', forCharge],
    ['a customer card', forCard],
  ])('spends an active token on %s', (_, usedFor) => {
    spec(tokenCreated()).when(useToken({ usedFor })).then([tokenUsed(usedFor)]);
  });

  it('refuses a token that was already used', () => {
    spec(tokenCreated(), tokenUsed(forCard))
      .when(useToken())
      .thenFails('token_already_used', { status: 400, type: 'invalid_request_error', param: 'card' });
  });

  it('answers an unknown token with invalid_id', () => {
    spec().when(useToken()).thenFails('invalid_id', { status: 404, param: 'card' });
  });

  it("treats another merchant's token as unknown, used or not", () => {
    spec(tokenCreated()).when(useToken({ merchant: otherMerchant })).thenFails('invalid_id', { status: 404, param: 'card' });
    spec(tokenCreated(), tokenUsed(forCard)).when(useToken({ merchant: otherMerchant })).thenFails('invalid_id', { status: 404, param: 'card' });
  });
});
