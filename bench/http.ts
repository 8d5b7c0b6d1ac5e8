/**
 * Issue 8 figures for the HTTP facade: requests/s and latency (p50, p99) of
 *   tokens    POST /v1/tokens with a secret key and X-Payjp-Direct-Token-Generate: true (raw card data, a new token each time)
 *   list      GET /v1/charges?limit=10 once --list-charges charges exist
 *   charges   POST /v1/charges with customer=cus_… (customers with a default card are made first, used in turn;
 *             a token is single-use, so charging a customer is the write that can be repeated)
 * each with 1 and 10 connections (--connections), a warm-up run first (discarded), then a bounded measured run.
 *
 * The server is `startServer` (what `kessai serve` runs) in this process on an ephemeral 127.0.0.1 port, with one
 * test merchant, the memory store by default or PostgreSQL with --pg (a fresh schema, dropped afterwards). Its
 * request log is off unless --log (then JSON lines go to /dev/null, to price the logging alone).
 *
 * The load generator (autocannon, bench/http-load.ts) runs in a child process: sharing this event loop would put
 * the client's work on the server's thread and measure both as one. The machine has 2 cores, so the server and the
 * client each get one.
 *
 *   node --import tsx bench/http.ts [--pg [url]] [--duration 10] [--warmup 3] [--connections 1,10]
 *        [--scenarios tokens,list,charges] [--customers 1000] [--list-charges 5000] [--log] [--no-save]
 *
 * Prints the machine line, a line per run and a table; appends a JSON line per run to bench/results/http.jsonl.
 * With --pg, vault keys come from KESSAI_VAULT_KEY / KESSAI_FINGERPRINT_SECRET when set, else random ones (the
 * schema is dropped at the end anyway).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, createWriteStream } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createPool, jsonLinesSink, startServer, type Pool, type RunningServer, type ServeOptions } from '@kessai/adapters';
import type { LoadJob, LoadResult } from './http-load.js';
import { machine, report, rssMiB } from './machine.js';

const LOCAL_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';
const SCENARIOS = ['tokens', 'list', 'charges'] as const;
type Scenario = (typeof SCENARIOS)[number];

interface Flags {
  pg: string | null;
  duration: number;
  warmup: number;
  connections: number[];
  scenarios: Scenario[];
  customers: number;
  listCharges: number;
  log: boolean;
  save: boolean;
}

const usage = 'usage: node --import tsx bench/http.ts [--pg [url]] [--duration s] [--warmup s] [--connections 1,10] [--scenarios tokens,list,charges] [--customers n] [--list-charges n] [--log] [--no-save]';

const parseFlags = (argv: readonly string[]): Flags => {
  const flags: Flags = { pg: null, duration: 10, warmup: 3, connections: [1, 10], scenarios: [...SCENARIOS], customers: 1000, listCharges: 5000, log: false, save: true };
  const positive = (name: string, value: string | undefined, min = 1) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new Error(`${name} needs an integer >= ${min}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => argv[++i];
    if (arg === '--pg') flags.pg = argv[i + 1]?.startsWith('postgres') ? value()! : LOCAL_POSTGRES_URL;
    else if (arg === '--duration') flags.duration = positive(arg, value());
    else if (arg === '--warmup') flags.warmup = positive(arg, value(), 0);
    else if (arg === '--connections') flags.connections = (value() ?? '').split(',').map((c) => positive(arg, c));
    else if (arg === '--scenarios') {
      const names = (value() ?? '').split(',');
      for (const name of names) if (!(SCENARIOS as readonly string[]).includes(name)) throw new Error(`--scenarios: unknown ${name} (${SCENARIOS.join(', ')})`);
      flags.scenarios = SCENARIOS.filter((s) => names.includes(s));
    } else if (arg === '--customers') flags.customers = positive(arg, value());
    else if (arg === '--list-charges') flags.listCharges = positive(arg, value(), 0);
    else if (arg === '--log') flags.log = true;
    else if (arg === '--no-save') flags.save = false;
    else throw new Error(`unknown argument ${arg}\n${usage}`);
  }
  return flags;
};

const flags = parseFlags(process.argv.slice(2));
const resultsFile = new URL('./results/http.jsonl', import.meta.url);
const save = (result: object) => {
  if (flags.save) appendFileSync(resultsFile, `${JSON.stringify(result)}\n`);
};

// --- the server ---------------------------------------------------------------------------------------------------

const sk = `sk_test_${randomBytes(16).toString('hex')}`;
const schema = `kessai_bench_http_${randomBytes(4).toString('hex')}`;
let postgresVersion: string | null = null;
let adminPool: Pool | null = null;
if (flags.pg !== null) {
  adminPool = createPool(flags.pg, { max: 1 });
  postgresVersion = ((await adminPool.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? 'unknown').split(' ')[0]!;
}

const logStream = flags.log ? createWriteStream('/dev/null') : null;
const options: ServeOptions = {
  port: 0,
  host: '127.0.0.1',
  merchants: [{ id: 'bench', secretKeys: [sk] }],
  log: logStream === null ? () => undefined : jsonLinesSink((text) => void logStream.write(text)),
  ...(flags.pg === null
    ? {}
    : {
        pg: flags.pg,
        pgSchema: schema,
        vaultKeys: {
          encryptionKey: process.env['KESSAI_VAULT_KEY'] || randomBytes(32).toString('hex'),
          fingerprintSecret: process.env['KESSAI_FINGERPRINT_SECRET'] || randomBytes(32).toString('hex'),
        },
      }),
};
const server: RunningServer = await startServer(options);
const store = server.store;
const origin = `http://127.0.0.1:${server.port}`;
const auth = `Basic ${Buffer.from(`${sk}:`).toString('base64')}`;
const form = { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' };

const m = machine();
const machineLine = `machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}${postgresVersion === null ? '' : `, PostgreSQL ${postgresVersion}`}`;
console.log(machineLine);
console.log(
  `server: kessai serve in-process on ${origin} (${store === 'memory' ? 'memory store' : `PostgreSQL, schema ${schema}`}), request log ${flags.log ? 'on (to /dev/null)' : 'off'}; load: autocannon in a child process; ${flags.warmup} s warm-up, ${flags.duration} s measured per run`,
);

// --- setup through the API (fetch from this process; not timed) ---------------------------------------------------

const tokenBody = new URLSearchParams({ 'card[number]': '4242424242424242', 'card[exp_month]': '12', 'card[exp_year]': '2030', 'card[cvc]': '123' }).toString();

const call = async (method: 'GET' | 'POST', path: string, body?: string, headers: Record<string, string> = {}) => {
  const response = await fetch(`${origin}${path}`, { method, headers: { ...form, ...headers }, ...(body === undefined ? {} : { body }) });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`setup: ${method} ${path} answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
};

/** Runs `task(i)` for i in [0, n) with `width` at a time. */
const pool = async (n: number, width: number, task: (i: number) => Promise<unknown>) => {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, n) }, async () => {
    while (next < n) await task(next++);
  }));
};

