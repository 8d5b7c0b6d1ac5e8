/**
 * The memory stores under the loads the demo and rebuilds put on them. Run: `npx vitest bench --run bench/memory-stores`.
 * Figures are for comparison between changes on one machine, not targets asserted anywhere.
 */
import { MemoryEventStore, MemoryReadModelStore } from '@kessai/adapters';
import { unsafeId, type EventToAppend } from '@kessai/domain';
import type { DocumentWrite, Generation, ListQuery } from '@kessai/projections';
import { bench, describe } from 'vitest';

const DOCS = 100_000;
const START = 1_496_790_000; // 2017-06-07, in Unix seconds
const chargeWrite = (i: number, merchant: string, created = START + i * 3): DocumentWrite => ({
  collection: 'charges',
  id: `ch_${merchant}_${i.toString(16).padStart(12, '0')}`,
  doc: { object: 'charge', id: `ch_${i}`, amount: 1000 + i, created, card: { object: 'card', last4: '4242', cvc_check: 'passed' } },
  index: { merchant, created, seq: i + 1, keys: { customer: `cus_${i % 1000}` } },
});
const fill = async (generation: Generation, order: readonly number[]) => {
  for (let b = 0; b < order.length; b += 1000)
    await generation.commit(
      order.slice(b, b + 1000).flatMap((i) => [chargeWrite(i, 'mer_a'), chargeWrite(i, 'mer_b')]),
      [{ projection: 'charges', position: b }],
    );
};
const inOrder = Array.from({ length: DOCS }, (_, i) => i);
const shuffled = (() => {
  const a = [...inOrder];
  let seed = 42;
  for (let i = a.length - 1; i > 0; i--) {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = seed % (i + 1);
    [a[i], a[j]] = [a[j] as number, a[i] as number];
  }
  return a;
})();

const live = await new MemoryReadModelStore().active();
await fill(live, inOrder);
const query: ListQuery = { collection: 'charges', merchant: 'mer_a', offset: 0, limit: 10 };

describe(`list over ${DOCS.toLocaleString()} charges of one merchant (and as many of another)`, () => {
  bench('newest 10', async () => {
    await live.list(query);
  });
  bench('limit 100 at offset 50,000', async () => {
    await live.list({ ...query, offset: 50_000, limit: 100 });
  });
  bench('one day (since/until), limit 100', async () => {
    await live.list({ ...query, since: START + 86_400, until: START + 2 * 86_400, limit: 100 });
  });
  bench('customer filter, 100 matches: the first 10', async () => {
    await live.list({ ...query, where: { customer: 'cus_7' } });
  });
  bench('customer filter, 100 matches: the last page (scans all 100k)', async () => {
    await live.list({ ...query, where: { customer: 'cus_7' }, offset: 95 });
  });
  bench('customer filter matching nothing (scans all 100k)', async () => {
    await live.list({ ...query, where: { customer: 'cus_none' } });
  });
  bench('a write then a list (read-your-writes in the HTTP facade)', async () => {
    await live.commit([chargeWrite(DOCS + 1, 'mer_a')], []);
    await live.list(query);
  });
});

describe('first list after writes out of order (one sort of 100k)', () => {
  let generation: Generation;
  bench(
    'list',
    async () => {
      await generation.list(query);
    },
    {
      iterations: 5,
      time: 0,
      setup: async () => {
        generation = await new MemoryReadModelStore().generation('shuffled');
        await fill(generation, shuffled);
      },
    },
  );
});

describe('rebuild-shaped commits: getMany + commit in batches of 500 (writes built beforehand)', () => {
  const batches = [0, 1].flatMap((pass) =>
    Array.from({ length: DOCS / 250 }, (_, b) => ({
      writes: inOrder.slice(b * 250, b * 250 + 250).flatMap((i) => [chargeWrite(i, 'mer_a'), chargeWrite(i, 'mer_b')]),
      checkpoint: { projection: 'charges', position: pass * DOCS + b * 250 },
    })),
  );
  const ids = batches.map(({ writes }) => writes.map((w) => w.id));
  bench(
    `${(2 * DOCS).toLocaleString()} creates then ${(2 * DOCS).toLocaleString()} updates`,
    async () => {
      const generation = await new MemoryReadModelStore().generation('rebuild');
      for (const [i, { writes, checkpoint }] of batches.entries()) {
        await generation.getMany('charges', ids[i] as string[]);
        await generation.commit(writes, [checkpoint]);
      }
    },
    { iterations: 5, time: 0 },
  );
});

const metadata = {
  merchant: unsafeId.merchant('mer_a'),
  correlationId: 'corr',
  causationId: null,
  idempotencyKey: null,
  occurredAt: 1_496_800_000_000,
};
const eventFor = (i: number): EventToAppend => ({
  type: 'ChargeCreated',
  version: 1,
  data: { chargeId: `ch_${i}`, amount: 1000, card: { last4: '4242', brand: 'Visa', cvc: { check: 'passed' } }, metadata: {} },
  metadata,
});

describe('event store: 1,000,000 events', () => {
  let store = new MemoryEventStore();
  bench(
    'append in pairs to 250,000 streams',
    async () => {
      store = new MemoryEventStore();
      for (let i = 0; i < 1_000_000; i += 2)
        await store.append({ stream: `charge-${i % 500_000 >> 1}`, expected: 'any', events: [eventFor(i), eventFor(i + 1)] });
    },
    { iterations: 2, time: 0 },
  );
  bench(
    'readAll in pages of 1,000',
    async () => {
      for (let after = 0; ; ) {
        const page = await store.readAll({ after, limit: 1000 });
        if (page.length === 0) break;
        after += page.length;
      }
    },
    { iterations: 5, time: 0 },
  );
});
