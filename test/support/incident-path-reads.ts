/**
 * The reads of incident paths 1-12 (reference/INCIDENT.md) through the real read path (`PayjpQueries`, every GET
 * the HTTP facade serves), for one merchant, paired with what the events-only oracle says each read must show.
 * A POST response is read where the API keeps it: the `data` of the API event that command made.
 */
import type { Result } from '@kessai/domain';
import type { PayjpEvent, PayjpList, PayjpQueries } from '@kessai/projections';
import { expectedCheck, isAffectedCard, type IncidentPath, type MerchantFacts } from './incident-oracle.js';

/** A card object as found in a response. */
export interface SeenCard {
  readonly id: string;
  readonly cvc_check: string;
}

/** One response (or one item of a list): the path's object it is about, and the card objects inside it. */
export interface Seen {
  readonly object: string;
  readonly cards: readonly SeenCard[];
}

/** One kind of call on a path: what was seen and what the oracle expects, each keyed by response (or list item). */
export interface PathRead {
  readonly call: string;
  readonly seen: Map<string, Seen>;
  readonly expected: Map<string, { readonly object: string; readonly cards: readonly string[] }>;
}

const PAGE = 100;

export const unwrap = <T>(result: Result<T>, what: string): T => {
  if (!result.ok) throw new Error(`${what}: ${result.error.code}: ${result.error.message}`);
  return result.value;
};

/** Every item of a PAY.JP list, `limit=100` and offset paging until `has_more` is false. */
export const allPages = async <T>(what: string, read: (page: { limit: number; offset: number }) => Promise<Result<PayjpList<T>>>): Promise<T[]> => {
  const items: T[] = [];
  for (;;) {
    const page = unwrap(await read({ limit: PAGE, offset: items.length }), what);
    if (page.data.length > PAGE || page.count !== page.data.length) throw new Error(`${what}: a page of ${page.data.length} items (count ${page.count})`);
    items.push(...page.data);
    if (!page.has_more) return items;
    if (page.data.length === 0) throw new Error(`${what}: has_more with an empty page at offset ${items.length}`);
  }
};

/** Every PAY.JP card object inside a response, however deep (token.card, customer.cards.data, charge.card, event data). */
export const cardsIn = (value: unknown, found: SeenCard[] = []): SeenCard[] => {
  if (Array.isArray(value)) for (const v of value) cardsIn(v, found);
  else if (typeof value === 'object' && value !== null) {
    const o = value as Record<string, unknown>;
    if (o['object'] === 'card') found.push({ id: String(o['id']), cvc_check: String(o['cvc_check']) });
    for (const v of Object.values(o)) cardsIn(v, found);
  }
  return found;
};

const pathRead = (call: string): PathRead => ({ call, seen: new Map(), expected: new Map() });

const see = (r: PathRead, key: string, object: string, value: unknown) => {
  if (r.seen.has(key)) throw new Error(`${r.call}: ${key} answered twice`);
  r.seen.set(key, { object, cards: cardsIn(value) });
};

const want = (r: PathRead, key: string, object: string, cards: readonly string[]) => r.expected.set(key, { object, cards });

/** The API events of some types, through GET /v1/events?type=… (every page). */
const apiEventsOfTypes = async (queries: PayjpQueries, merchant: string, types: readonly string[]): Promise<PayjpEvent[]> =>
  (await Promise.all(types.map((type) => allPages(`GET /v1/events?type=${type}`, (page) => queries.events(merchant, { ...page, type }))))).flat();

/** One read per API event of these types: its data must carry what the oracle says. */
const eventDataRead = async (
  call: string,
  queries: PayjpQueries,
  f: MerchantFacts,
  types: readonly string[],
  keep: (resourceId: string) => boolean = () => true,
): Promise<PathRead> => {
  const r = pathRead(call);
  for (const e of await apiEventsOfTypes(queries, f.merchant, types)) if (keep(e.data.id)) see(r, e.id, e.data.id, e.data);
  for (const e of f.apiEvents.values()) if (types.includes(e.type) && keep(e.resourceId)) want(r, e.id, e.resourceId, e.cards);
  return r;
};

