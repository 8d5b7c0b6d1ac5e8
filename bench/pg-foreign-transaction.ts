/**
 * A token create on PostgreSQL while another application holds a writing transaction open on the same server (in
 * the `postgres` database): how long it takes and what it answers. Before migration 7 the read horizon was
 * server-wide, and the command waited for its own events (readYourWritesTimeoutMs, 5 s) and then answered 404.
 *
 *   node --import tsx bench/pg-foreign-transaction.ts [url]
 *
 * Uses a fresh schema of the `test` database (or the given url's), dropped at the end; prints one line per create
 * and appends a JSON line to bench/results/postgres.jsonl.
 */
import { connectPostgres, createPool, testModeKessai } from '@kessai/adapters';
import { unsafeId } from '@kessai/domain';
import { report } from './machine.js';
import { saveResult } from './pg-common.js';

const url = process.argv[2] ?? process.env['KESSAI_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const pg = await connectPostgres(url, { schema: `kessai_bench_foreign_${process.pid}` });
const other = createPool(url.replace(/\/[^/?]+(\?|$)/, '/postgres$1'), { max: 1 });
try {
  const { kessai } = testModeKessai({ seed: 3, events: pg.eventStore(), readModels: pg.readModelStore() });
  const merchant = unsafeId.merchant('acme');
  const create = async (label: string) => {
    const started = performance.now();
    const token = await kessai.tokens.create(merchant, { card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' } });
    const ms = Math.round(performance.now() - started);
    const answer = token.ok ? `token ${token.value.id}` : `${token.error.status} ${token.error.message}`;
    console.log(`${label}: ${ms} ms, ${answer}`);
    return { ms, ok: token.ok };
  };
  const alone = await create('alone');
  const client = await other.connect();
  await client.query('BEGIN');
  await client.query('SELECT pg_current_xact_id()');
  const beside = await create('beside an open writing transaction in another database');
  await client.query('ROLLBACK');
  client.release();
  saveResult(report('pg-foreign-transaction', { aloneMs: alone.ms, aloneOk: alone.ok, besideMs: beside.ms, besideOk: beside.ok }));
} finally {
  await other.end();
  await pg.pool.query(`DROP SCHEMA IF EXISTS "${pg.schema}" CASCADE`);
  await pg.close();
}
