import type { CvcCheck } from '@kessai/domain';
import type { Generation } from '../read-model-store.js';
import { collections } from '../views/collections.js';
import { asLineageDocument, readLineage, type LineageDocument } from '../views/lineage.js';
import { incidentPaths, type IncidentPath } from './paths.js';

/** Affected tokens whose objects are looked up together (see `settle` in incidentImpact). */
const IMPACT_BATCH = 500;

export interface ImpactOptions {
  /** One merchant's objects; every merchant's when absent (each merchant still gets its own section). */
  readonly merchant?: string;
  /** Tokens created in this half-open window (epoch ms) are suspect. */
  readonly window?: { readonly from: number; readonly to: number };
  /**
   * How a token is judged affected: 'signature' (a CVC was supplied, yet the answer is `unchecked`: the value is
   * known to be wrong) or 'window' (created inside the window, whatever the data says). Default: 'signature'.
   */
  readonly by?: 'signature' | 'window';
}

/** One object that showed (or shows) a token's wrong value, on one path. */
export interface ImpactedObject {
  readonly merchant: string;
  readonly path: IncidentPath;
  readonly object: 'token' | 'customer' | 'card' | 'charge' | 'event';
  readonly id: string;
  /** The calls whose responses carried the value for this object. */
  readonly calls: readonly string[];
  /** The affected token(s) whose decision it carried (a customer may hold cards of several). */
  readonly tokens: readonly string[];
  /** Whether the object can still be read (a deleted customer or card no longer answers). */
  readonly present: boolean;
}

export interface TokenVerdict {
  readonly merchant: string;
  readonly token: string;
  readonly createdAt: number;
  readonly check: CvcCheck;
  readonly supplied: boolean | null;
  readonly verifier: string | null;
  readonly inWindow: boolean;
  readonly signature: boolean;
}

export interface MerchantImpact {
  readonly merchant: string;
  readonly tokens: { readonly affected: number; readonly total: number };
  /** Objects per path (each object once per path). */
  readonly counts: Readonly<Record<IncidentPath, number>>;
  readonly objects: readonly ImpactedObject[];
  /** Tokens the window and the signature judge differently, with why. */
  readonly disagreements: readonly (TokenVerdict & { readonly reason: string })[];
}

export interface ImpactReport {
  readonly by: 'signature' | 'window';
  readonly window: { readonly from: number; readonly to: number } | null;
  readonly merchants: readonly MerchantImpact[];
  /** Every token of the merchants in scope with its decision: the timeline is drawn from these. */
  readonly tokens: readonly TokenVerdict[];
}

const splitKey = (key: string) => {
  const slash = key.indexOf('/');
  return { merchant: key.slice(0, slash), id: key.slice(slash + 1) };
};

/**
 * Answers "which of my objects, on which API paths, showed a wrong cvc_check?": the affected tokens (by signature
 * or window), then through lineage every card, customer, charge and API event that carried their decision, sorted
 * into paths 1-12 of INCIDENT.md, per merchant. It reads the live read models and nothing else.
 */
