/**
 * Issue item 6, rebuild: every kessai view rebuilt from a PostgreSQL event store into PostgreSQL read models, at
 * 100k and 1M events, beside Emmett's projection rebuild over the same events.
 *
 *   node --import tsx bench/pg-rebuild.ts [--sizes 100000,1000000] [--runs 3] [--batch 2500] [--cache 25000]
 *                                         [--emmett 100000] [--emmett-seconds 60] [--emmett-batch 100]
 *                                         [--dir /tmp/kessai-bench] [--keep] [--reuse]
 *
 * For each size: the seeded scenario (`generateScenario`, as `bench/rebuild-memory.ts generate`) is made once as a
 * JSONL file (kept in --dir and reused), imported into a fresh database (`importEvents` keeps positions), then each
 * rebuild runs in a process of its own, so its peak RSS is its own: `ProjectionRunner.rebuild({ diff: false })`
 * with `batchSize` --batch and `cacheLimit` --cache ("none": no limit) into a new generation, switched live at the
 * end (the list indexes are built then, inside the timing). --keep leaves the databases for a later --reuse.
 *
 * Emmett's side, for the sizes in --emmett: the same events appended to Emmett's store (each stream's events in
 * order, by 8 writers), then `rebuildPostgreSQLProjections` with one pongo projection keeping a document per
 * stream (every event folded into it), pulling Emmett's default 100 events at a time. That is far less work than
 * kessai's six views (tokens, cards, customers with embedded cards, charges with card snapshots, API events with
 * the resource as it was, lineage), so it flatters Emmett. It stops after --emmett-seconds and reports the rate
 * so far when the whole rebuild would take longer (at about 500 events/s, 100k events take over 3 minutes).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { getPostgreSQLEventStore, pongoSingleStreamProjection, rebuildPostgreSQLProjections } from '@event-driven-io/emmett-postgresql';
import { createPool, exportJsonlFile, type Pool, generateScenario, migrate, PostgresEventStore, PostgresReadModelStore, readJsonlFile } from '@kessai/adapters';
import type { StoredEvent } from '@kessai/domain';
import { payjpViews, ProjectionRunner } from '@kessai/projections';
import { machine, peakRssMiB, rssMiB } from './machine.js';
import { databaseUrl, dropDatabase, freshDatabase, median, runChild, saveResult, serverInfo, spread, waitForQuiet } from './pg-common.js';

const SCHEMA = 'kessai';

/** Events of a JSONL file in chunks (the file is never held whole). */
async function* chunksOf(file: string, size: number): AsyncGenerator<StoredEvent[]> {
  let chunk: StoredEvent[] = [];
  for await (const { event } of readJsonlFile(file)) {
    chunk.push(event);
    if (chunk.length >= size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

const children = {
  /** Writes the seeded scenario of `events` events to `file`. */
  async generate(target: string, file: string) {
    const started = performance.now();
    const scenario = await generateScenario({ seed: 20170607, merchants: 3, targetEvents: Number(target) });
    await exportJsonlFile(scenario.events, file);
    return { events: scenario.stats.events, seconds: (performance.now() - started) / 1000, peakRssMiB: peakRssMiB() };
  },

  /** Loads the file into kessai's store in a fresh database, positions kept. */
  async 'import-kessai'(file: string, database: string) {
    const pool = createPool(databaseUrl(database), { max: 2 });
    await migrate(pool, { schema: SCHEMA });
    const store = new PostgresEventStore({ pool, schema: SCHEMA });
    const started = performance.now();
    let events = 0;
    for await (const chunk of chunksOf(file, 50_000)) events += await store.importEvents(chunk);
    const seconds = (performance.now() - started) / 1000;
    await pool.query('VACUUM ANALYZE kessai.events, kessai.streams');
    await pool.end();
    return { events, seconds, eventsPerSecond: events / seconds, peakRssMiB: peakRssMiB() };
  },

  /** One full rebuild of every view, PG -> PG. */
  async 'rebuild-kessai'(database: string, batch: string, cacheLimit: string) {
    const pool = createPool(databaseUrl(database), { max: 4 });
    const events = new PostgresEventStore({ pool, schema: SCHEMA });
    const readModels = new PostgresReadModelStore({ pool, schema: SCHEMA });
    // Generations left by earlier runs go first (untimed): each run starts beside one live generation only.
    const live = (await readModels.active()).name;
    for (const name of await readModels.generations()) if (name !== live) await readModels.drop(name);
    await pool.query('CHECKPOINT');
    const limit = cacheLimit === 'none' ? {} : { cacheLimit: Number(cacheLimit) };
    const runner = new ProjectionRunner({ events, readModels, views: payjpViews(), batchSize: Number(batch), ...limit });
    const head = await events.headPosition();
    const rss: number[] = [];
    const memory = { heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
    const sampler = setInterval(() => {
      rss.push(rssMiB());
      const m = process.memoryUsage();
      for (const k of Object.keys(memory) as (keyof typeof memory)[]) memory[k] = Math.max(memory[k], Math.round(m[k] / 2 ** 20));
    }, 100);
    const started = performance.now();
    const result = await runner.rebuild({ diff: false });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const table = `${SCHEMA}.rm_docs_${await generationId(pool)}`;
    const { rows } = await pool.query<{ n: string; bytes: string }>(`SELECT count(*) AS n, pg_total_relation_size('${table}') AS bytes FROM ${table}`);
    await pool.end();
    return {
      events: head,
      processed: result.processed,
      batchSize: Number(batch),
      cacheLimit,
      seconds,
      eventsPerSecond: result.processed / seconds,
      documents: Number(rows[0]!.n),
      cache: result.cache,
      tableMiB: Math.round(Number(rows[0]!.bytes) / 2 ** 20),
      peakRssMiB: peakRssMiB(),
      rssMaxSampledMiB: Math.max(0, ...rss),
      maxSampledMiB: memory,
    };
  },

  /** Appends the file's events to Emmett's store: each stream's events in one append, 8 writers. */
  async 'import-emmett'(file: string, database: string) {
    const url = databaseUrl(database);
    const pool = createPool(url, { max: 8 });
    const store = getPostgreSQLEventStore(url, { connectionOptions: { pool } });
    await store.schema.migrate();
    const streams = new Map<string, StoredEvent[]>();
    for await (const chunk of chunksOf(file, 50_000))
      for (const event of chunk) {
        let list = streams.get(event.stream);
        if (list === undefined) streams.set(event.stream, (list = []));
        list.push(event);
      }
    const queue = [...streams.values()];
    streams.clear();
    const started = performance.now();
    let events = 0;
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = next++; i < queue.length; i = next++) {
          const list = queue[i]!;
          queue[i] = [];
          for (let from = 0; from < list.length; from += 500) {
            const part = list.slice(from, from + 500);
            await store.appendToStream(
              part[0]!.stream,
              part.map((e) => ({ type: e.type, data: e.data as Record<string, unknown>, metadata: { ...e.metadata, recordedAt: e.recordedAt } })),
            );
            events += part.length;
          }
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    await pool.query('VACUUM ANALYZE');
    await store.close();
    await pool.end().catch(() => undefined);
    return { events, seconds, eventsPerSecond: events / seconds, peakRssMiB: peakRssMiB() };
  },

  /** Emmett's projection rebuild: one pongo document per stream, every event folded in. */
  async 'rebuild-emmett'(database: string, batch: string, maxSeconds: string) {
    const url = databaseUrl(database);
    const counter = createPool(url, { max: 1 });
    const total = Number((await counter.query<{ n: string }>('SELECT count(*) AS n FROM emt_messages')).rows[0]!.n);
    type StreamDoc = { _id?: string; stream?: string; events: number; lastType: string; state: Record<string, unknown> };
    let processed = 0;
    const projection = pongoSingleStreamProjection<StreamDoc, { type: string; data: Record<string, unknown> }>({
      collectionName: 'streams',
      canHandle: distinctTypes(await counter.query<{ message_type: string }>('SELECT DISTINCT message_type FROM emt_messages')),
      evolve: (doc: StreamDoc | null, event: { type: string; data: Record<string, unknown> }) => {
        processed++;
        return { events: (doc?.events ?? 0) + 1, lastType: event.type, state: { ...(doc?.state ?? {}), ...event.data } };
      },
    });
    const consumer = rebuildPostgreSQLProjections({ connectionString: url, projections: [projection], pulling: { batchSize: Number(batch) } });
    const started = performance.now();
    const limit = Number(maxSeconds) * 1000;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void consumer.stop();
    }, limit);
    await consumer.start();
    clearTimeout(timer);
    const seconds = (performance.now() - started) / 1000;
    await consumer.close().catch(() => undefined);
    const documents = Number((await counter.query<{ n: string }>('SELECT count(*) AS n FROM streams')).rows[0]?.n ?? 0);
    await counter.end();
    return { events: total, processed, complete: !timedOut && processed >= total, batchSize: Number(batch), seconds, eventsPerSecond: processed / seconds, documents, peakRssMiB: peakRssMiB() };
  },
};

const distinctTypes = ({ rows }: { rows: { message_type: string }[] }) => rows.map((r) => r.message_type);

const generationId = async (pool: Pool): Promise<number> =>
  Number((await pool.query<{ generation: string }>(`SELECT generation FROM ${SCHEMA}.rm_active`)).rows[0]!.generation);

const parent = async (argv: readonly string[]) => {
  const option = (name: string, fallback: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
  };
  const sizes = option('sizes', '100000,1000000').split(',').map(Number);
  const runs = Number(option('runs', '3'));
  const batch = option('batch', '2500');
  const cacheLimit = option('cache', '25000');
  const emmettSizes = option('emmett', '100000').split(',').filter((s) => s !== '').map(Number);
  const emmettSeconds = option('emmett-seconds', '60');
  const emmettBatch = option('emmett-batch', '100');
  const dir = option('dir', join(tmpdir(), 'kessai-bench'));
  const keep = argv.includes('--keep');
  const reuse = argv.includes('--reuse');
  mkdirSync(dir, { recursive: true });
  const server = await serverInfo();
  console.log(`machine ${JSON.stringify(machine())}`);
  console.log(`server ${JSON.stringify(server)}\n`);
  for (const size of sizes) {
    const file = join(dir, `scenario-${size}.jsonl`);
    if (!existsSync(file)) {
      const made = await runChild(import.meta.url, ['generate', String(size), file]);
      console.log(`generated ${String(made['events'])} events into ${file} in ${Number(made['seconds']).toFixed(1)} s`);
    }
    const database = `kessai_bench_rebuild_${size}`;
    let imported: Record<string, unknown> | undefined;
    if (!(reuse && (await hasEvents(database)))) {
      await freshDatabase(database);
      imported = await runChild(import.meta.url, ['import-kessai', file, database]);
      console.log(`kessai import: ${String(imported['events'])} events in ${Number(imported['seconds']).toFixed(1)} s (${Math.round(Number(imported['eventsPerSecond']))} events/s)`);
    }
    const results: Record<string, number>[] = [];
    for (let run = 1; run <= runs; run++) {
      const busy = await waitForQuiet();
      const r = (await runChild(import.meta.url, ['rebuild-kessai', database, batch, cacheLimit])) as Record<string, number>;
      results.push({ ...r, busyBefore: busy });
      console.log(
        `kessai rebuild ${size} run ${run}: ${r['processed']} events in ${r['seconds']!.toFixed(2)} s = ${Math.round(r['eventsPerSecond']!)} events/s, ${r['documents']} documents, cache ${JSON.stringify(r['cache'])}, peak RSS ${r['peakRssMiB']} MiB (heap max ${JSON.stringify(r['maxSampledMiB'])}) (CPU busy before: ${Math.round(busy * 100)}%)`,
      );
    }
    const rates = results.map((r) => r['eventsPerSecond']!);
    const rss = results.map((r) => r['peakRssMiB']!);
    let emmett: Record<string, unknown> | undefined;
    if (emmettSizes.includes(size)) {
      const edb = `kessai_bench_emmett_${size}`;
      if (!(reuse && (await hasEmmettEvents(edb)))) {
        await freshDatabase(edb);
        const e = await runChild(import.meta.url, ['import-emmett', file, edb]);
        console.log(`emmett import: ${String(e['events'])} events in ${Number(e['seconds']).toFixed(1)} s (${Math.round(Number(e['eventsPerSecond']))} events/s)`);
      }
      await waitForQuiet();
      emmett = await runChild(import.meta.url, ['rebuild-emmett', edb, emmettBatch, emmettSeconds]);
      console.log(
        `emmett rebuild ${size}: ${String(emmett['processed'])} of ${String(emmett['events'])} events in ${Number(emmett['seconds']).toFixed(1)} s = ${Math.round(Number(emmett['eventsPerSecond']))} events/s${emmett['complete'] ? '' : ' (stopped early)'}, peak RSS ${String(emmett['peakRssMiB'])} MiB`,
      );
      if (!keep) await dropDatabase(edb);
    }
    if (!keep) await dropDatabase(database);
    const ratio = emmett === undefined ? null : median(rates) / Number(emmett['eventsPerSecond']);
    const line = {
      bench: 'pg-rebuild',
      at: new Date().toISOString(),
      machine: machine(),
      server,
      events: results[0]!['events'],
      batchSize: Number(batch),
      cacheLimit,
      runs,
      kessai: { eventsPerSecond: median(rates), eventsPerSecondRuns: rates, peakRssMiB: median(rss), peakRssMiBRuns: rss, seconds: median(results.map((r) => r['seconds']!)), documents: results[0]!['documents'] },
      import: imported ?? null,
      emmett: emmett ?? null,
      ratio,
    };
    saveResult(line);
    console.log(
      `\n${size} events: kessai ${spread(rates)} events/s, peak RSS ${spread(rss)} MiB (median (min-max) of ${runs})` +
        (emmett === undefined ? '' : `; Emmett ${Math.round(Number(emmett['eventsPerSecond']))} events/s, peak RSS ${String(emmett['peakRssMiB'])} MiB; kessai/Emmett ${ratio!.toFixed(0)}x`) +
        '\n',
    );
  }
};

const hasEvents = async (database: string): Promise<boolean> => {
  const client = createPool(databaseUrl(database), { max: 1 });
  try {
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${SCHEMA}.events`);
    return Number(rows[0]!.n) > 0;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
};

const hasEmmettEvents = async (database: string): Promise<boolean> => {
  const client = createPool(databaseUrl(database), { max: 1 });
  try {
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM emt_messages');
    return Number(rows[0]!.n) > 0;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
};

const [mode, ...rest] = process.argv.slice(2);
if (mode === 'child') {
  const [name, ...args] = rest;
  const run = children[name as keyof typeof children] as (...a: string[]) => Promise<object>;
  console.log(JSON.stringify(await run(...args)));
} else {
  await parent(process.argv.slice(2));
}
