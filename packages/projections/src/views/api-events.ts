import { toUnixSeconds, type DomainEvent, type DomainEventType } from '@kessai/domain';
import { apiEventId } from '../render/event-id.js';
import type { ApiEventType, PayjpEvent } from '../render/resources.js';
import type { DocumentAccess, View } from '../view.js';
import { collections, eventRefCollections } from './collections.js';

type ResourceKind = 'token' | 'customer' | 'card' | 'charge';
const resourceCollection = { token: collections.tokens, customer: collections.customers, card: collections.cards, charge: collections.charges };

interface ApiChange {
  readonly resource: ResourceKind;
  readonly id: string;
  /** The API event this change makes; null when it only refreshes an API event of the same command. */
  readonly type: ApiEventType | null;
  /** Deleted resources show PAY.JP's deleted stub, since their document is gone. */
  readonly deleted?: boolean;
}

/** Which PAY.JP API event a domain event makes (PAYJP-API.md section 5), on which resource. */
export const apiChangeOf = (event: DomainEvent): ApiChange | null => {
  switch (event.type) {
    case 'TokenCreated':
      return { resource: 'token', id: event.data.tokenId, type: 'token.created' };
    case 'TokenUsed':
      return null;
    case 'CustomerCreated':
      return { resource: 'customer', id: event.data.customerId, type: 'customer.created' };
    case 'CustomerUpdated':
    case 'DefaultCardChanged':
      return { resource: 'customer', id: event.data.customerId, type: 'customer.updated' };
    case 'CardAttached':
    case 'CardDetached':
      return { resource: 'customer', id: event.data.customerId, type: null };
    case 'CustomerDeleted':
      return { resource: 'customer', id: event.data.customerId, type: 'customer.deleted', deleted: true };
    case 'CardCreated':
      return { resource: 'card', id: event.data.cardId, type: 'customer.card.created' };
    case 'CardUpdated':
      return { resource: 'card', id: event.data.cardId, type: 'customer.card.updated' };
    case 'CardDeleted':
      return { resource: 'card', id: event.data.cardId, type: 'customer.card.deleted', deleted: true };
    case 'ChargeSucceeded':
      return { resource: 'charge', id: event.data.chargeId, type: 'charge.succeeded' };
    case 'ChargeFailed':
      return { resource: 'charge', id: event.data.chargeId, type: 'charge.failed' };
    case 'ChargeCaptured':
      return { resource: 'charge', id: event.data.chargeId, type: 'charge.captured' };
    case 'ChargeRefunded':
      return { resource: 'charge', id: event.data.chargeId, type: 'charge.refunded' };
    case 'ChargeReauthorized':
    case 'ChargeUpdated':
    case 'ChargeExpired':
      return { resource: 'charge', id: event.data.chargeId, type: 'charge.updated' };
  }
};

/** The last API event made for a resource, and by which command: later events of that command refresh it. */
export interface LastApiEvent {
  readonly correlationId: string;
  readonly eventId: string;
  readonly type: ApiEventType;
}


/** The API event this domain event made or refreshed, if any (read by the lineage view, which runs after). */
export const apiEventOf = (docs: DocumentAccess, merchant: string, correlationId: string, event: DomainEvent): LastApiEvent | null => {
  const change = apiChangeOf(event);
  if (change === null) return null;
  const last = docs.get<LastApiEvent>(eventRefCollections[change.resource], merchant, change.id);
  return last !== null && last.correlationId === correlationId ? last : null;
};

/**
 * API events (GET /v1/events, webhooks). One command's changes to one resource make one API event, whose `data`
 * is the resource right after the command (so customer.created shows the card its command attached). Ids derive
 * from the first domain event of that change, so rebuilding reproduces every event id.
 */
export const apiEventsView: View = {
  name: 'events',
  collections: [collections.events, ...Object.values(eventRefCollections)],
  handles: new Set<DomainEventType>([
    'TokenCreated',
    'CustomerCreated',
    'CustomerUpdated',
    'DefaultCardChanged',
    'CardAttached',
    'CardDetached',
    'CustomerDeleted',
    'CardCreated',
    'CardUpdated',
    'CardDeleted',
    'ChargeSucceeded',
    'ChargeFailed',
    'ChargeCaptured',
    'ChargeRefunded',
    'ChargeReauthorized',
    'ChargeUpdated',
    'ChargeExpired',
  ]),
  apply: ({ event, stream, revision, position, correlationId, occurredAt }, docs) => {
    const change = apiChangeOf(event);
    if (change === null) return;
    const { merchant } = event.data;
    const data = change.deleted
      ? { deleted: true, id: change.id, livemode: false }
      : docs.get<PayjpEvent['data']>(resourceCollection[change.resource], merchant, change.id);
    if (data === null) return;

    const refs = eventRefCollections[change.resource];
    // Every API change is about the aggregate of the event's own stream, so a stream's first event has no earlier
    // API event to refresh. Not asking saves a live catch-up a store read for every new token, card, customer and
    // charge (the answer would be "absent").
    const last = revision === 0 ? null : docs.get<LastApiEvent>(refs, merchant, change.id);
    if (last !== null && last.correlationId === correlationId) {
      const existing = docs.get<PayjpEvent>(collections.events, merchant, last.eventId);
      if (existing !== null) docs.put(collections.events, merchant, last.eventId, { ...existing, data }, null);
      return;
    }
    if (change.type === null) return;
    const id = apiEventId(stream, revision);
    const apiEvent = {
      created: toUnixSeconds(occurredAt),
      data,
      id,
      livemode: false,
      object: 'event',
      pending_webhooks: 0,
      type: change.type,
    };
    docs.put(collections.events, merchant, id, apiEvent, {
      merchant,
      created: apiEvent.created,
      seq: position,
      keys: { type: change.type, object: change.resource, resource_id: change.id },
    });
    docs.put(refs, merchant, change.id, { correlationId, eventId: id, type: change.type } satisfies LastApiEvent, null);
  },
};
