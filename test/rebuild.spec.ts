/**
 * Rebuild, diff and time travel on the embedded store. A deliberately wrong charge view is deployed, then the
 * right one is rebuilt beside it: the diff names exactly the charges the fix corrected.
 */
import { MemoryEventStore, MemoryReadModelStore, testModeKessai } from '@kessai/adapters';
import { unsafeId, type Result } from '@kessai/domain';
import {
  collections,
  makeChargesView,
  payjpViews,
  PayjpQueries,
  ProjectionRunner,
  renderChargedCard,
  type PayjpCustomer,
  type Progress,
} from '@kessai/projections';
import { beforeAll, describe, expect, it } from 'vitest';

const merchant = unsafeId.merchant('acme');
const value = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
};

/** The bug: a charge shows the cvc_check of the customer's default card at projection time, not of the card charged. */
const wrongChargesView = makeChargesView((snapshot, docs, m) => {
  const right = renderChargedCard(snapshot);
  if (snapshot.customer === null) return right;
  const customer = docs.get<PayjpCustomer>(collections.customers, m, snapshot.customer);
  const defaultCard = customer?.cards.data.find((c) => c.id === customer.default_card);
  return defaultCard === undefined ? right : { ...right, cvc_check: defaultCard.cvc_check };
});

const card = (number: string, cvc?: string) => ({ card: { number, exp_month: 12, exp_year: 2030, ...(cvc === undefined ? {} : { cvc }) } });

describe('given charges projected by a wrong charge view', () => {
  const setup = testModeKessai({ seed: 3, views: payjpViews({ charges: wrongChargesView }) });
  const { kessai, clock, events, readModels } = setup;
  const wronglyShown = new Set<string>();
  const charges: string[] = [];

  beforeAll(async () => {
    // One customer, a passed default card and an unchecked second card (no CVC sent).
    const passed = value(await kessai.tokens.create(merchant, card('4242424242424242', '123')));
    const unchecked = value(await kessai.tokens.create(merchant, card('5555555555554444')));
    const customer = value(await kessai.customers.create(merchant, { card: passed.id }));
    value(await kessai.customers.cards.create(merchant, customer.id, { card: unchecked.id }));
    for (let i = 0; i < 6; i++) {
      clock.advance(60_000);
      // Even charges use the default card (shown right); odd ones the other card (shown wrong by the bug).
      const onOther = i % 2 === 1;
      const charge = value(
        await kessai.charges.create(merchant, { amount: 1000 + i, currency: 'jpy', customer: customer.id, ...(onOther ? { card: unchecked.card.id } : {}) }),
      );
      charges.push(charge.id);
      if (onOther) wronglyShown.add(charge.id);
    }
    // A token charge: no customer, the bug cannot touch it.
    const direct = value(await kessai.tokens.create(merchant, card('3530111333300000', '999')));
    charges.push(value(await kessai.charges.create(merchant, { amount: 800, currency: 'jpy', card: direct.id })).id);
  });

  it('then every charge shows passed: right for most, wrong for those made on the unchecked card', async () => {
    for (const id of charges) expect(value(await kessai.charges.retrieve(merchant, id)).card.cvc_check).toBe('passed');
    expect(wronglyShown.size).toBe(3);
  });

  it('when the right view is rebuilt beside it, then the diff lists exactly the corrected charges, and the switch shows the fix', async () => {
    const progress: Progress[] = [];
    const runner = new ProjectionRunner({ events, readModels, views: payjpViews(), batchSize: 7 });
    const result = await runner.rebuild({ onProgress: (p) => progress.push(p) });

    expect(result.activated).toBe(true);
    expect(result.generation).not.toBe(result.previous);
    const diff = result.diff!;
    const chargeIds = diff.collections['charges']!.changed.map((c) => c.id.split('/')[1]);
    expect(new Set(chargeIds)).toEqual(wronglyShown);
    for (const changed of diff.collections['charges']!.changed) expect(changed.paths).toEqual(['card.cvc_check']);
    expect(diff.collections['charges']!.added).toEqual([]);
    expect(diff.collections['charges']!.removed).toEqual([]);
    // The API events of those charges embedded the wrong value too, and nothing else changed.
    for (const name of ['tokens', 'cards', 'customers', 'lineage']) expect(diff.collections[name]).toEqual({ added: [], removed: [], changed: [] });
    expect(diff.collections['events']!.changed.length).toBe(wronglyShown.size);

    // Progress reached the head, in batches.
    const head = await events.headPosition();
    expect(progress.at(-1)).toMatchObject({ position: head, head });
    expect(progress.length).toBe(Math.ceil(head / 7));

    // Readers now see the fix.
    const queries = new PayjpQueries(readModels);
    for (const id of wronglyShown) expect(value(await queries.charge(merchant, id)).card.cvc_check).toBe('unchecked');
    // Queries on one generation keep reading it after the switch: the old one still shows the wrong value.
    const onPrevious = new PayjpQueries(await readModels.generation(result.previous));
    for (const id of wronglyShown) expect(value(await onPrevious.charge(merchant, id)).card.cvc_check).toBe('passed');
  });
});

