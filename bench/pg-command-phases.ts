/**
 * Where a PostgreSQL command's time goes, for planning the command path (not a target of its own):
 *   1. sequential token creates through the embedded Kessai facade on PostgreSQL, each store call timed
 *      (wrapped, so nested calls count in both: `runner.catchUpLive` includes its `readAll`, `headPosition` and
 *      `readModels.active`), then as many charges of customers (50 customers with a card, charged in turn);
 *   2. the event store's own cost per append: `store.append` against the statement it sends (`append_event`, one
 *      event to one stream) sent raw, in alternation, so that the disk's drift from minute to minute falls on both
 *      alike.
 *
 *   node --import tsx bench/pg-command-phases.ts [--creates 300] [--appends 3000] [--charges 300]
 *
 * Uses a fresh schema in the server's `test` database (KESSAI_PG_URL when set), dropped at the end.
 */
import { connectPostgres, Kessai, PostgresCardsWithEvents, RandomIdGenerator, SystemClock, TestModeCardNetwork, TestModeCvcVerifier } from '@kessai/adapters';
import { unsafeId, type EventToAppend } from '@kessai/domain';
import { peakRssMiB, report } from './machine.js';
import { saveResult, serverInfo } from './pg-common.js';

const flag = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const creates = flag('creates', 300);
const appends = flag('appends', 3000);
const charges = flag('charges', 300);
const url = process.env['KESSAI_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `kessai_bench_phases_${process.pid}`;
const pg = await connectPostgres(url, { schema });
console.log('server', JSON.stringify(await serverInfo()));

try {
  // 1. Phases of a token create.
  const clock = new SystemClock();
  const events = pg.eventStore({ clock });
  // As connection.kessaiStores() makes them (what `kessai serve --pg` runs): commits that do not wait for the disk.
  const readModels = pg.readModelStore({ synchronousCommit: false });
  const vault = pg.cardVault({ encryptionKey: 'c3'.repeat(32), fingerprintSecret: 'bench fingerprint secret' });
  const cardsWithEvents = new PostgresCardsWithEvents(events, vault);
  const spent: Record<string, number> = {};
  const calls: Record<string, number> = {};
  const timed = (name: string, target: object, method: string) => {
    const original = (target as Record<string, (...args: unknown[]) => Promise<unknown>>)[method]!;
    (target as Record<string, unknown>)[method] = async function (this: unknown, ...args: unknown[]) {
      const started = performance.now();
      try {
        return await original.apply(this, args);
      } finally {
        spent[name] = (spent[name] ?? 0) + performance.now() - started;
        calls[name] = (calls[name] ?? 0) + 1;
      }
    };
  };
  for (const method of ['append', 'appendWith', 'readAll', 'headPosition', 'readStream']) timed(`events.${method}`, events, method);
  timed('readModels.active', readModels, 'active');
  timed('readModels.activeWithCheckpoint', readModels, 'activeWithCheckpoint');
  timed('vault.store', vault, 'store');
  // Every generation handle the store hands out shares this prototype.
  const generation = Object.getPrototypeOf(await readModels.active()) as object;
  for (const method of ['get', 'getMany', 'checkpoint', 'commit']) timed(`generation.${method}`, generation, method);
  const kessai = new Kessai({ events, readModels, vault, cardsWithEvents, verifier: new TestModeCvcVerifier(), network: new TestModeCardNetwork(), clock, ids: new RandomIdGenerator() });
  timed('runner.catchUpLive', kessai.runner, 'catchUpLive');
  const merchant = unsafeId.merchant('acme');
  const create = () => kessai.tokens.create(merchant, { card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' } });
  for (let i = 0; i < 20; i++) await create();
  for (const key of Object.keys(spent)) spent[key] = calls[key] = 0;
  const started = performance.now();
  for (let i = 0; i < creates; i++) await create();
  const perCreate = (performance.now() - started) / creates;
  const phases = Object.fromEntries(Object.entries(spent).map(([k, v]) => [k, Number((v / creates).toFixed(2))]));
  console.log(`token create: ${perCreate.toFixed(2)} ms each over ${creates}; per create, ms (calls):`);
  for (const [k, v] of Object.entries(phases)) console.log(`  ${k.padEnd(22)} ${String(v).padEnd(5)} (${((calls[k] ?? 0) / creates).toFixed(1)})`);

  // 1b. Charges of customers (card=the customer's default card), the same store calls timed.
  const customerIds: string[] = [];
  for (let i = 0; i < 50; i++) {
    const token = await create();
    if (!token.ok) throw new Error('token');
    const customer = await kessai.customers.create(merchant, { card: token.value.id });
    if (!customer.ok) throw new Error('customer');
    customerIds.push(customer.value.id);
  }
  const charge = (i: number) => kessai.charges.create(merchant, { amount: 1000, currency: 'jpy', customer: customerIds[i % customerIds.length]! });
  for (let i = 0; i < 20; i++) await charge(i);
  for (const key of Object.keys(spent)) spent[key] = calls[key] = 0;
  const chargesStarted = performance.now();
  for (let i = 0; i < charges; i++) if (!(await charge(i)).ok) throw new Error('charge');
  const perCharge = (performance.now() - chargesStarted) / charges;
  const chargePhases = Object.fromEntries(Object.entries(spent).map(([k, v]) => [k, Number((v / charges).toFixed(2))]));
  console.log(`charge of a customer: ${perCharge.toFixed(2)} ms each over ${charges}; per charge, ms (calls):`);
  for (const [k, v] of Object.entries(chargePhases)) console.log(`  ${k.padEnd(22)} ${String(v).padEnd(5)} (${((calls[k] ?? 0) / charges).toFixed(1)})`);

  // 2. The store's cost per append, beside the raw statement.
  const store = pg.eventStore();
  const text = `SELECT conflict, head, event_position FROM "${schema}".append_event($1::text, $2::bigint, $3::text, $4::integer, $5::jsonb, $6::jsonb, $7::timestamptz)`;
  const event = (i: number): EventToAppend => ({
    type: 'TokenCreated',
    version: 2,
    data: { tokenId: `tok_${i}`, merchant: 'acme', at: 1_496_807_701_458 + i, card: { id: `car_${i}`, brand: 'Visa', last4: '4242' } },
    metadata: { merchant, correlationId: `req_${i}`, causationId: null, idempotencyKey: null, occurredAt: 1_496_807_701_458 + i },
  });
  let viaStore = 0;
  let raw = 0;
  for (let i = 0; i < appends; i++) {
    let t = performance.now();
    await store.append({ stream: `bench-a-${i}`, expected: 'no_stream', events: [event(i)] });
    viaStore += performance.now() - t;
    const e = event(i);
    t = performance.now();
    await pg.pool.query({ name: 'bench_raw_append', text, values: [`bench-b-${i}`, -1, e.type, e.version, JSON.stringify(e.data), JSON.stringify(e.metadata), null] });
    raw += performance.now() - t;
  }
  const storeUs = (viaStore * 1000) / appends;
  const rawUs = (raw * 1000) / appends;
  console.log(`append, alternating over ${appends}: store.append ${storeUs.toFixed(0)} µs, the raw statement ${rawUs.toFixed(0)} µs`);

  saveResult(
    report('pg-command-phases', {
      creates,
      tokenCreateMs: Number(perCreate.toFixed(2)),
      phasesMs: phases,
      charges,
      chargeMs: Number(perCharge.toFixed(2)),
      chargePhasesMs: chargePhases,
      chargeCalls: Object.fromEntries(Object.entries(calls).map(([k, v]) => [k, Number((v / charges).toFixed(2))])),
      appends,
      storeAppendUs: Math.round(storeUs),
      rawAppendUs: Math.round(rawUs),
      peakRssMiB: peakRssMiB(),
    }),
  );
} finally {
  await pg.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pg.close();
}