const customers: string[] = [];
const makeCustomers = async () => {
  if (customers.length > 0) return;
  const started = performance.now();
  await pool(flags.customers, 10, async () => {
    const token = await call('POST', '/v1/tokens', tokenBody, { 'x-payjp-direct-token-generate': 'true' });
    const customer = await call('POST', '/v1/customers', new URLSearchParams({ card: String(token['id']) }).toString());
    customers.push(String(customer['id']));
  });
  console.log(`setup: ${customers.length} customers with a default card in ${((performance.now() - started) / 1000).toFixed(1)} s`);
};
const chargeBodies = () => customers.map((id) => new URLSearchParams({ amount: '1000', currency: 'jpy', customer: id }).toString());

let chargesMade = 0;
const topUpCharges = async (target: number) => {
  if (chargesMade >= target) return;
  await makeCustomers();
  const bodies = chargeBodies();
  const started = performance.now();
  const missing = target - chargesMade;
  await pool(missing, 10, (i) => call('POST', '/v1/charges', bodies[i % bodies.length]));
  chargesMade += missing;
  console.log(`setup: ${missing} charges in ${((performance.now() - started) / 1000).toFixed(1)} s (${chargesMade} in all)`);
  // A server that has run a minute has had its tables analyzed by autovacuum; a schema made seconds ago has not,
  // and its lists are then planned as if each merchant had five documents. Measure the server as it runs.
  if (adminPool !== null) await adminPool.query(`ANALYZE ${schema}.rm_docs_1`);
};

// --- the load generator ------------------------------------------------------------------------------------------

