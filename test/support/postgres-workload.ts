import { generateScenario, merchantName } from '@kessai/adapters';
import type { StoredEvent } from '@kessai/domain';
import { collections, diffGenerations, type DiffReport, type Generation, type ListPage } from '@kessai/projections';

/** Every collection the PAY.JP views write, internal reference maps included. */
export const allCollections: readonly string[] = Object.values(collections);

export interface RecordedWorkload {
  readonly events: readonly StoredEvent[];
  readonly merchants: readonly string[];
}

/** A seeded workload through the embedded API (test-mode Kessai on the memory stores): every event type occurs. */
export const recordWorkload = async (seed: number, targetEvents: number, merchants = 2): Promise<RecordedWorkload> => {
  const scenario = await generateScenario({ seed, targetEvents, merchants });
  const events = await scenario.events.readAll({ limit: Number.POSITIVE_INFINITY });
  return { events, merchants: Array.from({ length: merchants }, (_, i) => merchantName(i)) };
};

/** The documents of two generations compared collection by collection (all collections). */
export const diffAll = (a: Generation, b: Generation): Promise<DiffReport> => diffGenerations(a, b, allCollections);

/**
 * What the API's lists show: every listed collection, per merchant, newest first, page by page; charges and cards
 * per customer; API events per type. Two generations that agree on these agree on every list a client can ask for.
 */
export const listsOf = async (generation: Generation, merchants: readonly string[]): Promise<Record<string, unknown[]>> => {
  const out: Record<string, unknown[]> = {};
  const all = async (label: string, query: Omit<Parameters<Generation['list']>[0], 'offset' | 'limit'>) => {
    const docs: unknown[] = [];
    for (let offset = 0, page: ListPage | undefined; page === undefined || page.hasMore; offset += 100) {
      page = await generation.list({ ...query, offset, limit: 100 });
      docs.push(...page.data);
    }
    out[label] = docs;
    return docs;
  };
  for (const merchant of merchants) {
    for (const collection of [collections.tokens, collections.cards, collections.customers, collections.charges, collections.events, collections.lineage, collections.lineageParts])
      await all(`${merchant} ${collection}`, { collection, merchant });
    const customers = (out[`${merchant} ${collections.customers}`] ?? []) as { id: string }[];
    for (const { id } of customers.slice(0, 10)) {
      await all(`${merchant} charges of ${id}`, { collection: collections.charges, merchant, where: { customer: id } });
      await all(`${merchant} cards of ${id}`, { collection: collections.cards, merchant, where: { customer: id } });
    }
    for (const type of ['charge.succeeded', 'charge.captured', 'customer.card.created', 'customer.deleted'])
      await all(`${merchant} events ${type}`, { collection: collections.events, merchant, where: { type } });
    await all(`${merchant} charges in a window`, { collection: collections.charges, merchant, since: 1_496_800_000, until: 1_496_830_000 });
  }
  return out;
};
