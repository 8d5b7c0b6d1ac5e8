/**
 * A card charged again and again: its token's lineage keeps its latest entries in its document and seals older
 * ones in parts, so a charge never rewrites the whole history. Read whole, the lineage (and the impact report that
 * walks it) still names every charge and every API event, once, in order.
 */
import { MemoryReadModelStore, testModeKessai } from '@kessai/adapters';
import { unsafeId, type Result } from '@kessai/domain';
import {
  collections,
  incidentImpact,
  LINEAGE_PART_SIZE,
  payjpViews,
  ProjectionRunner,
  type LineageDocument,
  type LineagePart,
} from '@kessai/projections';
import { beforeAll, describe, expect, it } from 'vitest';

const merchant = unsafeId.merchant('acme');
const value = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
};
const card = (number: string) => ({ card: { number, exp_month: 12, exp_year: 2030, cvc: '123' } });

describe("given one customer's card charged 141 times (some captured later, some refunded), then a second card made default by an update, and charged 9 times", () => {
  const { kessai, clock, events } = testModeKessai({ seed: 11 });
  const charges: string[] = [];
  let token = '';
  let otherToken = '';
  let firstCard = '';

  beforeAll(async () => {
    token = value(await kessai.tokens.create(merchant, card('4242424242424242'))).id;
    const customer = value(await kessai.customers.create(merchant, { id: 'cus_regular', card: token }));
    firstCard = customer.default_card ?? '';
    for (let i = 0; i < 150; i++) {
      clock.advance(60_000);
      const charge = value(await kessai.charges.create(merchant, { amount: 1000 + i, currency: 'jpy', customer: customer.id, capture: i % 3 !== 0 }));
      charges.push(charge.id);
      if (i % 3 === 0) value(await kessai.charges.capture(merchant, charge.id, {}));
      if (i % 10 === 5) value(await kessai.charges.refund(merchant, charge.id, {}));
      if (i === 140) {
        // A second card, made default in an update with an email: one command, two domain events, one API event
        // (customer.updated), noted in both tokens' lineages. Later charges are of the second card.
        otherToken = value(await kessai.tokens.create(merchant, card('5555555555554444'))).id;
        const other = value(await kessai.customers.cards.create(merchant, customer.id, { card: otherToken }));
        value(await kessai.customers.update(merchant, customer.id, { email: 'regular@example.jp', default_card: other.id }));
      }
    }
  });

  /** The API events whose data shows the first token's decision (its token, its card, a customer or charge with that card), oldest first. */
  const firstTokenApiEvents = async () => {
    const found: string[] = [];
    for (let offset = 0; ; offset += 100) {
      const page = value(await kessai.events.list(merchant, { limit: 100, offset }));
      for (const { id, data } of page.data) {
        const d = data as { object?: string; id: string; card?: { id: string }; cards?: { data: { id: string }[] } };
        const shows =
          (d.object === 'token' && d.id === token) ||
          (d.object === 'card' && d.id === firstCard) ||
          (d.object === 'charge' && d.card?.id === firstCard) ||
          (d.object === 'customer' && (d.cards?.data ?? []).some((c) => c.id === firstCard));
        if (shows) found.push(id);
      }
      if (!page.has_more) return found.reverse();
    }
  };

  it('then the lineage document holds only its latest entries, and the sealed parts hold the rest, each full', async () => {
    const live = await kessai.readModels.active();
    const document = (await live.get(collections.lineage, `acme/${token}`)) as LineageDocument;
    expect(document.charges.length).toBeLessThanOrEqual(LINEAGE_PART_SIZE);
    expect(document.sealed.charges).toBe(Math.floor(141 / LINEAGE_PART_SIZE));
    expect(document.sealed.apiEvents).toBeGreaterThan(2);
    expect(document.apiEvents.length).toBeLessThanOrEqual(LINEAGE_PART_SIZE);
    for (let part = 0; part < document.sealed.charges; part++) {
      const sealed = (await live.get(collections.lineageParts, `acme/${token}/charges/${part}`)) as LineagePart;
      expect(sealed.entries).toHaveLength(LINEAGE_PART_SIZE);
    }
  });

  it('then the lineage read whole lists every charge in order, and every API event carrying the token once', async () => {
    const lineage = await kessai.queries.lineage(merchant, token);
    expect(lineage?.charges.map((c) => c.id)).toEqual(charges.slice(0, 141));
    const ids = lineage?.apiEvents.map((e) => e.id) ?? [];
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(await firstTokenApiEvents());
    expect((await kessai.queries.lineage(merchant, otherToken))?.charges.map((c) => c.id)).toEqual(charges.slice(141));
  });

  it('then the impact report names every charge and every API event of the token', async () => {
    const createdAt = value(await kessai.tokens.retrieve(merchant, token)).created * 1000;
    const report = await incidentImpact(await kessai.readModels.active(), { by: 'window', window: { from: createdAt, to: createdAt + 1_000 } });
    const objects = report.merchants[0]?.objects ?? [];
    expect(objects.filter((o) => o.path === 10).map((o) => o.id).sort()).toEqual(charges.slice(0, 141).sort());
    const lineage = await kessai.queries.lineage(merchant, token);
    expect(objects.filter((o) => o.path === 12)).toHaveLength(lineage?.apiEvents.length ?? -1);
  });

  it('then a rebuild makes the same documents and parts', async () => {
    const rebuiltInto = new MemoryReadModelStore();
    await new ProjectionRunner({ events, readModels: rebuiltInto, views: payjpViews() }).catchUp();
    const [live, rebuilt] = [await kessai.readModels.active(), await rebuiltInto.active()];
    for (const collection of [collections.lineage, collections.lineageParts]) {
      const docs = async (g: typeof live) => {
        const all: unknown[] = [];
        for await (const entry of g.scan(collection)) all.push(entry);
        return all;
      };
      expect(await docs(rebuilt)).toEqual(await docs(live));
    }
  });
});

