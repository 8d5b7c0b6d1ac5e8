/**
 * A test oracle for the 2017-06-07 incident, built from the stored events alone (decodeEvent over readAll): no
 * projection, no lineage, no impact code. For each merchant it knows every token (its creation time and cvc
 * decision), the cards, customers and charges made from them, and the API events (GET /v1/events, webhooks) the
 * commands made, with the card ids each event's `data` carries. A card object's id is its token's card id
 * (TokenCreated.data.card.id), so any card object seen on any path maps back to the token that decided it.
 *
 * The one piece borrowed from the library is `apiEventId`, the documented derivation of an API event's id from the
 * domain event that made it (DESIGN.md 8): without it the oracle could not name the events it expects.
 */
import { decodeEvent, type CvcCheck, type CvcDecision, type DomainEvent, type EventStore, type StoredEvent } from '@kessai/domain';
import { apiEventId } from '@kessai/projections';

/** The fault window of reference/INCIDENT.md: 16:55 to 21:55 JST, half-open. */
export const FAULT_WINDOW = { from: Date.parse('2017-06-07T07:55:00Z'), to: Date.parse('2017-06-07T12:55:00Z') } as const;

export type IncidentPath = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12;
export const incidentPaths: readonly IncidentPath[] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

export interface TokenFact {
  readonly id: string;
  readonly at: number;
  readonly cvc: CvcDecision;
  /** The id every card object made from this token shows. */
  readonly card: string;
  /** Created inside the window with a CVC sent: the incident's signature (fault A). */
  readonly window: boolean;
}

/**
 * How a customer's card came to it, as far as the events tell: with the customer (POST /v1/customers card=tok,
 * path 2); by POST /v1/customers/{cus} with card=tok and other fields (the command also recorded CustomerUpdated:
 * path 5); or added to an existing customer with nothing else changed, which is POST /v1/customers/{cus}/cards
 * (path 3) or POST /v1/customers/{cus} with only card=tok: their events are identical, so both count as path 3.
 */
export type CardOrigin = 'customer.create' | 'customer.update' | 'customer.add';

export interface CardFact {
  readonly id: string;
  readonly token: string;
  readonly customer: string;
  readonly origin: CardOrigin;
  /** Deleted itself, or with its customer: GET no longer answers it. */
  deleted: boolean;
}

export interface CustomerFact {
  readonly id: string;
  /** The card attached by the command that created the customer (path 2), if any. */
  createdWith: string | null;
  /** Attached now, in attachment order. */
  cards: string[];
  /** Every card it ever held. */
  readonly everCards: Set<string>;
  deleted: boolean;
}

export interface ChargeFact {
  readonly id: string;
  /** null: charged with card=tok (path 8); else customer=cus (path 9). */
  readonly customer: string | null;
  readonly card: string;
}

export type ResourceKind = 'token' | 'customer' | 'card' | 'charge';

export interface ApiEventFact {
  readonly id: string;
  readonly type: string;
  readonly resource: ResourceKind;
  readonly resourceId: string;
  /** The card ids inside the event's `data` (the resource right after its command; none for a deleted stub). */
  cards: readonly string[];
}

export interface MerchantFacts {
  readonly merchant: string;
  readonly tokens: Map<string, TokenFact>;
  /** card id -> the token it was made from (every token has exactly one card id). */
  readonly tokenOfCard: Map<string, TokenFact>;
  readonly cards: Map<string, CardFact>;
  readonly customers: Map<string, CustomerFact>;
  readonly charges: Map<string, ChargeFact>;
  readonly apiEvents: Map<string, ApiEventFact>;
}

export interface IncidentOracle {
  readonly merchants: readonly string[];
  readonly facts: ReadonlyMap<string, MerchantFacts>;
  readonly eventCount: number;
}

