import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createPool, MemoryEventStore, MemoryReadModelStore, PostgresEventStore, PostgresReadModelStore } from '@kessai/adapters';
import { payjpViews, ProjectionRunner, type Generation } from '@kessai/projections';
import { beforeAll, beforeEach, expect, it } from 'vitest';
import type { TestPostgres } from '../support/postgres.js';
import { diffAll, listsOf, recordWorkload, type RecordedWorkload } from '../support/postgres-workload.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const childScript = fileURLToPath(new URL('../support/postgres-rebuild-child.ts', import.meta.url));

const noChanges = { added: 0, removed: 0, changed: 0 };

/**
 * The projection runner on PostgreSQL gives what it gives on memory, for the same events: catch-up in steps
 * (documents read back from the store), rebuild (everything in memory, written in bulk), and a rebuild killed
 * half-way and resumed.
 */
export const projectionSpecs = (db: () => TestPostgres): void => {
  let workload: RecordedWorkload;
  let onMemory: Generation;

  beforeAll(async () => {
    workload = await recordWorkload(11, 1_500);
    const readModels = new MemoryReadModelStore();
    await new ProjectionRunner({ events: new MemoryEventStore({ events: workload.events }), readModels, views: payjpViews() }).catchUp();
    onMemory = await readModels.active();
  }, 30_000);

  let events: PostgresEventStore;
  let readModels: PostgresReadModelStore;
  beforeEach(async () => {
    await db().reset();
    events = new PostgresEventStore({ pool: db().pool, schema: db().schema });
    readModels = new PostgresReadModelStore({ pool: db().pool, schema: db().schema });
  });

  it('catch-up in three steps, then a rebuild, give the documents and lists the memory stores give', async () => {
    const runner = new ProjectionRunner({ events, readModels, views: payjpViews(), batchSize: 200 });
    const all = workload.events;
    const cuts = [0, Math.floor(all.length / 3), Math.floor((2 * all.length) / 3), all.length];
    for (let i = 1; i < cuts.length; i++) {
      await events.importEvents(all.slice(cuts[i - 1], cuts[i]));
      const progress = await runner.catchUp();
      expect(progress.position).toBe(cuts[i]);
    }
    const live = await readModels.active();
    expect((await diffAll(onMemory, live)).totals).toEqual(noChanges);
    expect(await listsOf(live, workload.merchants)).toEqual(await listsOf(onMemory, workload.merchants));

    const rebuilt = await runner.rebuild();
    expect(rebuilt.activated).toBe(true);
    expect(rebuilt.diff?.totals).toEqual(noChanges);
    const active = await readModels.active();
    expect(active.name).toBe(rebuilt.generation);
    expect((await diffAll(onMemory, active)).totals).toEqual(noChanges);
    expect(await listsOf(active, workload.merchants)).toEqual(await listsOf(onMemory, workload.merchants));
  }, 30_000);

  it('two processes catching up one live generation at once apply each event once (their commits check the checkpoint)', async () => {
    // Two pools, two stores, two runners: what two servers on one database have.
    const processes = [0, 1].map(() => {
      const pool = createPool(db().url, { max: 3 });
      const options = { pool, schema: db().schema };
      const runner = new ProjectionRunner({ events: new PostgresEventStore(options), readModels: new PostgresReadModelStore(options), views: payjpViews(), batchSize: 40 });
      return { pool, runner };
    });
    try {
      const all = workload.events;
      for (const cut of [Math.floor(all.length / 2), all.length]) {
        await events.importEvents(all.slice(await events.headPosition(), cut));
        const progress = await Promise.all(processes.map(({ runner }) => runner.catchUp()));
        expect(progress.map((p) => p.position)).toEqual([cut, cut]);
      }
      const live = await readModels.active();
      expect(await live.checkpoint('payjp')).toBe(all.length);
      expect((await diffAll(onMemory, live)).totals).toEqual(noChanges);
    } finally {
      await Promise.all(processes.map(({ pool }) => pool.end()));
    }
  }, 60_000);

  it('a rebuild killed with SIGKILL past the middle and started again ends equal to a clean rebuild', async () => {
    await events.importEvents(workload.events);
    const head = await events.headPosition();
    const children: ReturnType<typeof spawn>[] = [];
    const rebuildInChild = (delayMs: number) => {
      const child = spawn(process.execPath, ['--import', 'tsx', childScript], {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          KESSAI_TEST_PG_URL: db().url,
          KESSAI_TEST_PG_SCHEMA: db().schema,
          KESSAI_TEST_GENERATION: 'crashed',
          KESSAI_TEST_BATCH: '10',
          KESSAI_TEST_READ_DELAY_MS: String(delayMs),
        },
      });
      children.push(child);
      return child;
    };
    const exited = (child: ReturnType<typeof spawn>) =>
      new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) => {
        let output = '';
        child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.on('exit', (code, signal) => resolve({ code, signal, output }));
      });

    try {
      const first = rebuildInChild(5);
      const firstExit = exited(first);
      const checkpoint = async () =>
        (await readModels.generations()).includes('crashed') ? (await readModels.generation('crashed')).checkpoint('payjp') : 0;
      const giveUp = Date.now() + 60_000;
      let killedAt = 0;
      while (Date.now() < giveUp && first.exitCode === null) {
        killedAt = await checkpoint();
        if (killedAt > head / 2) {
          first.kill('SIGKILL');
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const killed = await firstExit;
      expect(killed.signal, killed.output).toBe('SIGKILL');
      const resumedFrom = await checkpoint();
      expect(resumedFrom).toBeGreaterThan(head / 2);
      expect(resumedFrom).toBeLessThan(head);

      const second = await exited(rebuildInChild(0));
      expect(second.code, second.output).toBe(0);
      expect(JSON.parse(second.output.trim().split('\n').at(-1) ?? '{}')).toMatchObject({ position: head });

      const clean = new ProjectionRunner({ events, readModels, views: payjpViews(), batchSize: 500 });
      await clean.rebuild({ generation: 'clean', activate: false, diff: false });
      const crashed = await readModels.generation('crashed');
      expect(await crashed.checkpoint('payjp')).toBe(head);
      expect((await diffAll(crashed, await readModels.generation('clean'))).totals).toEqual(noChanges);
      expect((await diffAll(crashed, onMemory)).totals).toEqual(noChanges);
    } finally {
      // A failed expectation must not leave a rebuild running against the next test's schema.
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
};