describe('given a rebuild that crashes half-way', () => {
  it('when run again with the same generation, then it resumes from its checkpoint and equals a clean rebuild', async () => {
    const { kessai, clock, events } = testModeKessai({ seed: 5 });
    for (let i = 0; i < 30; i++) {
      clock.advance(1000);
      const token = value(await kessai.tokens.create(merchant, card('4242424242424242', i % 2 === 0 ? '123' : undefined)));
      if (i % 3 === 0) value(await kessai.customers.create(merchant, { card: token.id }));
      else value(await kessai.charges.create(merchant, { amount: 500 + i, currency: 'jpy', card: token.id }));
    }
    const head = await events.headPosition();

    const crashed = new MemoryReadModelStore();
    const runner = new ProjectionRunner({ events, readModels: crashed, views: payjpViews(), batchSize: 10 });
    const partial = await runner.rebuild({ generation: 'blue-2', stopAfter: Math.floor(head / 2) });
    expect(partial.activated).toBe(false);
    expect(partial.position).toBeLessThan(head);
    const resumed = await runner.rebuild({ generation: 'blue-2' });
    expect(resumed.position).toBe(head);

    const clean = new MemoryReadModelStore();
    await new ProjectionRunner({ events, readModels: clean, views: payjpViews() }).rebuild({ generation: 'blue-2' });
    const diff = await import('@kessai/projections').then((p) =>
      Promise.all([crashed.generation('blue-2'), clean.generation('blue-2')]).then(([a, b]) => p.diffGenerations(a, b, p.reportedCollections)),
    );
    expect(diff.totals).toEqual({ added: 0, removed: 0, changed: 0 });
    expect((await (await clean.generation('blue-2')).list({ collection: 'charges', merchant, offset: 0, limit: 100 })).data.length).toBe(20);
  });
});

describe('time travel', () => {
  it('given a workload over an afternoon, when read models are built as of 18:00 JST, then GET /v1/charges equals that of a store truncated there', async () => {
    const { kessai, clock, events } = testModeKessai({ seed: 9, startAt: Date.parse('2017-06-07T07:00:00Z') });
    for (let i = 0; i < 24; i++) {
      clock.advance(10 * 60_000);
      const token = value(await kessai.tokens.create(merchant, card('4242424242424242', '123')));
      const charge = value(await kessai.charges.create(merchant, { amount: 1000 + i, currency: 'jpy', card: token.id, capture: i % 2 === 0 }));
      if (i % 2 === 1) value(await kessai.charges.capture(merchant, charge.id));
    }
    const t = Date.parse('2017-06-07T09:00:00Z');
    const all = await events.readAll({ limit: 10_000 });
    const truncated = new MemoryEventStore({ events: all.filter((e) => e.metadata.occurredAt <= t) });
    const reference = new MemoryReadModelStore();
    await new ProjectionRunner({ events: truncated, readModels: reference, views: payjpViews() }).catchUp();

    const asOf = new MemoryReadModelStore();
    await new ProjectionRunner({ events, readModels: asOf, views: payjpViews() }).buildAsOf(asOf, { time: t });

    const listAt = async (store: MemoryReadModelStore) => value(await new PayjpQueries(store).charges(merchant, { limit: 100 }));
    const expected = await listAt(reference);
    expect(expected.count).toBeGreaterThan(5);
    expect(expected.count).toBeLessThan(24);
    expect(await listAt(asOf)).toEqual(expected);

    const byPosition = new MemoryReadModelStore();
    const position = truncated.headPosition();
    await new ProjectionRunner({ events, readModels: byPosition, views: payjpViews() }).buildAsOf(byPosition, { position: await position });
    expect(await listAt(byPosition)).toEqual(expected);
  });
});
