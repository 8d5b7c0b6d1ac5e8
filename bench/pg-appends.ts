/**
 * Issue item 6, appends: kessai's PostgresEventStore and Emmett's (`@event-driven-io/emmett-postgresql`) side by
 * side, on the same server, each in a fresh database of its own, with the same ~1 KB TokenCreated-like event:
 *   seq-new        sequential single-event appends, each to a new stream
 *   seq-existing   sequential single-event appends to 1,000 existing streams, with the expected revision
 *   conc-8/conc-32 8 and 32 writers, each its own loop of single-event appends to new streams, one shared pool
 *   batch-100      100-event appends to one stream, with the expected revision
 * Every (store, scenario) measurement runs in its own process (peak RSS is its own) on a database made for it, and
 * is repeated (`--runs`, default 3, the two stores alternating which goes first); the table shows medians with
 * the range. Results are appended to bench/results/postgres.jsonl.
 *
 *   node --import tsx bench/pg-appends.ts [--seconds 3] [--runs 3] [--only seq-new,conc-8]
 */
import { STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import { connectPostgres, createPool, PostgresEventStore } from '@kessai/adapters';
import type { EventToAppend, ExpectedRevision } from '@kessai/domain';
import { machine, peakRssMiB } from './machine.js';
import { databaseUrl, dropDatabase, freshDatabase, median, percentile, runChild, saveResult, serverInfo, spread, waitForQuiet } from './pg-common.js';

const SCENARIOS = ['seq-new', 'seq-existing', 'conc-8', 'conc-32', 'batch-100'] as const;
type Scenario = (typeof SCENARIOS)[number];
const STORES = ['kessai', 'emmett'] as const;
type StoreName = (typeof STORES)[number];

const writersOf = (scenario: Scenario): number => (scenario === 'conc-8' ? 8 : scenario === 'conc-32' ? 32 : 1);
const eventsPerCallOf = (scenario: Scenario): number => (scenario === 'batch-100' ? 100 : 1);
/** The same pool size for both stores: one connection per writer, at most 16 (a 2-core server gains nothing beyond). */
const poolSizeOf = (scenario: Scenario): number => Math.min(16, Math.max(2, writersOf(scenario)));
const EXISTING_STREAMS = 1_000;

/** What one append call needs from a store: append `count` events to `stream`, given what the caller knows of it. */
interface Appender {
  /** Appends to a stream that does not exist yet. */
  create(stream: string, events: readonly EventToAppend[]): Promise<void>;
  /** Appends to a stream whose revision the caller tracks (`revision`: events so far - 1). */
  next(stream: string, events: readonly EventToAppend[], revision: number): Promise<void>;
  close(): Promise<void>;
}

const kessaiAppender = async (url: string, poolSize: number): Promise<Appender> => {
  const pool = createPool(url, { max: poolSize });
  const connection = await connectPostgres(pool, { schema: 'kessai' });
  const inFlight = process.env['KESSAI_BENCH_IN_FLIGHT'];
  const store = new PostgresEventStore({ pool, schema: connection.schema, ...(inFlight === undefined ? {} : { appendsInFlight: Number(inFlight) }) });
  const append = async (stream: string, events: readonly EventToAppend[], expected: ExpectedRevision) => {
    await store.append({ stream, events, expected });
  };
  return {
    create: (stream, events) => append(stream, events, 'no_stream'),
    next: (stream, events, revision) => append(stream, events, revision),
    close: () => pool.end(),
  };
};

const emmettAppender = async (url: string, poolSize: number): Promise<Appender> => {
  const pool = createPool(url, { max: poolSize });
  const store = getPostgreSQLEventStore(url, { connectionOptions: { pool } });
  // Emmett migrates on first use unless told not to; do it before the clock starts.
  await store.schema.migrate();
  const toEmmett = (events: readonly EventToAppend[]) => events.map((e) => ({ type: e.type, data: e.data as Record<string, unknown>, metadata: { ...e.metadata } }));
  return {
    create: async (stream, events) => {
      await store.appendToStream(stream, toEmmett(events), { expectedStreamVersion: STREAM_DOES_NOT_EXIST });
    },
    // Emmett's stream versions count events (1 after the first), kessai's revisions count from 0.
    next: async (stream, events, revision) => {
      await store.appendToStream(stream, toEmmett(events), { expectedStreamVersion: BigInt(revision + 1) });
    },
    close: async () => {
      await store.close();
      await pool.end().catch(() => undefined);
    },
  };
};

/** A TokenCreated as the generator makes it, holder details filled in: about 1 KB of JSON with its metadata. */
const tokenCreated = (n: number, run: string): EventToAppend => {
  const hex = (n * 2_654_435_761 + 0x9e3779b9).toString(16).padStart(12, '0').slice(-12);
  const tokenId = `tok_${run}${hex}`;
  const at = 1_496_807_701_458 + n;
  return {
    type: 'TokenCreated',
    version: 2,
    data: {
      tokenId,
      merchant: 'merchant_b',
      at,
      card: {
        id: `car_${run}${hex}`,
        brand: 'Visa',
        last4: '4242',
        expMonth: 9,
        expYear: 2026,
        fingerprint: `29f6d8fda7c1256a62f1${hex}`,
        vaultRef: `vault_car_${run}${hex}`,
        addressZipCheck: 'unchecked',
        issuedInJapan: true,
      },
      holder: {
        name: 'SAKURA TAKAHASHI',
        addressState: 'Tokyo',
        addressCity: 'Shibuya-ku',
        addressLine1: '1-2-3 Jingumae',
        addressLine2: 'Harajuku Building 4F',
        addressZip: '150-0001',
        country: 'JP',
        email: 'sakura.takahashi@example.co.jp',
        phone: '+81-90-1234-5678',
      },
      cvc: { check: 'passed', supplied: true, verifier: { name: 'test-mode', version: '1' } },
      livemode: false,
    },
    metadata: {
      merchant: 'merchant_b' as EventToAppend['metadata']['merchant'],
      correlationId: `req_${run}${hex}`,
      causationId: null,
      idempotencyKey: `idem_${run}${hex}`,
      occurredAt: at,
    },
  };
};

/** Runs `writers` loops of `call` until the deadline; each call's latency in ms. */
const drive = async (writers: number, seconds: number, call: (writer: number, i: number) => Promise<void>) => {
  const latencies: number[] = [];
  let calls = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const t = performance.now();
        await call(writer, i);
        latencies.push(performance.now() - t);
        calls++;
      }
    }),
  );
  return { calls, seconds: (performance.now() - started) / 1000, latencies: Float64Array.from(latencies).sort() };
};

