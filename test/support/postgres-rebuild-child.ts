/**
 * Child process of the crash test (postgres-stores.spec.ts): rebuilds the PAY.JP views into a named generation
 * against PostgreSQL, in small batches, and says where it ended. The parent kills it with SIGKILL mid-way, then
 * runs it again to finish. Run with `node --import tsx`; configured by environment:
 * KESSAI_TEST_PG_URL, KESSAI_TEST_PG_SCHEMA, KESSAI_TEST_GENERATION, KESSAI_TEST_BATCH, KESSAI_TEST_READ_DELAY_MS.
 */
import { createPool, PostgresEventStore, PostgresReadModelStore } from '@kessai/adapters';
import type { EventStore } from '@kessai/domain';
import { payjpViews, ProjectionRunner } from '@kessai/projections';

const setting = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set`);
  return value;
};

const pool = createPool(setting('KESSAI_TEST_PG_URL'), { max: 2 });
const schema = setting('KESSAI_TEST_PG_SCHEMA');
const delayMs = Number(process.env['KESSAI_TEST_READ_DELAY_MS'] ?? '0');
const store = new PostgresEventStore({ pool, schema });

// A pause before each read makes the rebuild slow enough for the parent to catch it half-way.
const events: EventStore = {
  atomicMultiStreamAppend: store.atomicMultiStreamAppend,
  append: (r) => store.append(r),
  appendMany: (r) => store.appendMany(r),
  readStream: (s, o) => store.readStream(s, o),
  readAll: async (o) => {
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    return store.readAll(o);
  },
  headPosition: () => store.headPosition(),
};

const runner = new ProjectionRunner({
  events,
  readModels: new PostgresReadModelStore({ pool, schema }),
  views: payjpViews(),
  batchSize: Number(setting('KESSAI_TEST_BATCH')),
});
const result = await runner.rebuild({ generation: setting('KESSAI_TEST_GENERATION'), activate: false, diff: false });
process.stdout.write(`${JSON.stringify({ position: result.position, processed: result.processed })}\n`);
await pool.end();
