/**
 * Bounds for issue 3's rebuild target (500,000 events/s and under 1 GiB RSS at 1M events on the memory store):
 * how fast a rebuild could go if the views did less than they must. Neither mode is the library's rebuild
 * (`rebuild-memory.ts rebuild` is); both leave out work the real views do, so their rates are ceilings.
 *
 *   floor <file> [runs]     each event read from the memory store in batches of 10,000, decoded as the runner does
 *                           (toProjected), and one small object per event written to one Map keyed by its stream:
 *                           the least any rebuild that keeps a document per stream does
 *   compact <file> [runs]   the six views' work on compact states that share the events' objects and would be rendered
 *                           to PAY.JP JSON on read (render-on-read, the representation earlier notes proposed): a state
 *                           per token, card, customer and charge, an API event per change holding the resource's state
 *                           (refreshed by later events of the same command), list entries appended in position order
 *                           (the real lists are kept sorted), each token's lineage copied on write with at most 64
 *                           entries of a kind, and the maps from cards and charges to their token. No rendering, no
 *                           sorted lists, no index keys, no sealed parts, no checkpoints
 *
 * Run with `node --expose-gc --import tsx bench/rebuild-bounds.ts <mode> <file>` (files from `rebuild-memory.ts
 * generate`): it prints the live heap over the loaded events, which is what the mode's documents hold.
 */
import { appendFileSync } from 'node:fs';
import { loadJsonlFile } from '@kessai/adapters';
import { toUnixSeconds, type CardHolder, type CardHolderPatch, type ChargedCard, type DomainEvent } from '@kessai/domain';
import { apiEventId, toProjected, type ProjectedEvent } from '@kessai/projections';
import { peakRssMiB, report, rssMiB } from './machine.js';

const [mode, file, runsArg] = process.argv.slice(2);
if ((mode !== 'floor' && mode !== 'compact') || file === undefined) {
  console.error('usage: rebuild-bounds.ts floor|compact <file> [runs]');
  process.exit(1);
}
const runs = Number(runsArg ?? 3);
const gc = (globalThis as { gc?: () => void }).gc;
const liveHeapMiB = () => {
  gc?.();
  return Math.round(process.memoryUsage().heapUsed / 2 ** 20);
};

const baseHeap = liveHeapMiB();
const store = await loadJsonlFile(file);
const head = await store.headPosition();
// Decoded once before the runs, so that every run measures what `rebuild-memory.ts rebuild` calls "again".
for (let after = 0; after < head; after += 10_000) for (const stored of await store.readAll({ after, limit: 10_000 })) toProjected(stored);
const eventsHeap = liveHeapMiB();
console.log(`loaded and decoded ${head} events: live heap ${eventsHeap - baseHeap} MiB, RSS ${rssMiB()} MiB`);

const eachEvent = async (apply: (event: ProjectedEvent) => void) => {
  for (let after = 0; after < head; after += 10_000) for (const stored of await store.readAll({ after, limit: 10_000 })) apply(toProjected(stored));
};

/** One document per stream, rewritten by each of its events. */
const floor = async (): Promise<unknown> => {
  const docs = new Map<string, { readonly position: number; readonly at: number; readonly type: string }>();
  await eachEvent((e) => docs.set(e.stream, { position: e.position, at: e.occurredAt, type: e.event.type }));
  return docs;
};