/** Every stored event, in global order, read in batches. */
export const readAllEvents = async (store: EventStore, batch = 1_000): Promise<StoredEvent[]> => {
  const all: StoredEvent[] = [];
  for (;;) {
    const page = await store.readAll({ after: all.at(-1)?.position ?? 0, limit: batch });
    all.push(...page);
    if (page.length < batch) return all;
  }
};

/** Which API event a domain event makes (type) or only refreshes (type null), on which resource. */
const apiChange = (event: DomainEvent): { kind: ResourceKind; id: string; type: string | null; stub: boolean } | null => {
  switch (event.type) {
    case 'TokenCreated':
      return { kind: 'token', id: event.data.tokenId, type: 'token.created', stub: false };
    case 'TokenUsed':
      return null;
    case 'CustomerCreated':
      return { kind: 'customer', id: event.data.customerId, type: 'customer.created', stub: false };
    case 'CustomerUpdated':
    case 'DefaultCardChanged':
      return { kind: 'customer', id: event.data.customerId, type: 'customer.updated', stub: false };
    case 'CardAttached':
    case 'CardDetached':
      return { kind: 'customer', id: event.data.customerId, type: null, stub: false };
    case 'CustomerDeleted':
      return { kind: 'customer', id: event.data.customerId, type: 'customer.deleted', stub: true };
    case 'CardCreated':
      return { kind: 'card', id: event.data.cardId, type: 'customer.card.created', stub: false };
    case 'CardUpdated':
      return { kind: 'card', id: event.data.cardId, type: 'customer.card.updated', stub: false };
    case 'CardDeleted':
      return { kind: 'card', id: event.data.cardId, type: 'customer.card.deleted', stub: true };
    case 'ChargeSucceeded':
      return { kind: 'charge', id: event.data.chargeId, type: 'charge.succeeded', stub: false };
    case 'ChargeFailed':
      return { kind: 'charge', id: event.data.chargeId, type: 'charge.failed', stub: false };
    case 'ChargeCaptured':
      return { kind: 'charge', id: event.data.chargeId, type: 'charge.captured', stub: false };
    case 'ChargeRefunded':
      return { kind: 'charge', id: event.data.chargeId, type: 'charge.refunded', stub: false };
    case 'ChargeReauthorized':
    case 'ChargeUpdated':
    case 'ChargeExpired':
      return { kind: 'charge', id: event.data.chargeId, type: 'charge.updated', stub: false };
    default: {
      const unhandled: never = event;
      throw new TypeError(`oracle: unhandled event ${JSON.stringify(unhandled)}`);
    }
  }
};

const need = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new Error(`oracle: ${what} is not in the events`);
  return value;
};

/**
 * Walks the events command by command (one command's events share a correlation id and are stored together) and
 * builds the facts. Throws on anything that breaks the assumptions it relies on, so the oracle cannot quietly
 * disagree with the data.
 */