const child = async (storeName: StoreName, scenario: Scenario, database: string, seconds: number) => {
  const url = databaseUrl(database);
  const appender = await (storeName === 'kessai' ? kessaiAppender : emmettAppender)(url, poolSizeOf(scenario));
  const writers = writersOf(scenario);
  const perCall = eventsPerCallOf(scenario);
  let n = 0;
  const events = (run: string) => Array.from({ length: perCall }, () => tokenCreated(n++, run));
  let loop: (writer: number, i: number) => Promise<void>;
  if (scenario === 'seq-existing') {
    const revisions = new Array<number>(EXISTING_STREAMS).fill(0);
    for (let s = 0; s < EXISTING_STREAMS; s++) await appender.create(`token-existing${s}`, events('e'));
    let next = 0;
    loop = async () => {
      const s = next++ % EXISTING_STREAMS;
      await appender.next(`token-existing${s}`, events('e'), revisions[s]!);
      revisions[s]! += 1;
    };
  } else if (scenario === 'batch-100') {
    let revision = -1;
    loop = async () => {
      if (revision < 0) await appender.create('token-batches', events('b'));
      else await appender.next('token-batches', events('b'), revision);
      revision += perCall;
    };
  } else {
    let phase = 'w';
    loop = (writer, i) => appender.create(`token-${phase}${writer}x${i}`, events(phase));
    // The warm-up writes streams of its own names; the measured loop starts new ones.
    await drive(writers, Math.min(1, seconds / 3), loop);
    phase = 'm';
  }
  if (scenario === 'seq-existing' || scenario === 'batch-100') await drive(writers, Math.min(1, seconds / 3), loop);
  const { calls, seconds: elapsed, latencies } = await drive(writers, seconds, loop);
  await appender.close();
  const result = {
    store: storeName,
    scenario,
    writers,
    poolSize: poolSizeOf(scenario),
    eventsPerCall: perCall,
    calls,
    events: calls * perCall,
    seconds: elapsed,
    eventsPerSecond: (calls * perCall) / elapsed,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    peakRssMiB: peakRssMiB(),
  };
  console.log(JSON.stringify(result));
};

