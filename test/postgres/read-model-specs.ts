import { connectPostgres, createPool, MemoryReadModelStore, PostgresReadModelStore, SeededRandom } from '@kessai/adapters';
import type { DocumentWrite, Generation, ReadModelStore } from '@kessai/projections';
import { beforeEach, expect, it } from 'vitest';
import type { TestPostgres } from '../support/postgres.js';
import { diffAll } from '../support/postgres-workload.js';

const merchants = ['mer_a', 'mer_b'];
const customers = ['cus_1', 'cus_2', 'cus_3'];

/** What only the PostgreSQL read model store has to prove: bulk commits agree with memory, indexes at the switch. */
export const readModelSpecs = (db: () => TestPostgres): void => {
  let store: PostgresReadModelStore;
  beforeEach(async () => {
    await db().reset();
    store = new PostgresReadModelStore({ pool: db().pool, schema: db().schema });
  });

  it('random batches of writes, deletions and index-keeping updates (one id written several times per batch) leave what memory leaves', async () => {
    const random = new SeededRandom(42);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random.nextFloat() * items.length)] as T;
    const memory = await new MemoryReadModelStore().active();
    const postgres = await store.active();
    for (let batch = 0; batch < 40; batch++) {
      const writes: DocumentWrite[] = [];
      for (let w = 0; w < 60; w++) {
        const collection = pick(['charges', 'cards']);
        const id = `${pick(merchants)}/obj_${Math.floor(random.nextFloat() * 40)}`;
        const roll = random.nextFloat();
        const doc = { id, batch, w, nested: { list: [w, batch], text: `ü "quoted" \\ ${w}` } };
        if (roll < 0.15) writes.push({ collection, id, doc: null, index: null });
        else if (roll < 0.5) writes.push({ collection, id, doc, index: null });
        else
          writes.push({
            collection,
            id,
            doc,
            index: {
              merchant: pick(merchants),
              created: 1_000 + Math.floor(random.nextFloat() * 20),
              seq: batch * 100 + w,
              keys: random.nextFloat() < 0.7 ? { customer: pick(customers) } : {},
            },
          });
      }
      const checkpoint = [{ projection: 'random', position: batch + 1 }];
      await memory.commit(writes, checkpoint);
      await postgres.commit(writes, checkpoint);
    }
    expect((await diffAll(memory, postgres)).totals).toEqual({ added: 0, removed: 0, changed: 0 });
    for (const collection of ['charges', 'cards'])
      for (const merchant of merchants)
        for (const where of [undefined, ...customers.map((customer) => ({ customer }))])
          for (const [offset, limit] of [[0, 100], [3, 5]] as const) {
            const query = { collection, merchant, offset, limit, ...(where === undefined ? {} : { where }), since: 1_003, until: 1_017 };
            expect(await postgres.list(query), JSON.stringify(query)).toEqual(await memory.list(query));
          }
    expect(await postgres.checkpoint('random')).toBe(40);
  }, 30_000);

  it('a generation gets its list indexes when it goes live, and lists the same without them before', async () => {
    const indexes = async (generation: Generation) => {
      const { rows } = await db().pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_indexes WHERE schemaname = $1 AND tablename = (SELECT 'rm_docs_' || id FROM ${db().schema}.rm_generations WHERE name = $2)`,
        [db().schema, generation.name],
      );
      return Number(rows[0]?.n);
    };
    const live = await store.active();
    expect(await indexes(live)).toBe(3);
    const next = await store.generation('next');
    expect(await indexes(next)).toBe(1);
    const write: DocumentWrite = { collection: 'charges', id: 'ch_1', doc: { id: 'ch_1' }, index: { merchant: 'mer_a', created: 1, seq: 1, keys: { customer: 'cus_1' } } };
    await next.commit([write], []);
    const query = { collection: 'charges', merchant: 'mer_a', where: { customer: 'cus_1' }, offset: 0, limit: 10 };
    expect((await next.list(query)).data).toEqual([{ id: 'ch_1' }]);
    await store.activate('next');
    expect(await indexes(next)).toBe(3);
    expect((await (await store.active()).list(query)).data).toEqual([{ id: 'ch_1' }]);
  });

  it("kessaiStores' read models commit without waiting for the disk; a store made alone waits, as the delivery state must", async () => {
    // Every statement sent on the pool's connections, as the server gets it.
    const sent: string[] = [];
    const pool = createPool(db().url, { max: 2 });
    pool.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        const [config] = args;
        sent.push(typeof config === 'string' ? config : (config as { text: string }).text);
        return query(...args);
      };
    });
    try {
      const connection = await connectPostgres(pool, { schema: db().schema });
      const keys = { encryptionKey: 'c3'.repeat(32), fingerprintSecret: 'a fingerprint secret for tests' };
      /** How many of a runner's commit and a plain commit turn synchronous_commit off. */
      const asynchronousCommits = async (readModels: ReadModelStore, projection: string) => {
        const generation = await readModels.active();
        sent.length = 0;
        await generation.commit([{ collection: 'charges', id: `${projection}/ch_1`, doc: { id: 'ch_1' }, index: null }], [{ projection, position: 1, from: 0 }]);
        await generation.commit([{ collection: 'charges', id: `${projection}/ch_2`, doc: { id: 'ch_2' }, index: null }], []);
        return sent.filter((text) => /set_config\('synchronous_commit', 'off', true\)/.test(text)).length;
      };
      expect(await asynchronousCommits(connection.kessaiStores(keys).readModels, 'derived')).toBe(2);
      expect(await asynchronousCommits(connection.readModelStore(), 'durable')).toBe(0);
    } finally {
      await pool.end();
    }
  });
};
