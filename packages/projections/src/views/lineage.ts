import { toUnixSeconds, type CvcDecision, type DomainEventType } from '@kessai/domain';
import type { PayjpCustomer } from '../render/resources.js';
import { docKey, type View } from '../view.js';
import { apiEventOf } from './api-events.js';
import { collections } from './collections.js';

/** How a card came to a customer: the API call whose response first showed it (incident paths 2 and 3, and 5). */
export type CardOrigin = 'customer.create' | 'customer.update' | 'customer.cards.create';

export interface LineageCard {
  readonly id: string;
  readonly customer: string;
  readonly at: number;
  readonly origin: CardOrigin | null;
}

export interface LineageCharge {
  readonly id: string;
  readonly customer: string | null;
  readonly at: number;
  /** card=tok_… (path 8) or customer=cus_… (path 9). */
  readonly via: 'token' | 'customer';
}

export interface LineageApiEvent {
  readonly id: string;
  readonly type: string;
  readonly at: number;
}

/** Everything that carries one token's cvc decision: the walk an incident impact report makes. */
export interface Lineage {
  readonly token: string;
  readonly merchant: string;
  readonly createdAt: number;
  readonly cvc: CvcDecision;
  readonly cards: readonly LineageCard[];
  readonly charges: readonly LineageCharge[];
  readonly apiEvents: readonly LineageApiEvent[];
}

const refKey = (merchant: string, kind: 'card' | 'charge', id: string) => docKey(merchant, `${kind}/${id}`);

/**
 * Lineage (token -> cards, customers, charges, API events). It follows the provenance the events carry
 * (`cvcSource.token`), never a lookup of the current value.
 */
export const lineageView: View = {
  name: 'lineage',
  collections: [collections.lineage, collections.lineageRefs],
  handles: new Set<DomainEventType>([
    'TokenCreated',
    'CardCreated',
    'CardAttached',
    'ChargeSucceeded',
    'ChargeFailed',
    // Every event that makes or refreshes an API event, so the lineage lists the API events too.
    'CustomerCreated',
    'CustomerUpdated',
    'DefaultCardChanged',
    'CardDetached',
    'CustomerDeleted',
    'CardUpdated',
    'CardDeleted',
    'ChargeCaptured',
    'ChargeRefunded',
    'ChargeReauthorized',
    'ChargeUpdated',
    'ChargeExpired',
  ]),
  apply: ({ event, correlationId, occurredAt, position }, docs) => {
    const { merchant } = event.data;
    const tokenOf = (kind: 'card' | 'charge', id: string) => docs.get<{ token: string }>(collections.lineageRefs, refKey(merchant, kind, id))?.token ?? null;
    const update = (token: string, change: (lineage: Lineage) => Lineage) => {
      const key = docKey(merchant, token);
      const lineage = docs.get<Lineage>(collections.lineage, key);
      if (lineage !== null) docs.put(collections.lineage, key, change(lineage), null);
    };

    switch (event.type) {
      case 'TokenCreated': {
        const { data } = event;
        const lineage: Lineage = { token: data.tokenId, merchant, createdAt: data.at, cvc: data.cvc, cards: [], charges: [], apiEvents: [] };
        docs.put(collections.lineage, docKey(merchant, data.tokenId), lineage, { merchant, created: toUnixSeconds(data.at), seq: position, keys: {} });
        break;
      }
      case 'CardCreated': {
        const { data } = event;
        docs.put(collections.lineageRefs, refKey(merchant, 'card', data.cardId), { token: data.cvcSource.token }, null);
        update(data.cvcSource.token, (l) => ({ ...l, cards: [...l.cards, { id: data.cardId, customer: data.customer, at: data.at, origin: null }] }));
        break;
      }
      case 'CardAttached': {
        const { data } = event;
        const token = tokenOf('card', data.card);
        const customerEvent = apiEventOf(docs, merchant, correlationId, event);
        const origin: CardOrigin =
          customerEvent?.type === 'customer.created' ? 'customer.create' : customerEvent?.type === 'customer.updated' ? 'customer.update' : 'customer.cards.create';
        if (token !== null)
          update(token, (l) => ({ ...l, cards: l.cards.map((c) => (c.id === data.card && c.origin === null ? { ...c, origin } : c)) }));
        break;
      }
      case 'ChargeSucceeded':
      case 'ChargeFailed': {
        const { data } = event;
        docs.put(collections.lineageRefs, refKey(merchant, 'charge', data.chargeId), { token: data.card.cvcSource.token }, null);
        update(data.card.cvcSource.token, (l) => ({
          ...l,
          charges: [...l.charges, { id: data.chargeId, customer: data.customer, at: data.at, via: data.customer === null ? 'token' : 'customer' }],
        }));
        break;
      }
      default:
        break;
    }

    // The API event this domain event made or refreshed: every token whose decision its data now carries.
    const apiEvent = apiEventOf(docs, merchant, correlationId, event);
    if (apiEvent === null) return;
    const stored = docs.get<{ data: { object?: string; id: string; cards?: PayjpCustomer['cards'] } }>(collections.events, docKey(merchant, apiEvent.eventId));
    if (stored === null) return;
    const { data } = stored;
    const tokens =
      data.object === 'token'
        ? [data.id]
        : data.object === 'card'
          ? [tokenOf('card', data.id)]
          : data.object === 'charge'
            ? [tokenOf('charge', data.id)]
            : data.object === 'customer'
              ? (data.cards?.data ?? []).map((c) => tokenOf('card', c.id))
              : [];
    for (const token of new Set(tokens)) {
      if (token === null) continue;
      update(token, (l) =>
        l.apiEvents.some((e) => e.id === apiEvent.eventId) ? l : { ...l, apiEvents: [...l.apiEvents, { id: apiEvent.eventId, type: apiEvent.type, at: occurredAt }] },
      );
    }
  },
};
