import { match } from 'ts-pattern';
import { applyHolderPatch } from '../shared/card.js';
import type { CardEvent } from './events.js';
import type { CardState } from './state.js';

export const evolveCard = (state: CardState, event: CardEvent): CardState =>
  match(event)
    .with({ type: 'CardCreated' }, ({ data }): CardState => ({
      status: 'active',
      cardId: data.cardId,
      merchant: data.merchant,
      customer: data.customer,
      createdAt: data.at,
      card: data.card,
      holder: data.holder,
      cvc: data.cvc,
      cvcSource: data.cvcSource,
      metadata: data.metadata,
    }))
    .with({ type: 'CardUpdated' }, ({ data }): CardState =>
      state.status === 'active'
        ? { ...state, holder: applyHolderPatch(state.holder, data.holder), metadata: data.metadata ?? state.metadata }
        : state,
    )
    .with({ type: 'CardDeleted' }, ({ data }): CardState =>
      state.status === 'active' ? { ...state, status: 'deleted', deletedAt: data.at } : state,
    )
    .exhaustive();