/** The one API event of a type the oracle says a resource's command made (the POST response it stands for). */
const madeEvent = (f: MerchantFacts, type: string, resourceId: string) => {
  const made = [...f.apiEvents.values()].filter((e) => e.type === type && e.resourceId === resourceId);
  if (made.length !== 1) throw new Error(`oracle: ${made.length} ${type} events for ${resourceId}`);
  return made[0]!;
};

const liveCustomers = (f: MerchantFacts) => [...f.customers.values()].filter((c) => !c.deleted);
const liveCards = (f: MerchantFacts) => [...f.cards.values()].filter((c) => !c.deleted);

type PathReader = (queries: PayjpQueries, f: MerchantFacts) => Promise<PathRead[]>;

const chargeReads = async (queries: PayjpQueries, f: MerchantFacts, via: 'token' | 'customer'): Promise<PathRead[]> => {
  const mine = (id: string) => {
    const charge = f.charges.get(id);
    return charge !== undefined && (charge.customer === null) === (via === 'token');
  };
  const response = await eventDataRead(`POST /v1/charges (${via === 'token' ? 'card=tok' : 'customer=cus'}): charge.succeeded/failed data`, queries, f, ['charge.succeeded', 'charge.failed'], mine);
  const retrieve = pathRead('GET /v1/charges/{ch}');
  for (const charge of f.charges.values()) {
    if (!mine(charge.id)) continue;
    see(retrieve, charge.id, charge.id, unwrap(await queries.charge(f.merchant, charge.id), `GET /v1/charges/${charge.id}`));
    want(retrieve, charge.id, charge.id, [charge.card]);
  }
  return [response, retrieve];
};