describe('given a lineage document written before sealed parts existed (no `sealed`), holding 70 charges', () => {
  it('then a new charge of its card adds to it: the 70 are sealed in one part, and the lineage read whole lists all 71', async () => {
    const { kessai } = testModeKessai({ seed: 12 });
    const token = value(await kessai.tokens.create(merchant, card('4242424242424242'))).id;
    const customer = value(await kessai.customers.create(merchant, { card: token }));
    const charges: string[] = [];
    for (let i = 0; i < 70; i++) charges.push(value(await kessai.charges.create(merchant, { amount: 500, currency: 'jpy', customer: customer.id })).id);
    // The document as the earlier view kept it: every entry in it, and none of the fields of sealed parts.
    const live = await kessai.readModels.active();
    const whole = await kessai.queries.lineage(merchant, token);
    if (whole === null) throw new Error('lineage');
    await live.commit(
      [
        { collection: collections.lineage, id: `acme/${token}`, doc: whole, index: null },
        ...[...(await scanIds(live, collections.lineageParts))].map((id) => ({ collection: collections.lineageParts, id, doc: null, index: null })),
      ],
      [],
    );
    expect(whole.charges).toHaveLength(70);

    charges.push(value(await kessai.charges.create(merchant, { amount: 500, currency: 'jpy', customer: customer.id })).id);
    const document = (await live.get(collections.lineage, `acme/${token}`)) as LineageDocument;
    expect([document.sealed.charges, document.charges.length]).toEqual([1, 1]);
    expect((await kessai.queries.lineage(merchant, token))?.charges.map((c) => c.id)).toEqual(charges);
  });
});

const scanIds = async (generation: Awaited<ReturnType<MemoryReadModelStore['active']>>, collection: string): Promise<Set<string>> => {
  const ids = new Set<string>();
  for await (const [id] of generation.scan(collection)) ids.add(id);
  return ids;
};
