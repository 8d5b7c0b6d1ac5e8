import { toUnixSeconds, type CvcDecision, type DomainEventType } from '@kessai/domain';
import type { PayjpCustomer } from '../render/resources.js';
import type { DocumentAccess, View } from '../view.js';
import { apiEventOf, type LastApiEvent } from './api-events.js';
import { collections, lineageRefCollections } from './collections.js';

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


const save = (docs: DocumentAccess, merchant: string, lineage: Lineage) => docs.put(collections.lineage, merchant, lineage.token, lineage, null);

/** The lineage of the token a card or a charge descends from. */
const lineageOf = (docs: DocumentAccess, merchant: string, kind: 'card' | 'charge', id: string): Lineage | null => {
  const ref = docs.get<{ token: string }>(lineageRefCollections[kind], merchant, id);
  return ref === null ? null : docs.get<Lineage>(collections.lineage, merchant, ref.token);
};

/** Adds an API event to a lineage once (a command's later events refresh the same API event). */
const noteApiEvent = (docs: DocumentAccess, merchant: string, lineage: Lineage | null, apiEvent: LastApiEvent, at: number) => {
  if (lineage === null || lineage.apiEvents.some((e) => e.id === apiEvent.eventId)) return;
  save(docs, merchant, { ...lineage, apiEvents: [...lineage.apiEvents, { id: apiEvent.eventId, type: apiEvent.type, at }] });
};

/**
 * Lineage (token -> cards, customers, charges, API events). It follows the provenance the events carry
 * (`cvcSource.token`), never a lookup of the current value.
 */
export const lineageView: View = {
  name: 'lineage',
  collections: [collections.lineage, ...Object.values(lineageRefCollections)],
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
    switch (event.type) {
      case 'TokenCreated': {
        const { data } = event;
        const lineage: Lineage = { token: data.tokenId, merchant, createdAt: data.at, cvc: data.cvc, cards: [], charges: [], apiEvents: [] };
        docs.put(collections.lineage, merchant, data.tokenId, lineage, { merchant, created: toUnixSeconds(data.at), seq: position, keys: {} });
        break;
      }
      case 'CardCreated': {
        const { data } = event;
        docs.put(lineageRefCollections.card, merchant, data.cardId, { token: data.cvcSource.token }, null);
        const lineage = docs.get<Lineage>(collections.lineage, merchant, data.cvcSource.token);
        if (lineage !== null)
          save(docs, merchant, { ...lineage, cards: [...lineage.cards, { id: data.cardId, customer: data.customer, at: data.at, origin: null }] });
        break;
      }
      case 'CardAttached': {
        const { data } = event;
        const lineage = lineageOf(docs, merchant, 'card', data.card);
        if (lineage === null) break;
        const customerEvent = apiEventOf(docs, merchant, correlationId, event);
        const origin: CardOrigin =
          customerEvent?.type === 'customer.created' ? 'customer.create' : customerEvent?.type === 'customer.updated' ? 'customer.update' : 'customer.cards.create';
        save(docs, merchant, { ...lineage, cards: lineage.cards.map((c) => (c.id === data.card && c.origin === null ? { ...c, origin } : c)) });
        break;
      }
      case 'ChargeSucceeded':
      case 'ChargeFailed': {
        const { data } = event;
        docs.put(lineageRefCollections.charge, merchant, data.chargeId, { token: data.card.cvcSource.token }, null);
        const lineage = docs.get<Lineage>(collections.lineage, merchant, data.card.cvcSource.token);
        if (lineage !== null)
          save(docs, merchant, {
            ...lineage,
            charges: [...lineage.charges, { id: data.chargeId, customer: data.customer, at: data.at, via: data.customer === null ? 'token' : 'customer' }],
          });
        break;
      }
      default:
        break;
    }

    // The API event this domain event made or refreshed: every token whose decision its data now carries.
    const apiEvent = apiEventOf(docs, merchant, correlationId, event);
    if (apiEvent === null) return;
    const stored = docs.get<{ data: { object?: string; id: string; cards?: PayjpCustomer['cards'] } }>(collections.events, merchant, apiEvent.eventId);
    if (stored === null) return;
    const { data } = stored;
    if (data.object === 'token') noteApiEvent(docs, merchant, docs.get<Lineage>(collections.lineage, merchant, data.id), apiEvent, occurredAt);
    else if (data.object === 'card' || data.object === 'charge') noteApiEvent(docs, merchant, lineageOf(docs, merchant, data.object, data.id), apiEvent, occurredAt);
    else if (data.object === 'customer')
      for (const card of data.cards?.data ?? []) noteApiEvent(docs, merchant, lineageOf(docs, merchant, 'card', card.id), apiEvent, occurredAt);
  },
};