export const pathReaders: Readonly<Record<IncidentPath, { readonly title: string; readonly read: PathReader }>> = {
  1: {
    title: 'GET /v1/tokens/{tok} for every token',
    read: async (queries, f) => {
      const r = pathRead('GET /v1/tokens/{tok}');
      for (const token of f.tokens.values()) {
        see(r, token.id, token.id, unwrap(await queries.token(f.merchant, token.id), `GET /v1/tokens/${token.id}`));
        want(r, token.id, token.id, [token.card]);
      }
      return [r];
    },
  },
  2: {
    title: 'POST /v1/customers card=tok (customer.created data) and GET of those customers',
    read: async (queries, f) => {
      const created = [...f.customers.values()].filter((c) => c.createdWith !== null);
      const response = pathRead('POST /v1/customers card=tok: customer.created data');
      const retrieve = pathRead('GET /v1/customers/{cus} (created with card=tok)');
      for (const customer of created) {
        const events = await allPages(`GET /v1/events?resource_id=${customer.id}`, (page) =>
          queries.events(f.merchant, { ...page, resource_id: customer.id, type: 'customer.created' }),
        );
        for (const e of events) see(response, e.id, customer.id, e.data);
        want(response, madeEvent(f, 'customer.created', customer.id).id, customer.id, [customer.createdWith!]);
        if (customer.deleted) continue;
        see(retrieve, customer.id, customer.id, unwrap(await queries.customer(f.merchant, customer.id), `GET /v1/customers/${customer.id}`));
        want(retrieve, customer.id, customer.id, customer.cards);
      }
      return [response, retrieve];
    },
  },
  3: {
    title: 'POST /v1/customers/{cus}/cards (customer.card.created data of cards added to an existing customer)',
    read: async (queries, f) => {
      const r = pathRead('POST /v1/customers/{cus}/cards: customer.card.created data');
      for (const card of f.cards.values()) {
        if (card.origin !== 'customer.add') continue;
        const events = await allPages(`GET /v1/events?resource_id=${card.id}`, (page) =>
          queries.events(f.merchant, { ...page, resource_id: card.id, type: 'customer.card.created' }),
        );
        for (const e of events) see(r, e.id, card.id, e.data);
        want(r, madeEvent(f, 'customer.card.created', card.id).id, card.id, [card.id]);
      }
      return [r];
    },
  },
  4: {
    title: 'GET /v1/customers (every page)',
    read: async (queries, f) => {
      const r = pathRead('GET /v1/customers');
      for (const customer of await allPages('GET /v1/customers', (page) => queries.customers(f.merchant, page))) see(r, customer.id, customer.id, customer);
      for (const customer of liveCustomers(f)) want(r, customer.id, customer.id, customer.cards);
      return [r];
    },
  },
  5: {
    title: 'GET /v1/customers/{cus} and POST /v1/customers/{cus} (customer.updated data)',
    read: async (queries, f) => {
      const retrieve = pathRead('GET /v1/customers/{cus}');
      for (const customer of liveCustomers(f)) {
        see(retrieve, customer.id, customer.id, unwrap(await queries.customer(f.merchant, customer.id), `GET /v1/customers/${customer.id}`));
        want(retrieve, customer.id, customer.id, customer.cards);
      }
      return [retrieve, await eventDataRead('POST /v1/customers/{cus}: customer.updated data', queries, f, ['customer.updated'])];
    },
  },
  6: {
    title: 'GET /v1/customers/{cus}/cards (every page, every customer)',
    read: async (queries, f) => {
      const r = pathRead('GET /v1/customers/{cus}/cards');
      for (const customer of liveCustomers(f)) {
        const cards = await allPages(`GET /v1/customers/${customer.id}/cards`, (page) => queries.customerCards(f.merchant, customer.id, page));
        for (const card of cards) see(r, `${customer.id}/${card.id}`, customer.id, card);
        for (const card of customer.cards) want(r, `${customer.id}/${card}`, customer.id, [card]);
      }
      return [r];
    },
  },
  7: {
    title: 'GET /v1/customers/{cus}/cards/{car} and POST of it (customer.card.updated data)',
    read: async (queries, f) => {
      const retrieve = pathRead('GET /v1/customers/{cus}/cards/{car}');
      for (const card of liveCards(f)) {
        see(retrieve, card.id, card.id, unwrap(await queries.customerCard(f.merchant, card.customer, card.id), `GET /v1/customers/${card.customer}/cards/${card.id}`));
        want(retrieve, card.id, card.id, [card.id]);
      }
      return [retrieve, await eventDataRead('POST /v1/customers/{cus}/cards/{car}: customer.card.updated data', queries, f, ['customer.card.updated'])];
    },
  },
  8: { title: 'POST /v1/charges card=tok (charge.succeeded/failed data) and GET of those charges', read: (queries, f) => chargeReads(queries, f, 'token') },
  9: { title: 'POST /v1/charges customer=cus (charge.succeeded/failed data) and GET of those charges', read: (queries, f) => chargeReads(queries, f, 'customer') },
  10: {
    title: 'GET /v1/charges/{ch} and update/capture/refund/reauth (charge.updated/captured/refunded data)',
    read: async (queries, f) => {
      const retrieve = pathRead('GET /v1/charges/{ch}');
      for (const charge of f.charges.values()) {
        see(retrieve, charge.id, charge.id, unwrap(await queries.charge(f.merchant, charge.id), `GET /v1/charges/${charge.id}`));
        want(retrieve, charge.id, charge.id, [charge.card]);
      }
      const later = await eventDataRead('POST /v1/charges/{ch}[/capture|/refund|/reauth]: charge.updated/captured/refunded data', queries, f, [
        'charge.updated',
        'charge.captured',
        'charge.refunded',
      ]);
      return [retrieve, later];
    },
  },
  11: {
    title: 'GET /v1/charges (every page, and with customer= for every customer)',
    read: async (queries, f) => {
      const list = pathRead('GET /v1/charges');
      for (const charge of await allPages('GET /v1/charges', (page) => queries.charges(f.merchant, page))) see(list, charge.id, charge.id, charge);
      for (const charge of f.charges.values()) want(list, charge.id, charge.id, [charge.card]);
      const filtered = pathRead('GET /v1/charges?customer={cus}');
      for (const customer of f.customers.values()) {
        const charges = await allPages(`GET /v1/charges?customer=${customer.id}`, (page) => queries.charges(f.merchant, { ...page, customer: customer.id }));
        for (const charge of charges) see(filtered, `${customer.id}/${charge.id}`, charge.id, charge);
      }
      for (const charge of f.charges.values()) if (charge.customer !== null) want(filtered, `${charge.customer}/${charge.id}`, charge.id, [charge.card]);
      return [list, filtered];
    },
  },
  12: {
    title: 'GET /v1/events (every page): the data of every API event and webhook',
    read: async (queries, f) => {
      const r = pathRead('GET /v1/events');
      for (const e of await allPages('GET /v1/events', (page) => queries.events(f.merchant, page))) see(r, e.id, e.id, e.data);
      for (const e of f.apiEvents.values()) want(r, e.id, e.id, e.cards);
      return [r];
    },
  },
};

