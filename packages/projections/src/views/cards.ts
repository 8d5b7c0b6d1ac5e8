import type { DomainEventType } from '@kessai/domain';
import { patchCard, renderCard, type PayjpCard } from '../render/card.js';
import type { PayjpCustomer } from '../render/resources.js';
import type { View } from '../view.js';
import { collections } from './collections.js';

/** Customers' cards (GET /v1/customers/{cus}/cards[/{car}]). Runs before the customers view, which embeds them. */
export const cardsView: View = {
  name: 'cards',
  collections: [collections.cards],
  handles: new Set<DomainEventType>(['CardCreated', 'CardUpdated', 'CardDeleted', 'CustomerDeleted']),
  apply: ({ event, position }, docs) => {
    switch (event.type) {
      case 'CardCreated': {
        const { data } = event;
        const card = renderCard({
          card: data.card,
          holder: data.holder,
          cvc: data.cvc,
          customer: data.customer,
          metadata: data.metadata,
          createdAt: data.at,
          livemode: false,
        });
        docs.put(collections.cards, data.merchant, data.cardId, card, {
          merchant: data.merchant,
          created: card.created,
          seq: position,
          keys: { customer: data.customer },
        });
        return;
      }
      case 'CardUpdated': {
        const { merchant, cardId } = event.data;
        const card = docs.get<PayjpCard>(collections.cards, merchant, cardId);
        if (card !== null) docs.put(collections.cards, merchant, cardId, patchCard(card, event.data.holder, event.data.metadata), null);
        return;
      }
      case 'CardDeleted':
        docs.delete(collections.cards, event.data.merchant, event.data.cardId);
        return;
      case 'CustomerDeleted': {
        // A deleted customer's cards go with it.
        const customer = docs.get<PayjpCustomer>(collections.customers, event.data.merchant, event.data.customerId);
        for (const card of customer?.cards.data ?? []) docs.delete(collections.cards, event.data.merchant, card.id);
        return;
      }
      default:
        return;
    }
  },
};
