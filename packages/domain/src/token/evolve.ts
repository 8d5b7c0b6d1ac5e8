import { match } from 'ts-pattern';
import type { TokenEvent } from './events.js';
import type { TokenState } from './state.js';

/** Total: an event that does not fit the state leaves it as it is (the store, not evolve, guards history). */
export const evolveToken = (state: TokenState, event: TokenEvent): TokenState =>
  match(event)
    .with({ type: 'TokenCreated' }, ({ data }): TokenState => ({
      status: 'active',
      tokenId: data.tokenId,
      merchant: data.merchant,
      createdAt: data.at,
      card: data.card,
      holder: data.holder,
      cvc: data.cvc,
      livemode: data.livemode,
    }))
    .with({ type: 'TokenUsed' }, ({ data }): TokenState =>
      state.status === 'active' ? { ...state, status: 'used', usedFor: data.usedFor, usedAt: data.at } : state,
    )
    .exhaustive();
