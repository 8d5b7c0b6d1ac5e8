/**
 * What the PostgreSQL benchmarks share: the server, fresh databases on it, a child process per measurement (so
 * that peak RSS is that measurement's alone), percentiles and medians, and the results file.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createPool, type Pool } from '@kessai/adapters';

/** The server both stores are measured on (override with KESSAI_BENCH_PG_URL). */
export const serverUrl = process.env['KESSAI_BENCH_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The URL of another database on the same server. */
export const databaseUrl = (database: string): string => {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
};

const admin = async <T>(body: (client: Pool) => Promise<T>): Promise<T> => {
  const client = createPool(serverUrl, { max: 1 });
  try {
    return await body(client);
  } finally {
    await client.end();
  }
};

/** A new, empty database (dropped first if a crashed run left it behind). */
export const freshDatabase = (database: string): Promise<void> =>
  admin(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${database}" TEMPLATE template0`);
  });

export const dropDatabase = (database: string): Promise<void> =>
  admin(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  });

/** The server's version and the settings that decide what a commit costs. */
export const serverInfo = (): Promise<Record<string, string>> =>
  admin(async (client) => {
    const { rows } = await client.query<{ name: string; setting: string }>(
      `SELECT name, setting FROM pg_settings WHERE name IN ('server_version', 'shared_buffers', 'synchronous_commit', 'fsync', 'wal_level', 'max_wal_size', 'work_mem')`,
    );
    return Object.fromEntries(rows.map((r) => [r.name, r.setting]));
  });

/**
 * Runs this script again as a child (`node --import tsx <script> child ...args`) and parses the last line of its
 * output as the result; the rest of its output is passed through.
 */
export const runChild = (script: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Record<string, unknown>> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(script), 'child', ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = out.trim().split('\n');
      const last = lines.pop() ?? '';
      for (const line of lines) console.log(`    ${line}`);
      if (code !== 0) return reject(new Error(`child ${args.join(' ')} exited with ${code}: ${out}`));
      try {
        resolve(JSON.parse(last) as Record<string, unknown>);
      } catch {
        reject(new Error(`child ${args.join(' ')} printed no result: ${out}`));
      }
    });
  });

/** The share of CPU time (all cores, 0..1) spent busy over the next `ms`, from /proc/stat. */
export const cpuBusy = async (ms = 500): Promise<number> => {
  const sample = () => {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { idle, total: fields.reduce((a, b) => a + b, 0) };
  };
  const a = sample();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const b = sample();
  return b.total === a.total ? 0 : 1 - (b.idle - a.idle) / (b.total - a.total);
};

/**
 * Waits (up to `maxSeconds`) until the machine is quiet: another process using the CPU while a measurement runs
 * makes it meaningless on 2 cores. Returns the busy share seen last, which goes into the result.
 */
export const waitForQuiet = async (threshold = 0.15, maxSeconds = 120): Promise<number> => {
  const giveUpAt = Date.now() + maxSeconds * 1000;
  let warned = false;
  for (;;) {
    const busy = await cpuBusy();
    if (busy <= threshold || Date.now() >= giveUpAt) return busy;
    if (!warned) console.log(`  (machine busy, ${Math.round(busy * 100)}% CPU: waiting for it to calm down)`);
    warned = true;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
};

/** The p-th percentile (0..100) of samples, nearest rank. */
export const percentile = (sorted: Float64Array | readonly number[], p: number): number => {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
};

export const median = (values: readonly number[]): number => percentile([...values].sort((a, b) => a - b), 50);

/** "median (min-max)" of repeated measurements. */
export const spread = (values: readonly number[], digits = 0): string => {
  const sorted = [...values].sort((a, b) => a - b);
  const f = (n: number) => n.toFixed(digits);
  return sorted.length === 1 ? f(sorted[0]!) : `${f(median(sorted))} (${f(sorted[0]!)}-${f(sorted[sorted.length - 1]!)})`;
};

export const saveResult = (result: object): void =>
  appendFileSync(new URL('./results/postgres.jsonl', import.meta.url), `${JSON.stringify(result)}\n`);
