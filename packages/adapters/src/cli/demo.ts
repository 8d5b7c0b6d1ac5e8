import { incidentImpact } from '@kessai/projections';
import { testModeKessai } from '../app/test-mode-kessai.js';
import { exportJsonlFile } from '../jsonl/files.js';
import { generateScenario } from '../scenario/generator.js';
import { INCIDENT_WINDOW } from '../test-mode/cvc-verifier.js';
import { prepareOutDir, prepareOutFile, printSummary, writeReports } from './output.js';
import { Progress } from './progress.js';
import { openPostgres, type PgFlags, type PostgresStores } from './stores.js';
import { PostgresCardsWithEvents } from '../postgres/cards-with-events.js';

export interface DemoOptions extends PgFlags {
  readonly seed: number;
  readonly events: number;
  readonly merchants: number;
  readonly out: string;
  readonly export?: string;
}

/**
 * The main job: a seeded workload across the 2017-06-07 fault window on the embedded store, the projections, and
 * the impact report per merchant, printed and written as HTML, JSON and CSV.
 */
export const runDemo = async (options: DemoOptions): Promise<void> => {
  prepareOutDir(options.out);
  if (options.export !== undefined) prepareOutFile('--export', options.export);
  console.log(`kessai demo: ${options.merchants} merchant${options.merchants === 1 ? '' : 's'}, about ${options.events.toLocaleString('en-US')} events, seed ${options.seed}`);
  console.log('The CVC verifier is faulty from 2017-06-07 16:55 to 21:55 JST: it answers "unchecked" whatever CVC is sent.\n');

  const pg = options.pg === undefined ? null : await openPostgres({ ...options, pg: options.pg });
  try {
    if (pg !== null && (await pg.events.headPosition()) > 0)
      throw new Error(`--pg: the schema already holds events; the demo needs an empty one (use --schema <new name>).`);
    await demo(options, pg);
  } finally {
    await pg?.close();
  }
};

const demo = async (options: DemoOptions, pg: Awaited<ReturnType<typeof openPostgres>> | null) => {
  const generating = new Progress(`generating workload${pg === null ? '' : ' into PostgreSQL'}`, options.events);
  const scenario = await generateScenario({
    seed: options.seed,
    merchants: options.merchants,
    targetEvents: options.events,
    onProgress: (n) => generating.update(n),
    ...(pg === null
      ? {}
      : {
          kessai: testModeKessai({
            seed: options.seed,
            startAt: INCIDENT_WINDOW.from - 4 * 3_600_000,
            faultWindow: INCIDENT_WINDOW,
            events: pg.events,
            readModels: pg.readModels,
            ...withVault(pg),
          }),
        }),
  });
  generating.done(`${scenario.stats.events.toLocaleString('en-US')} events from ${scenario.stats.calls.toLocaleString('en-US')} API calls`);

  const projecting = new Progress('projecting read models', scenario.stats.events);
  await scenario.kessai.runner.catchUp((p) => projecting.update(p.position));
  projecting.done();

  const report = await incidentImpact(await scenario.readModels.active(), { window: INCIDENT_WINDOW, by: 'signature' });
  printSummary(report);
  const files = writeReports(report, options.out, scenario.stats.events);
  console.log(`\nReports:\n  ${files.html}\n  ${files.json}\n  ${files.csv}`);
  if (options.export !== undefined) {
    const lines = await exportJsonlFile(scenario.events, options.export);
    console.log(`  ${options.export} (${lines.toLocaleString('en-US')} events, JSONL)`);
  }
};

/** The PostgreSQL vault, written in the same transaction as each token's events. */
const withVault = (pg: PostgresStores) => {
  const vault = pg.vault();
  return { vault, cardsWithEvents: new PostgresCardsWithEvents(pg.events, vault) };
};