export const incidentImpact = async (generation: Generation, options: ImpactOptions = {}): Promise<ImpactReport> => {
  const by = options.by ?? 'signature';
  if (by === 'window' && options.window === undefined) throw new Error('An impact by window needs a window.');
  const window = options.window ?? null;

  const tokens: TokenVerdict[] = [];
  interface Section {
    /** One entry per (path, object), in the order first found. */
    readonly objects: Map<string, ImpactedObject & { tokens: string[] }>;
    readonly disagreements: MerchantImpact['disagreements'][number][];
    affected: number;
    total: number;
  }
  const byMerchant = new Map<string, Section>();
  const section = (merchant: string) => {
    let s = byMerchant.get(merchant);
    if (s === undefined) byMerchant.set(merchant, (s = { objects: new Map(), disagreements: [], affected: 0, total: 0 }));
    return s;
  };

  /**
   * Affected tokens wait here, IMPACT_BATCH at a time, so that whether each object still exists is asked with one
   * getMany per collection for the whole batch: on PostgreSQL one round trip per object was most of a report's time.
   * Objects are then added in the same order as one token at a time would add them.
   */
  const pending: { readonly section: Section; readonly merchant: string; readonly document: LineageDocument }[] = [];
  const settle = async (batch: readonly (typeof pending)[number][]) => {
    if (batch.length === 0) return;
    const lineages = await Promise.all(batch.map(({ document }) => readLineage(generation, document)));
    const wanted = new Map<string, Set<string>>();
    const want = (collection: string, merchant: string, id: string) => {
      let keys = wanted.get(collection);
      if (keys === undefined) wanted.set(collection, (keys = new Set()));
      keys.add(`${merchant}/${id}`);
    };
    batch.forEach(({ merchant }, i) => {
      const lineage = lineages[i]!;
      want(collections.tokens, merchant, lineage.token);
      for (const card of lineage.cards) {
        want(collections.cards, merchant, card.id);
        want(collections.customers, merchant, card.customer);
      }
      for (const charge of lineage.charges) want(collections.charges, merchant, charge.id);
      for (const event of lineage.apiEvents) want(collections.events, merchant, event.id);
    });
    const found = new Map<string, ReadonlyMap<string, unknown>>();
    await Promise.all([...wanted].map(async ([collection, keys]) => found.set(collection, await generation.getMany(collection, [...keys]))));
    const exists = (collection: string, merchant: string, id: string) => found.get(collection)?.has(`${merchant}/${id}`) === true;

    batch.forEach(({ section: s, merchant }, i) => {
      const lineage = lineages[i]!;
      const add = (path: IncidentPath, object: ImpactedObject['object'], id: string, present: boolean, calls?: readonly string[]) => {
        const key = `${path}/${id}`;
        const known = s.objects.get(key);
        if (known === undefined) s.objects.set(key, { merchant, path, object, id, calls: calls ?? incidentPaths[path - 1]!.calls, tokens: [lineage.token], present });
        else if (!known.tokens.includes(lineage.token)) known.tokens.push(lineage.token);
      };

      add(1, 'token', lineage.token, exists(collections.tokens, merchant, lineage.token));
      const customers = new Set<string>();
      for (const card of lineage.cards) {
        const cardPresent = exists(collections.cards, merchant, card.id);
        const customerPresent = exists(collections.customers, merchant, card.customer);
        if (card.origin === 'customer.create') add(2, 'customer', card.customer, customerPresent);
        // A card added by POST /v1/customers/{cus} with card=tok shows in that response: path 5, listed below.
        else if (card.origin !== 'customer.update') add(3, 'card', card.id, cardPresent);
        add(7, 'card', card.id, cardPresent);
        customers.add(card.customer);
      }
      for (const customer of customers) {
        const present = exists(collections.customers, merchant, customer);
        add(4, 'customer', customer, present);
        add(5, 'customer', customer, present);
        add(6, 'customer', customer, present);
      }
      for (const charge of lineage.charges) {
        const present = exists(collections.charges, merchant, charge.id);
        add(charge.via === 'token' ? 8 : 9, 'charge', charge.id, present);
        add(10, 'charge', charge.id, present);
        add(11, 'charge', charge.id, present);
      }
      for (const event of lineage.apiEvents) add(12, 'event', event.id, exists(collections.events, merchant, event.id), [`${event.type}: GET /v1/events/{event}, webhook`]);
    });
  };

  for await (const [key, doc] of generation.scan(collections.lineage)) {
    const { merchant } = splitKey(key);
    if (options.merchant !== undefined && merchant !== options.merchant) continue;
    const document = asLineageDocument(doc);
    if (document === null) continue;
    const verdict: TokenVerdict = {
      merchant,
      token: document.token,
      createdAt: document.createdAt,
      check: document.cvc.check,
      supplied: document.cvc.supplied,
      verifier: document.cvc.verifier === null ? null : `${document.cvc.verifier.name}@${document.cvc.verifier.version}`,
      inWindow: window !== null && document.createdAt >= window.from && document.createdAt < window.to,
      signature: document.cvc.supplied === true && document.cvc.check === 'unchecked',
    };
    tokens.push(verdict);
    const s = section(merchant);
    s.total++;
    if (window !== null && verdict.inWindow !== verdict.signature)
      s.disagreements.push({
        ...verdict,
        reason: verdict.inWindow
          ? verdict.supplied === false
            ? 'created in the window without a CVC: unchecked is the true answer'
            : verdict.supplied === null
              ? 'created in the window before provenance was recorded: whether a CVC was sent is unknown'
              : `created in the window, yet the verifier answered ${verdict.check}`
          : 'a CVC was sent and the answer is unchecked, outside the window: another fault?',
      });
    const affected = by === 'signature' ? verdict.signature : verdict.inWindow;
    if (!affected) continue;
    s.affected++;
    pending.push({ section: s, merchant, document });
    if (pending.length >= IMPACT_BATCH) await settle(pending.splice(0));
  }
  await settle(pending);

  const merchants = [...byMerchant.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([merchant, s]): MerchantImpact => {
      const objects = [...s.objects.values()].sort((a, b) => a.path - b.path);
      const counts = Object.fromEntries(incidentPaths.map((p) => [p.path, 0])) as Record<IncidentPath, number>;
      for (const o of objects) counts[o.path]++;
      return { merchant, tokens: { affected: s.affected, total: s.total }, counts, objects, disagreements: s.disagreements };
    });
  return { by, window, merchants, tokens };
};