export interface PathVerdict {
  /** Every way the reads differ from the oracle, one readable line each (empty when the path is right). */
  readonly problems: string[];
  /** Distinct objects of the path carrying an affected card. */
  readonly affected: Set<string>;
  /** Distinct objects carrying cards, none affected. */
  readonly unaffected: Set<string>;
  /** Of the unaffected, those showing a real check (passed, failed, unavailable): a view printing `unchecked` everywhere would fail here. */
  readonly checked: Set<string>;
  cardObjects: number;
  /** Per call: responses (or list items) showing an affected card, and those showing only unaffected ones. */
  readonly byCall: Map<string, { affected: number; unaffected: number }>;
}

const sameCards = (seen: readonly SeenCard[], expected: readonly string[]) => {
  const a = seen.map((c) => c.id).sort();
  const b = [...expected].sort();
  return a.length === b.length && a.every((id, i) => id === b[i]);
};

/**
 * Judges one path's reads: the responses are exactly the ones the oracle expects, each carries exactly the
 * expected card objects, and every card object shows `unchecked` if it descends from a window token, else its
 * token's recorded value.
 */
export const judgePath = (f: MerchantFacts, reads: readonly PathRead[]): PathVerdict => {
  const verdict: PathVerdict = { problems: [], affected: new Set(), unaffected: new Set(), checked: new Set(), cardObjects: 0, byCall: new Map() };
  for (const r of reads) {
    const tally = { affected: 0, unaffected: 0 };
    verdict.byCall.set(r.call, tally);
    for (const key of r.expected.keys()) if (!r.seen.has(key)) verdict.problems.push(`${f.merchant} ${r.call}: ${key} is missing`);
    for (const [key, seen] of r.seen) {
      const expected = r.expected.get(key);
      if (expected === undefined) {
        verdict.problems.push(`${f.merchant} ${r.call}: ${key} answered, but the events made no such object`);
        continue;
      }
      if (expected.object !== seen.object) verdict.problems.push(`${f.merchant} ${r.call}: ${key} is about ${seen.object}, expected ${expected.object}`);
      if (!sameCards(seen.cards, expected.cards))
        verdict.problems.push(`${f.merchant} ${r.call}: ${key} shows cards [${seen.cards.map((c) => c.id).join(', ')}], expected [${expected.cards.join(', ')}]`);
      for (const card of seen.cards) {
        verdict.cardObjects++;
        if (!f.tokenOfCard.has(card.id)) {
          verdict.problems.push(`${f.merchant} ${r.call}: ${key} shows card ${card.id}, which no token of this merchant made`);
          continue;
        }
        const shouldShow = expectedCheck(f, card.id);
        if (card.cvc_check !== shouldShow) verdict.problems.push(`${f.merchant} ${r.call}: ${key} card ${card.id} shows cvc_check ${card.cvc_check}, expected ${shouldShow}`);
      }
      if (seen.cards.length === 0) continue;
      if (seen.cards.some((c) => f.tokenOfCard.has(c.id) && isAffectedCard(f, c.id))) {
        verdict.affected.add(seen.object);
        tally.affected++;
      } else {
        verdict.unaffected.add(seen.object);
        tally.unaffected++;
        if (seen.cards.some((c) => c.cvc_check !== 'unchecked')) verdict.checked.add(seen.object);
      }
    }
  }
  // An object affected in one response and not in another (a customer before and after it got the card) counts as affected.
  for (const object of verdict.affected) {
    verdict.unaffected.delete(object);
    verdict.checked.delete(object);
  }
  return verdict;
};
