import { match } from 'ts-pattern';
import type { CustomerEvent } from './events.js';
import type { CustomerState } from './state.js';

export const evolveCustomer = (state: CustomerState, event: CustomerEvent): CustomerState =>
  match(event)
    .with({ type: 'CustomerCreated' }, ({ data }): CustomerState => ({
      status: 'active',
      customerId: data.customerId,
      merchant: data.merchant,
      createdAt: data.at,
      email: data.email,
      description: data.description,
      metadata: data.metadata,
      cards: [],
      defaultCard: null,
    }))
    .with({ type: 'CustomerUpdated' }, ({ data }): CustomerState =>
      state.status === 'active'
        ? {
            ...state,
            ...(data.email === undefined ? {} : { email: data.email }),
            ...(data.description === undefined ? {} : { description: data.description }),
            ...(data.metadata === undefined ? {} : { metadata: data.metadata }),
          }
        : state,
    )
    .with({ type: 'CardAttached' }, ({ data }): CustomerState =>
      state.status === 'active'
        ? {
            ...state,
            cards: [...state.cards, { card: data.card, fingerprint: data.fingerprint, expMonth: data.expMonth, expYear: data.expYear, attachedAt: data.at }],
          }
        : state,
    )
    .with({ type: 'DefaultCardChanged' }, ({ data }): CustomerState =>
      state.status === 'active' ? { ...state, defaultCard: data.card } : state,
    )
    .with({ type: 'CardDetached' }, ({ data }): CustomerState =>
      state.status === 'active' ? { ...state, cards: state.cards.filter((c) => c.card !== data.card) } : state,
    )
    .with({ type: 'CustomerDeleted' }, ({ data }): CustomerState =>
      state.status === 'active' ? { ...state, status: 'deleted', deletedAt: data.at } : state,
    )
    .exhaustive();
