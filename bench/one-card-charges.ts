/**
 * Charges of one customer's card, again and again (a subscription, usage billing): the time per charge as the
 * card's history grows, through the embedded Kessai facade, on PostgreSQL (`kessaiStores`' read models) or memory.
 * Every charge of the card descends from the token that made it, so this is what a document kept per token costs
 * when it grows with each charge.
 *
 *   node --import tsx bench/one-card-charges.ts [--pg [url]] [--charges 2000]
 *
 * Prints the mean time per charge for each tenth of the run, and the largest lineage document at the end; appends
 * one JSON line to bench/results/postgres.jsonl (or memory.jsonl). With --pg it uses a fresh schema of the `test`
 * database, dropped at the end.
 */
import { appendFileSync } from 'node:fs';
import { connectPostgres, testModeKessai, type PostgresConnection } from '@kessai/adapters';
import { unsafeId } from '@kessai/domain';
import { collections } from '@kessai/projections';
import { peakRssMiB, report } from './machine.js';

const option = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  const value = process.argv[i + 1];
  return i < 0 ? undefined : value === undefined || value.startsWith('--') ? fallback : value;
};
const charges = Number(option('charges', '2000') ?? 2000);
const pgUrl = option('pg', process.env['KESSAI_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test');
const tenth = Math.max(1, Math.floor(charges / 10));

let pg: PostgresConnection | undefined;
try {
  if (pgUrl !== undefined) pg = await connectPostgres(pgUrl, { schema: `kessai_bench_card_${process.pid}` });
  const keys = { encryptionKey: 'c3'.repeat(32), fingerprintSecret: 'bench fingerprint secret' };
  const stores = pg === undefined ? {} : (({ events, readModels, vault, cardsWithEvents }) => ({ events, readModels, vault, cardsWithEvents }))(pg.kessaiStores(keys));
  const { kessai } = testModeKessai({ seed: 5, ...stores });
  const merchant = unsafeId.merchant('acme');
  const token = await kessai.tokens.create(merchant, { card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' } });
  if (!token.ok) throw new Error('token');
  const customer = await kessai.customers.create(merchant, { card: token.value.id });
  if (!customer.ok) throw new Error('customer');

  const msPerCharge: number[] = [];
  let started = performance.now();
  for (let i = 1; i <= tenth * 10; i++) {
    const charge = await kessai.charges.create(merchant, { amount: 1000, currency: 'jpy', customer: customer.value.id });
    if (!charge.ok) throw new Error(JSON.stringify(charge.error));
    if (i % tenth === 0) {
      msPerCharge.push(Number(((performance.now() - started) / tenth).toFixed(2)));
      console.log(`charges ${i - tenth + 1}-${i}: ${msPerCharge.at(-1)} ms each`);
      started = performance.now();
    }
  }
  // The largest document a view keeps for this card's history (the token's lineage), as JSON.
  const lineageBytes = JSON.stringify(await (await kessai.readModels.active()).get(collections.lineage, `acme/${token.value.id}`)).length;
  console.log(`lineage document of the token: ${lineageBytes} bytes of JSON`);
  const result = report('one-card-charges', { store: pg === undefined ? 'memory' : 'postgres', charges: tenth * 10, msPerCharge, lineageBytes, peakRssMiB: peakRssMiB() });
  appendFileSync(new URL(`./results/${pg === undefined ? 'memory' : 'postgres'}.jsonl`, import.meta.url), `${JSON.stringify(result)}\n`);
} finally {
  if (pg !== undefined) {
    await pg.pool.query(`DROP SCHEMA IF EXISTS "${pg.schema}" CASCADE`);
    await pg.close();
  }
}
