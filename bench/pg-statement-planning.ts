/**
 * What planning a read at each call costs, against a prepared statement (docs/decisions.md, prepared statements):
 * `readStream`'s query on a fresh schema of 300 one-event streams, sent alternately as a prepared statement, as an
 * unnamed statement (parsed and planned at each call, what the store sends), and unnamed in a leaner form (no
 * from/to conditions), on one pool, 3,000 times each.
 *
 *   node --import tsx bench/pg-statement-planning.ts
 *
 * Uses a fresh schema in the server's `test` database (KESSAI_PG_URL when set), dropped at the end.
 */
import { connectPostgres } from '@kessai/adapters';
import { unsafeId } from '@kessai/domain';
import { peakRssMiB, report } from './machine.js';
import { saveResult } from './pg-common.js';

const url = process.env['KESSAI_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `kessai_bench_planning_${process.pid}`;
const pg = await connectPostgres(url, { schema });
try {
  const store = pg.eventStore();
  const metadata = { merchant: unsafeId.merchant('acme'), correlationId: 'req', causationId: null, idempotencyKey: null, occurredAt: 1_496_807_701_458 };
  for (let i = 0; i < 300; i++) await store.append({ stream: `s-${i}`, expected: 'no_stream', events: [{ type: 'BenchEventRecorded', version: 1, data: { i }, metadata }] });
  const columns = `position, stream, revision, type, version, data, metadata, floor(extract(epoch FROM recorded_at) * 1000)::float8 AS recorded_at`;
  const text = `SELECT ${columns} FROM "${schema}".events
    WHERE stream = $1 AND ($2::bigint IS NULL OR revision >= $2) AND ($3::bigint IS NULL OR revision <= $3) ORDER BY revision LIMIT $4`;
  const lean = `SELECT ${columns} FROM "${schema}".events WHERE stream = $1 ORDER BY revision LIMIT $2`;
  const spent = { prepared: 0, unnamed: 0, leanUnnamed: 0 };
  const calls = 3_000;
  const timed = async (key: keyof typeof spent, call: () => Promise<unknown>) => {
    const started = performance.now();
    await call();
    spent[key] += performance.now() - started;
  };
  for (let i = 0; i < calls; i++) {
    const stream = `s-${i % 300}`;
    await timed('prepared', () => pg.pool.query({ name: 'bench_read_stream', text, values: [stream, null, null, 1000] }));
    await timed('unnamed', () => pg.pool.query(text, [stream, null, null, 1000]));
    await timed('leanUnnamed', () => pg.pool.query(lean, [stream, 1000]));
  }
  const us = Object.fromEntries(Object.entries(spent).map(([k, v]) => [k, Math.round((v * 1000) / calls)]));
  console.log(`readStream, µs a call over ${calls} each, alternating:`, us);
  saveResult(report('pg-statement-planning', { calls, readStreamUs: us, peakRssMiB: peakRssMiB() }));
} finally {
  await pg.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pg.close();
}
