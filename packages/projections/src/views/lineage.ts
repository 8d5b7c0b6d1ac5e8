import { toUnixSeconds, type CvcDecision, type DomainEventType } from '@kessai/domain';
import type { PayjpCustomer } from '../render/resources.js';
import type { Generation } from '../read-model-store.js';
import { docKey, type DocumentAccess, type View } from '../view.js';
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

/**
 * Charges and API events a lineage document holds itself; older ones are sealed, LINEAGE_PART_SIZE at a time, in
 * parts of their own (`lineageParts`). A customer's card charged again and again adds a charge and its API events
 * to its token's lineage each time: kept whole in one document, that document was read and written again by every
 * charge, 211 bytes longer each time (30 ms a charge on PostgreSQL after 2,000, `bench/one-card-charges.ts`).
 * Now a charge writes at most this many entries, and a part once written never changes.
 */
export const LINEAGE_PART_SIZE = 64;

/**
 * The stored lineage document: a Lineage whose `charges` and `apiEvents` are only the latest entries, after
 * `sealed` parts of each kind (`lineagePartId`). `lastCommand` is the command (correlation id) that noted the latest
 * API events and `commandApiEvents` their ids: a command's later events refresh the API events it made, so they are
 * the only ones a new note can repeat, wherever a seal put them.
 */
export interface LineageDocument extends Lineage {
  readonly sealed: { readonly charges: number; readonly apiEvents: number };
  readonly lastCommand: string | null;
  readonly commandApiEvents: readonly string[];
}

/**
 * A stored lineage document as this code reads it: one written before sealed parts existed has no `sealed` and
 * holds all its entries itself (its next seal moves them all into one part).
 */
export const asLineageDocument = (doc: unknown): LineageDocument | null => {
  if (doc === null || doc === undefined) return null;
  const stored = doc as LineageDocument;
  return (stored as Partial<LineageDocument>).sealed === undefined ? { ...stored, sealed: { charges: 0, apiEvents: 0 }, lastCommand: null, commandApiEvents: [] } : stored;
};

/** A sealed part of a lineage: LINEAGE_PART_SIZE entries of one kind, never written again. */
export interface LineagePart {
  readonly token: string;
  readonly kind: 'charges' | 'apiEvents';
  readonly part: number;
  readonly entries: readonly (LineageCharge | LineageApiEvent)[];
}

/** The id of a sealed part (in `lineageParts`, under the lineage's merchant). */
export const lineagePartId = (token: string, kind: LineagePart['kind'], part: number): string => `${token}/${kind}/${part}`;

/** A lineage whole, as `generation` holds it: the document's entries after those of its sealed parts (one read). */
export const readLineage = async (generation: Pick<Generation, 'getMany'>, document: LineageDocument): Promise<Lineage> => {
  const { token, merchant, createdAt, cvc, cards } = document;
  const keys = (kind: LineagePart['kind']) => Array.from({ length: document.sealed[kind] }, (_, part) => docKey(merchant, lineagePartId(token, kind, part)));
  const [chargeKeys, apiEventKeys] = [keys('charges'), keys('apiEvents')];
  const all = [...chargeKeys, ...apiEventKeys];
  const parts = all.length === 0 ? new Map<string, unknown>() : await generation.getMany(collections.lineageParts, all);
  const entries = <T>(partKeys: readonly string[]): T[] =>
    partKeys.flatMap((key) => {
      const part = parts.get(key) as LineagePart | undefined;
      if (part === undefined) throw new Error(`Lineage of ${token} (merchant ${merchant}) lacks its sealed part ${key}`);
      return part.entries as T[];
    });
  return {
    token,
    merchant,
    createdAt,
    cvc,
    cards,
    charges: [...entries<LineageCharge>(chargeKeys), ...document.charges],
    apiEvents: [...entries<LineageApiEvent>(apiEventKeys), ...document.apiEvents],
  };
};

const save = (docs: DocumentAccess, merchant: string, lineage: LineageDocument) => docs.put(collections.lineage, merchant, lineage.token, lineage, null);

/**
 * The lineage's entries of `kind` with `entry` added, after sealing those held so far into the next part when they
 * are full. Answers the entries to hold and how many parts of this kind are sealed.
 */
