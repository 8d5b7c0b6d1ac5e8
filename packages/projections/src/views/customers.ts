import { toUnixSeconds, type DomainEventType } from '@kessai/domain';
import type { PayjpCard } from '../render/card.js';
import { payjpList } from '../render/list.js';
import type { PayjpCustomer } from '../render/resources.js';
import type { View } from '../view.js';
import { collections } from './collections.js';

const withCards = (customer: PayjpCustomer, cards: readonly PayjpCard[]): PayjpCustomer => ({
  ...customer,
  cards: payjpList(cards, false, customer.cards.url),
});

/** Newest first, as PAY.JP lists; ties keep attachment order reversed. */
const byNewest = (cards: readonly PayjpCard[]) => [...cards].sort((a, b) => b.created - a.created);

/**
 * Customers with their embedded cards list. The embedded card is the cards view's document for the same card,
 * read after that view applied the event: one rendering of a card, wherever it shows.
 */
export const customersView: View = {
  name: 'customers',
  collections: [collections.customers],
  handles: new Set<DomainEventType>([
    'CustomerCreated',
    'CustomerUpdated',
    'CardAttached',
    'DefaultCardChanged',
    'CardDetached',
    'CustomerDeleted',
    'CardUpdated',
  ]),
  apply: ({ event, position }, docs) => {
    const { merchant } = event.data;
    const id = 'customerId' in event.data ? event.data.customerId : '';
    switch (event.type) {
      case 'CustomerCreated': {
        const { data } = event;
        const customer: PayjpCustomer = {
          cards: payjpList([], false, `/v1/customers/${data.customerId}/cards`),
          created: toUnixSeconds(data.at),
          default_card: null,
          description: data.description,
          email: data.email,
          id: data.customerId,
          livemode: false,
          metadata: data.metadata,
          object: 'customer',
          subscriptions: payjpList([], false, `/v1/customers/${data.customerId}/subscriptions`),
        };
        docs.put(collections.customers, merchant, id, customer, { merchant: data.merchant, created: customer.created, seq: position, keys: {} });
        return;
      }
      case 'CustomerDeleted':
        docs.delete(collections.customers, merchant, id);
        return;
      default:
        break;
    }
    if (event.type === 'CardUpdated') {
      const owner = event.data.customer;
      const customer = docs.get<PayjpCustomer>(collections.customers, merchant, owner);
      const card = docs.get<PayjpCard>(collections.cards, event.data.merchant, event.data.cardId);
      if (customer === null || card === null) return;
      docs.put(collections.customers, merchant, owner, withCards(customer, customer.cards.data.map((c) => (c.id === card.id ? card : c))), null);
      return;
    }
    const customer = docs.get<PayjpCustomer>(collections.customers, merchant, id);
    if (customer === null) return;
    switch (event.type) {
      case 'CustomerUpdated': {
        const { data } = event;
        docs.put(
          collections.customers,
          merchant,
          id,
          {
            ...customer,
            ...(data.email === undefined ? {} : { email: data.email }),
            ...(data.description === undefined ? {} : { description: data.description }),
            ...(data.metadata === undefined ? {} : { metadata: data.metadata }),
          },
          null,
        );
        return;
      }
      case 'CardAttached': {
        const card = docs.get<PayjpCard>(collections.cards, event.data.merchant, event.data.card);
        if (card === null) return;
        docs.put(collections.customers, merchant, id, withCards(customer, byNewest([card, ...customer.cards.data.filter((c) => c.id !== card.id)])), null);
        return;
      }
      case 'DefaultCardChanged':
        docs.put(collections.customers, merchant, id, { ...customer, default_card: event.data.card }, null);
        return;
      case 'CardDetached':
        docs.put(collections.customers, merchant, id, withCards(customer, customer.cards.data.filter((c) => c.id !== event.data.card)), null);
        return;
      default:
        return;
    }
  },
};