export const buildIncidentOracle = (events: readonly StoredEvent[], window: { from: number; to: number } = FAULT_WINDOW): IncidentOracle => {
  const facts = new Map<string, MerchantFacts>();
  const of = (merchant: string): MerchantFacts => {
    let f = facts.get(merchant);
    if (f === undefined)
      facts.set(merchant, (f = { merchant, tokens: new Map(), tokenOfCard: new Map(), cards: new Map(), customers: new Map(), charges: new Map(), apiEvents: new Map() }));
    return f;
  };

  const commands: { stored: StoredEvent; event: DomainEvent }[][] = [];
  const seenCorrelations = new Set<string>();
  for (const stored of events) {
    const correlation = stored.metadata.correlationId;
    const last = commands.at(-1);
    if (last !== undefined && last[0]!.stored.metadata.correlationId === correlation) {
      last.push({ stored, event: decodeEvent(stored) });
      continue;
    }
    if (seenCorrelations.has(correlation)) throw new Error(`oracle: the events of command ${correlation} are not stored together (position ${stored.position})`);
    seenCorrelations.add(correlation);
    commands.push([{ stored, event: decodeEvent(stored) }]);
  }

  for (const command of commands) {
    const customersWith = (type: DomainEvent['type']) => new Set(command.flatMap(({ event }) => (event.type === type && 'customerId' in event.data ? [event.data.customerId as string] : [])));
    const createdCustomers = customersWith('CustomerCreated');
    const updatedCustomers = customersWith('CustomerUpdated');
    /** The API events this command made, by resource: its later events refresh them. */
    const made = new Map<string, ApiEventFact>();

    for (const { stored, event } of command) {
      const f = of(event.data.merchant);
      if (stored.metadata.merchant !== event.data.merchant) throw new Error(`oracle: position ${stored.position} has two merchants`);

      switch (event.type) {
        case 'TokenCreated': {
          const { tokenId, at, cvc, card } = event.data;
          const token: TokenFact = { id: tokenId, at, cvc, card: card.id, window: cvc.supplied === true && at >= window.from && at < window.to };
          if (f.tokenOfCard.has(card.id)) throw new Error(`oracle: card id ${card.id} belongs to two tokens`);
          f.tokens.set(tokenId, token);
          f.tokenOfCard.set(card.id, token);
          break;
        }
        case 'CardCreated': {
          const { cardId, customer, cvcSource } = event.data;
          const token = need(f.tokenOfCard.get(cardId), `the token of card ${cardId}`);
          if (token.id !== cvcSource.token) throw new Error(`oracle: card ${cardId} names token ${cvcSource.token}, its card id says ${token.id}`);
          const origin: CardOrigin = createdCustomers.has(customer) ? 'customer.create' : updatedCustomers.has(customer) ? 'customer.update' : 'customer.add';
          f.cards.set(cardId, { id: cardId, token: token.id, customer, origin, deleted: false });
          break;
        }
        case 'CardDeleted':
          need(f.cards.get(event.data.cardId), `card ${event.data.cardId}`).deleted = true;
          break;
        case 'CustomerCreated':
          f.customers.set(event.data.customerId, { id: event.data.customerId, createdWith: null, cards: [], everCards: new Set(), deleted: false });
          break;
        case 'CardAttached': {
          const customer = need(f.customers.get(event.data.customerId), `customer ${event.data.customerId}`);
          need(f.cards.get(event.data.card), `card ${event.data.card}`);
          customer.cards.push(event.data.card);
          customer.everCards.add(event.data.card);
          if (createdCustomers.has(customer.id)) customer.createdWith = event.data.card;
          break;
        }
        case 'CardDetached': {
          const customer = need(f.customers.get(event.data.customerId), `customer ${event.data.customerId}`);
          customer.cards = customer.cards.filter((c) => c !== event.data.card);
          break;
        }
        case 'CustomerDeleted': {
          const customer = need(f.customers.get(event.data.customerId), `customer ${event.data.customerId}`);
          customer.deleted = true;
          // A deleted customer's cards go with it.
          for (const card of customer.cards) need(f.cards.get(card), `card ${card}`).deleted = true;
          break;
        }
        case 'ChargeSucceeded':
        case 'ChargeFailed': {
          const { chargeId, customer, card } = event.data;
          const token = need(f.tokenOfCard.get(card.card.id), `the token of charged card ${card.card.id}`);
          if (token.id !== card.cvcSource.token) throw new Error(`oracle: charge ${chargeId} names token ${card.cvcSource.token}, its card id says ${token.id}`);
          f.charges.set(chargeId, { id: chargeId, customer, card: card.card.id });
          break;
        }
        case 'TokenUsed':
        case 'CustomerUpdated':
        case 'DefaultCardChanged':
        case 'CardUpdated':
        case 'ChargeCaptured':
        case 'ChargeRefunded':
        case 'ChargeReauthorized':
        case 'ChargeUpdated':
        case 'ChargeExpired':
          break;
        default: {
          const unhandled: never = event;
          throw new TypeError(`oracle: unhandled event ${JSON.stringify(unhandled)}`);
        }
      }

      // The API event: the first typed change of a resource in a command makes it (its id derives from that
      // domain event); every later change of that resource in the command refreshes its data.
      const change = apiChange(event);
      if (change === null) continue;
      const key = `${change.kind}:${change.id}`;
      const cards = change.stub ? [] : cardsOf(f, change.kind, change.id);
      const existing = made.get(key);
      if (existing !== undefined) {
        existing.cards = cards;
        continue;
      }
      if (change.type === null) continue;
      const apiEvent: ApiEventFact = { id: apiEventId(stored.stream, stored.revision), type: change.type, resource: change.kind, resourceId: change.id, cards };
      if (f.apiEvents.has(apiEvent.id)) throw new Error(`oracle: API event id ${apiEvent.id} made twice`);
      f.apiEvents.set(apiEvent.id, apiEvent);
      made.set(key, apiEvent);
    }
  }

  return { merchants: [...facts.keys()].sort(), facts, eventCount: events.length };
};