const withEntry = <T extends LineageCharge | LineageApiEvent>(
  docs: DocumentAccess,
  lineage: LineageDocument,
  kind: LineagePart['kind'],
  entry: T,
): { readonly entries: readonly T[]; readonly sealed: number } => {
  const entries = lineage[kind] as readonly T[];
  const sealed = lineage.sealed[kind];
  if (entries.length < LINEAGE_PART_SIZE) return { entries: [...entries, entry], sealed };
  const part: LineagePart = { token: lineage.token, kind, part: sealed, entries };
  docs.put(collections.lineageParts, lineage.merchant, lineagePartId(lineage.token, kind, sealed), part, null);
  return { entries: [entry], sealed: sealed + 1 };
};

/** The lineage of the token a card or a charge descends from. */
const lineageOf = (docs: DocumentAccess, merchant: string, kind: 'card' | 'charge', id: string): LineageDocument | null => {
  const ref = docs.get<{ token: string }>(lineageRefCollections[kind], merchant, id);
  return ref === null ? null : asLineageDocument(docs.get(collections.lineage, merchant, ref.token));
};

/** Adds an API event to a lineage once: a command's later events refresh the API events it made (LineageDocument). */
const noteApiEvent = (docs: DocumentAccess, merchant: string, lineage: LineageDocument | null, apiEvent: LastApiEvent, at: number) => {
  if (lineage === null) return;
  const sameCommand = lineage.lastCommand === apiEvent.correlationId;
  if (sameCommand && lineage.commandApiEvents.includes(apiEvent.eventId)) return;
  const added = withEntry(docs, lineage, 'apiEvents', { id: apiEvent.eventId, type: apiEvent.type, at });
  save(docs, merchant, {
    ...lineage,
    apiEvents: added.entries,
    sealed: { ...lineage.sealed, apiEvents: added.sealed },
    lastCommand: apiEvent.correlationId,
    commandApiEvents: sameCommand ? [...lineage.commandApiEvents, apiEvent.eventId] : [apiEvent.eventId],
  });
};

/**
 * Lineage (token -> cards, customers, charges, API events). It follows the provenance the events carry
 * (`cvcSource.token`), never a lookup of the current value.
 */
export const lineageView: View = {
  name: 'lineage',
  collections: [collections.lineage, collections.lineageParts, ...Object.values(lineageRefCollections)],
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
        const lineage: LineageDocument = {
          token: data.tokenId,
          merchant,
          createdAt: data.at,
          cvc: data.cvc,
          cards: [],
          charges: [],
          apiEvents: [],
          sealed: { charges: 0, apiEvents: 0 },
          lastCommand: null,
          commandApiEvents: [],
        };
        docs.put(collections.lineage, merchant, data.tokenId, lineage, { merchant, created: toUnixSeconds(data.at), seq: position, keys: {} });
        break;
      }
      case 'CardCreated': {
        const { data } = event;
        docs.put(lineageRefCollections.card, merchant, data.cardId, { token: data.cvcSource.token }, null);
        // A token backs one card: `cards` stays short and is never sealed.
        const lineage = asLineageDocument(docs.get(collections.lineage, merchant, data.cvcSource.token));
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
        const lineage = asLineageDocument(docs.get(collections.lineage, merchant, data.card.cvcSource.token));
        if (lineage !== null) {
          const entry: LineageCharge = { id: data.chargeId, customer: data.customer, at: data.at, via: data.customer === null ? 'token' : 'customer' };
          const added = withEntry(docs, lineage, 'charges', entry);
          save(docs, merchant, { ...lineage, charges: added.entries, sealed: { ...lineage.sealed, charges: added.sealed } });
        }
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
    if (data.object === 'token') noteApiEvent(docs, merchant, asLineageDocument(docs.get(collections.lineage, merchant, data.id)), apiEvent, occurredAt);
    else if (data.object === 'card' || data.object === 'charge') noteApiEvent(docs, merchant, lineageOf(docs, merchant, data.object, data.id), apiEvent, occurredAt);
    else if (data.object === 'customer')
      for (const card of data.cards?.data ?? []) noteApiEvent(docs, merchant, lineageOf(docs, merchant, 'card', card.id), apiEvent, occurredAt);
  },
};