interface TokenState {
  readonly data: Extract<DomainEvent, { type: 'TokenCreated' }>['data'];
  readonly used: boolean;
}
type CardState = Omit<Extract<DomainEvent, { type: 'CardCreated' }>['data'], 'cvcSource'>;
interface CustomerState {
  readonly id: string;
  readonly at: number;
  readonly email: string | null;
  readonly description: string | null;
  readonly metadata: unknown;
  readonly defaultCard: string | null;
  readonly cards: readonly CardState[];
}
interface ChargeState {
  readonly id: string;
  readonly at: number;
  readonly amount: number;
  readonly amountRefunded: number;
  readonly captured: boolean;
  readonly refunded: boolean;
  readonly expiresAt: number | null;
  readonly card: ChargedCard;
  readonly customer: string | null;
  readonly description: string | null;
  readonly metadata: unknown;
  readonly failureCode: string | null;
}
type ResourceState = TokenState | CardState | CustomerState | ChargeState | { readonly deleted: true; readonly id: string };
interface ApiEvent {
  readonly id: string;
  readonly type: string;
  readonly created: number;
  readonly data: ResourceState;
}
interface LineageEntry {
  readonly id: string;
  readonly at: number;
}
interface Lineage {
  readonly token: string;
  readonly cards: readonly LineageEntry[];
  readonly charges: readonly LineageEntry[];
  readonly apiEvents: readonly LineageEntry[];
}

/** A holder with a patch's given fields applied (undefined leaves a field as it was). */
const patched = (holder: CardHolder, patch: CardHolderPatch): CardHolder => {
  const next: Record<string, unknown> = { ...holder };
  for (const [key, value] of Object.entries(patch)) if (value !== undefined) next[key] = value;
  return next as unknown as CardHolder;
};

const LINEAGE_PART = 64;
/** Copy on write, as the real lineage documents; a full kind starts over (the real one seals a part). */
const added = (entries: readonly LineageEntry[], entry: LineageEntry) => (entries.length < LINEAGE_PART ? [...entries, entry] : [entry]);