/** The card ids a resource's PAY.JP object shows now. */
const cardsOf = (f: MerchantFacts, kind: ResourceKind, id: string): string[] => {
  switch (kind) {
    case 'token':
      return [need(f.tokens.get(id), `token ${id}`).card];
    case 'card':
      return [id];
    case 'customer':
      return [...need(f.customers.get(id), `customer ${id}`).cards];
    case 'charge':
      return [need(f.charges.get(id), `charge ${id}`).card];
  }
};

export const merchantFacts = (oracle: IncidentOracle, merchant: string): MerchantFacts => need(oracle.facts.get(merchant), `merchant ${merchant}`);

/** Whether a card object descends from a window token. */
export const isAffectedCard = (f: MerchantFacts, card: string): boolean => need(f.tokenOfCard.get(card), `the token of card ${card}`).window;

/**
 * The value a card object must show: `unchecked` for a window token (its true value is unknown: the fault
 * answered for it), else exactly what its TokenCreated recorded.
 */
export const expectedCheck = (f: MerchantFacts, card: string): CvcCheck => {
  const token = need(f.tokenOfCard.get(card), `the token of card ${card}`);
  return token.window ? 'unchecked' : token.cvc.check;
};

/**
 * The affected objects per path, in INCIDENT.md's terms (objects that showed a window token's value, deleted
 * ones included): 1 tokens; 2 customers created with an affected card; 3 affected cards added to an existing
 * customer with nothing else changed (see CardOrigin: a customer update carrying only card=tok looks the same);
 * 4, 5, 6 customers that ever held an affected card (5 thus includes those updated with card=tok); 7 affected cards; 8 affected charges made with
 * card=tok, 9 with customer=cus; 10, 11 affected charges; 12 API events whose data carries an affected card.
 */
export const affectedByPath = (f: MerchantFacts): Record<IncidentPath, Set<string>> => {
  const affected = (card: string) => isAffectedCard(f, card);
  const ids = <T extends { id: string }>(items: Iterable<T>, keep: (item: T) => boolean) => new Set([...items].filter(keep).map((i) => i.id));
  const customersEver = ids(f.customers.values(), (c) => [...c.everCards].some(affected));
  const charges = ids(f.charges.values(), (c) => affected(c.card));
  return {
    1: ids(f.tokens.values(), (t) => t.window),
    2: ids(f.customers.values(), (c) => c.createdWith !== null && affected(c.createdWith)),
    3: ids(f.cards.values(), (c) => c.origin === 'customer.add' && affected(c.id)),
    4: customersEver,
    5: new Set(customersEver),
    6: new Set(customersEver),
    7: ids(f.cards.values(), (c) => affected(c.id)),
    8: ids(f.charges.values(), (c) => c.customer === null && affected(c.card)),
    9: ids(f.charges.values(), (c) => c.customer !== null && affected(c.card)),
    10: charges,
    11: new Set(charges),
    12: ids(f.apiEvents.values(), (e) => e.cards.some(affected)),
  };
};