const child: ChildProcess = fork(fileURLToPath(new URL('./http-load.ts', import.meta.url)), [], {
  // Not the parent's flags: a --cpu-prof given to profile the server must not profile the load generator too.
  execArgv: ['--import', 'tsx'],
  cwd: fileURLToPath(new URL('..', import.meta.url)),
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const load = (job: LoadJob) =>
  new Promise<LoadResult>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the load generator exited (${code})`));
    child.once('exit', onExit);
    child.once('message', (message: { ok: true; result: LoadResult } | { ok: false; error: string }) => {
      child.off('exit', onExit);
      if (message.ok) resolve(message.result);
      else reject(new Error(`load generator: ${message.error}`));
    });
    child.send(job);
  });

interface Row {
  scenario: Scenario;
  connections: number;
  perSecond: number;
  p50: number;
  p99: number;
  cpu: number;
  valid: boolean;
}
const rows: Row[] = [];

const jobs: Record<Scenario, () => Promise<Omit<LoadJob, 'connections' | 'durationSeconds'> & { readonly context: Record<string, unknown> }>> = {
  tokens: async () => ({
    url: origin,
    method: 'POST',
    path: '/v1/tokens',
    headers: { ...form, 'x-payjp-direct-token-generate': 'true' },
    bodies: [tokenBody],
    context: {},
  }),
  list: async () => {
    await topUpCharges(flags.listCharges);
    return { url: origin, method: 'GET', path: '/v1/charges?limit=10', headers: { authorization: auth }, bodies: [], context: { chargesExisting: chargesMade } };
  },
  charges: async () => {
    await makeCustomers();
    return { url: origin, method: 'POST', path: '/v1/charges', headers: form, bodies: chargeBodies(), context: { customers: customers.length, chargesExisting: chargesMade } };
  },
};

try {
  for (const scenario of flags.scenarios) {
    for (const connections of flags.connections) {
      const { context, ...job } = await jobs[scenario]();
      if (flags.warmup > 0) {
        const warm = await load({ ...job, connections, durationSeconds: flags.warmup });
        if (scenario === 'charges') chargesMade += warm.ok;
      }
      // The machine may be shared (other benchmarks): the load before the run says how much to trust it.
      const load1m = Math.round(loadavg()[0]! * 100) / 100;
      const cpuBefore = process.cpuUsage();
      const eluBefore = performance.eventLoopUtilization();
      const r = await load({ ...job, connections, durationSeconds: flags.duration });
      const cpu = process.cpuUsage(cpuBefore);
      const elu = performance.eventLoopUtilization(eluBefore);
      if (scenario === 'charges') chargesMade += r.ok;
      const perSecond = Math.round(r.ok / r.seconds);
      const cpuPercent = Math.round(((cpu.user + cpu.system) / 1e6 / r.seconds) * 100);
      const valid = r.non2xx === 0 && r.errors === 0 && r.timeouts === 0;
      console.log(
        `${scenario} x${connections}: ${perSecond} req/s, p50 ${r.latencyMs.p50.toFixed(2)} ms, p99 ${r.latencyMs.p99.toFixed(2)} ms, max ${r.latencyMs.max.toFixed(1)} ms; ` +
          `server CPU ${cpuPercent}%, event loop ${Math.round(elu.utilization * 100)}% busy, RSS ${rssMiB()} MiB, load average ${load1m}` +
          (valid ? '' : `  ** NOT VALID: ${r.non2xx} non-2xx (${JSON.stringify(r.statusCodes)}), ${r.errors} errors, ${r.timeouts} timeouts`),
      );
      rows.push({ scenario, connections, perSecond, p50: r.latencyMs.p50, p99: r.latencyMs.p99, cpu: cpuPercent, valid });
      save(
        report('http', {
          scenario,
          store,
          postgres: postgresVersion,
          connections,
          warmupSeconds: flags.warmup,
          seconds: r.seconds,
          requests: r.ok,
          requestsPerSecond: perSecond,
          latencyMs: r.latencyMs,
          non2xx: r.non2xx,
          errors: r.errors,
          timeouts: r.timeouts,
          valid,
          serverCpuPercent: cpuPercent,
          eventLoopUtilization: Math.round(elu.utilization * 1000) / 1000,
          rssMiB: rssMiB(),
          loadAverage1m: load1m,
          requestLog: flags.log,
          loadGenerator: 'autocannon 8, child process',
          ...context,
        }),
      );
    }
  }
} finally {
  child.disconnect();
  await server.close();
  if (adminPool !== null) {
    await adminPool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch((e: unknown) => console.error(`could not drop ${schema}: ${String(e)}`));
    await adminPool.end();
  }
  logStream?.end();
}

console.log(`\n${machineLine}`);
console.log(`| scenario | store | connections | req/s | p50 ms | p99 ms | server CPU |`);
console.log(`|---|---|---:|---:|---:|---:|---:|`);
for (const row of rows)
  console.log(`| ${row.scenario}${row.valid ? '' : ' (NOT VALID)'} | ${store} | ${row.connections} | ${row.perSecond} | ${row.p50.toFixed(2)} | ${row.p99.toFixed(2)} | ${row.cpu}% |`);