const record = (bench: string, figures: Record<string, unknown>) => ({ bench, at: new Date().toISOString(), machine: machine(), ...figures });

const parent = async (argv: readonly string[]) => {
  const option = (name: string, fallback: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
  };
  const seconds = Number(option('seconds', '3'));
  const runs = Number(option('runs', '3'));
  const only = option('only', SCENARIOS.join(',')).split(',') as Scenario[];
  // kessai's appends in flight per store (its default when absent; Infinity: every append alone).
  const inFlight = option('kessai-in-flight', '');
  const env = inFlight === '' ? {} : { KESSAI_BENCH_IN_FLIGHT: inFlight };
  const server = await serverInfo();
  console.log(`machine ${JSON.stringify(machine())}`);
  console.log(`server ${JSON.stringify(server)}`);
  console.log(`${seconds} s per measurement, ${runs} runs each, stores alternating\n`);
  const rows: string[][] = [];
  for (const scenario of only) {
    if (!SCENARIOS.includes(scenario)) throw new Error(`unknown scenario ${scenario}; one of ${SCENARIOS.join(', ')}`);
    const results: Record<StoreName, Record<string, number>[]> = { kessai: [], emmett: [] };
    for (let run = 0; run < runs; run++) {
      for (const store of run % 2 === 0 ? STORES : [...STORES].reverse()) {
        const database = `kessai_bench_${store}`;
        await freshDatabase(database);
        try {
          const busy = await waitForQuiet();
          const result = (await runChild(import.meta.url, [store, scenario, database, String(seconds)], env)) as Record<string, number>;
          results[store].push({ ...result, busyBefore: busy });
          console.log(
            `  ${scenario} ${store.padEnd(6)} run ${run + 1}: ${Math.round(result['eventsPerSecond']!)} events/s, p50 ${result['p50Ms']!.toFixed(2)} ms, p99 ${result['p99Ms']!.toFixed(2)} ms, peak RSS ${result['peakRssMiB']} MiB`,
          );
        } finally {
          await dropDatabase(database);
        }
      }
    }
    const of = (store: StoreName, key: string) => results[store].map((r) => r[key]!);
    const ratio = median(of('kessai', 'eventsPerSecond')) / median(of('emmett', 'eventsPerSecond'));
    const first = results.kessai[0]!;
    const summary = (store: StoreName) => ({
      eventsPerSecond: median(of(store, 'eventsPerSecond')),
      eventsPerSecondRuns: of(store, 'eventsPerSecond'),
      p50Ms: median(of(store, 'p50Ms')),
      p99Ms: median(of(store, 'p99Ms')),
      peakRssMiB: median(of(store, 'peakRssMiB')),
    });
    saveResult(
      record('pg-appends', {
        scenario,
        writers: first['writers'],
        poolSize: first['poolSize'],
        eventsPerCall: first['eventsPerCall'],
        seconds,
        runs,
        server,
        kessai: summary('kessai'),
        emmett: summary('emmett'),
        kessaiAppendsInFlight: inFlight === '' ? 'default' : inFlight,
        ratio,
      }),
    );
    for (const store of STORES)
      rows.push([
        scenario,
        store,
        spread(of(store, 'eventsPerSecond')),
        spread(of(store, 'p50Ms'), 2),
        spread(of(store, 'p99Ms'), 2),
        spread(of(store, 'peakRssMiB')),
        store === 'kessai' ? `${ratio.toFixed(2)}x` : '',
      ]);
  }
  const header = ['scenario', 'store', 'events/s', 'p50 ms', 'p99 ms', 'peak RSS MiB', 'kessai/Emmett'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(`\nmedian (min-max) of ${runs} runs\n${line(header)}\n${rows.map(line).join('\n')}`);
};

const [mode, ...rest] = process.argv.slice(2);
if (mode === 'child') {
  const [store, scenario, database, seconds] = rest;
  await child(store as StoreName, scenario as Scenario, database!, Number(seconds));
} else {
  await parent(process.argv.slice(2));
}