const compact = async (): Promise<unknown> => {
  const tokens = new Map<string, TokenState>();
  const cards = new Map<string, CardState>();
  const customers = new Map<string, Map<string, CustomerState>>();
  const charges = new Map<string, ChargeState>();
  const apiEvents = new Map<string, ApiEvent>();
  const lastApiEvent = new Map<string, { readonly command: string; readonly id: string }>();
  const lineages = new Map<string, Lineage>();
  const tokenOf = new Map<string, string>();
  const lists = new Map<string, { created: number; seq: number; doc: unknown }[]>();
  const list = (kind: string, merchant: string, created: number, seq: number, doc: unknown) => {
    const key = `${kind}/${merchant}`;
    let entries = lists.get(key);
    if (entries === undefined) lists.set(key, (entries = []));
    entries.push({ created, seq, doc });
  };
  const customersOf = (merchant: string) => {
    let docs = customers.get(merchant);
    if (docs === undefined) customers.set(merchant, (docs = new Map()));
    return docs;
  };
  const noteInLineage = (token: string | undefined, apiEvent: ApiEvent, at: number) => {
    const lineage = token === undefined ? undefined : lineages.get(token);
    if (lineage === undefined || lineage.apiEvents.some((e) => e.id === apiEvent.id)) return;
    lineages.set(lineage.token, { ...lineage, apiEvents: added(lineage.apiEvents, { id: apiEvent.id, at }) });
  };

  await eachEvent(({ event, stream, revision, position, correlationId, occurredAt }) => {
    const { merchant } = event.data;
    let resource: { readonly id: string; readonly state: ResourceState; readonly type: string | null } | null = null;
    switch (event.type) {
      case 'TokenCreated': {
        const { data } = event;
        const state: TokenState = { data, used: false };
        tokens.set(data.tokenId, state);
        list('tokens', merchant, toUnixSeconds(data.at), position, state);
        lineages.set(data.tokenId, { token: data.tokenId, cards: [], charges: [], apiEvents: [] });
        resource = { id: data.tokenId, state, type: 'token.created' };
        break;
      }
      case 'TokenUsed': {
        const token = tokens.get(event.data.tokenId);
        if (token !== undefined) tokens.set(event.data.tokenId, { ...token, used: true });
        break;
      }
      case 'CardCreated': {
        const { cvcSource, ...state } = event.data;
        cards.set(state.cardId, state);
        list('cards', merchant, toUnixSeconds(state.at), position, state);
        tokenOf.set(state.cardId, cvcSource.token);
        const lineage = lineages.get(cvcSource.token);
        if (lineage !== undefined) lineages.set(cvcSource.token, { ...lineage, cards: [...lineage.cards, { id: state.cardId, at: state.at }] });
        resource = { id: state.cardId, state, type: 'customer.card.created' };
        break;
      }
      case 'CardUpdated': {
        const { data } = event;
        const card = cards.get(data.cardId);
        if (card === undefined) break;
        const state: CardState = { ...card, holder: patched(card.holder, data.holder), metadata: data.metadata ?? card.metadata };
        cards.set(data.cardId, state);
        const owners = customersOf(merchant);
        const customer = owners.get(data.customer);
        if (customer !== undefined) owners.set(data.customer, { ...customer, cards: customer.cards.map((c) => (c.cardId === data.cardId ? state : c)) });
        resource = { id: data.cardId, state, type: 'customer.card.updated' };
        break;
      }
      case 'CardDeleted':
        cards.delete(event.data.cardId);
        resource = { id: event.data.cardId, state: { deleted: true, id: event.data.cardId }, type: 'customer.card.deleted' };
        break;
      case 'CustomerCreated': {
        const { data } = event;
        const state: CustomerState = { id: data.customerId, at: data.at, email: data.email, description: data.description, metadata: data.metadata, defaultCard: null, cards: [] };
        customersOf(merchant).set(data.customerId, state);
        list('customers', merchant, toUnixSeconds(data.at), position, state);
        resource = { id: data.customerId, state, type: 'customer.created' };
        break;
      }
      case 'CustomerUpdated':
      case 'DefaultCardChanged':
      case 'CardAttached':
      case 'CardDetached': {
        const owners = customersOf(merchant);
        const customer = owners.get(event.data.customerId);
        if (customer === undefined) break;
        let state: CustomerState;
        if (event.type === 'CustomerUpdated') {
          const { email, description, metadata } = event.data;
          state = { ...customer, email: email === undefined ? customer.email : email, description: description === undefined ? customer.description : description, metadata: metadata ?? customer.metadata };
        }
        else if (event.type === 'DefaultCardChanged') state = { ...customer, defaultCard: event.data.card };
        else if (event.type === 'CardAttached') {
          const card = cards.get(event.data.card);
          state = card === undefined ? customer : { ...customer, cards: [card, ...customer.cards] };
        } else {
          const detached = event.data.card;
          state = { ...customer, cards: customer.cards.filter((c) => c.cardId !== detached) };
        }
        owners.set(customer.id, state);
        resource = { id: customer.id, state, type: event.type === 'CustomerUpdated' || event.type === 'DefaultCardChanged' ? 'customer.updated' : null };
        break;
      }
      case 'CustomerDeleted':
        customersOf(merchant).delete(event.data.customerId);
        resource = { id: event.data.customerId, state: { deleted: true, id: event.data.customerId }, type: 'customer.deleted' };
        break;
      case 'ChargeSucceeded':
      case 'ChargeFailed': {
        const { data } = event;
        const succeeded = event.type === 'ChargeSucceeded';
        const captured = event.type === 'ChargeSucceeded' && event.data.captured;
        const state: ChargeState = {
          id: data.chargeId,
          at: data.at,
          amount: data.amount,
          amountRefunded: 0,
          captured,
          refunded: false,
          expiresAt: event.type === 'ChargeSucceeded' ? event.data.expiresAt : null,
          card: data.card,
          customer: data.customer,
          description: data.description,
          metadata: data.metadata,
          failureCode: event.type === 'ChargeFailed' ? event.data.failureCode : null,
        };
        charges.set(data.chargeId, state);
        list('charges', merchant, toUnixSeconds(data.at), position, state);
        const token = data.card.cvcSource.token;
        tokenOf.set(data.chargeId, token);
        const lineage = lineages.get(token);
        if (lineage !== undefined) lineages.set(token, { ...lineage, charges: added(lineage.charges, { id: data.chargeId, at: data.at }) });
        resource = { id: data.chargeId, state, type: succeeded ? 'charge.succeeded' : 'charge.failed' };
        break;
      }
      case 'ChargeCaptured':
      case 'ChargeRefunded':
      case 'ChargeReauthorized':
      case 'ChargeUpdated':
      case 'ChargeExpired': {
        const charge = charges.get(event.data.chargeId);
        if (charge === undefined) break;
        let state: ChargeState;
        let type = 'charge.updated';
        if (event.type === 'ChargeCaptured') {
          state = { ...charge, captured: true, expiresAt: null, amountRefunded: charge.amountRefunded + event.data.released };
          type = 'charge.captured';
        } else if (event.type === 'ChargeRefunded') {
          state = { ...charge, refunded: true, amountRefunded: charge.amountRefunded + event.data.amount };
          type = 'charge.refunded';
        } else if (event.type === 'ChargeReauthorized') state = { ...charge, expiresAt: event.data.expiresAt };
        else if (event.type === 'ChargeUpdated') state = { ...charge, description: event.data.description ?? charge.description, metadata: event.data.metadata ?? charge.metadata };
        else state = charge;
        charges.set(charge.id, state);
        resource = { id: charge.id, state, type };
        break;
      }
      default: {
        const unhandled: never = event;
        throw new Error(`unhandled ${String(unhandled)}`);
      }
    }
    if (resource === null) return;

    // One command's changes to one resource make one API event, refreshed by its later events.
    const last = revision === 0 ? undefined : lastApiEvent.get(resource.id);
    let apiEvent: ApiEvent;
    if (last !== undefined && last.command === correlationId) {
      const existing = apiEvents.get(last.id);
      if (existing === undefined) return;
      apiEvent = { ...existing, data: resource.state };
    } else if (resource.type !== null) {
      apiEvent = { id: apiEventId(stream, revision), type: resource.type, created: toUnixSeconds(occurredAt), data: resource.state };
      list('events', merchant, apiEvent.created, position, apiEvent);
      lastApiEvent.set(resource.id, { command: correlationId, id: apiEvent.id });
    } else return;
    apiEvents.set(apiEvent.id, apiEvent);

    const state = resource.state;
    if ('cards' in state) for (const card of state.cards) noteInLineage(tokenOf.get(card.cardId), apiEvent, occurredAt);
    else noteInLineage(event.type === 'TokenCreated' ? resource.id : tokenOf.get(resource.id), apiEvent, occurredAt);
  });
  return [tokens, cards, customers, charges, apiEvents, lastApiEvent, lineages, tokenOf, lists];
};

let kept: unknown = null;
for (let run = 1; run <= runs; run++) {
  kept = null;
  liveHeapMiB();
  const started = performance.now();
  kept = await (mode === 'floor' ? floor() : compact());
  const seconds = (performance.now() - started) / 1000;
  const rate = Math.round(head / seconds);
  const documentsMiB = gc === undefined ? null : liveHeapMiB() - eventsHeap;
  console.log(
    `${mode} ${run}: ${seconds.toFixed(2)} s, ${rate} events/s${documentsMiB === null ? '' : `, live heap over the events ${documentsMiB} MiB`}, RSS ${rssMiB()} MiB, peak ${peakRssMiB()} MiB`,
  );
  const result = report(`rebuild-bound-${mode}-memory`, { events: head, run, seconds, eventsPerSecond: rate, eventsMiB: eventsHeap - baseHeap, documentsMiB, rssMiB: rssMiB(), peakRssMiB: peakRssMiB() });
  appendFileSync(new URL('./results/memory.jsonl', import.meta.url), `${JSON.stringify(result)}\n`);
}
void kept;
