import { accessSync, constants, statSync, writeFileSync } from 'node:fs';
import { incidentImpact, payjpViews, ProjectionRunner } from '@kessai/projections';
import { exportJsonlFile, loadJsonlFile, readJsonlFile } from '../jsonl/files.js';
import { InvalidHistoryError } from '../memory/event-store.js';
import { parseTimeWindow } from '../http/serve.js';
import { INCIDENT_WINDOW } from '../test-mode/cvc-verifier.js';
import { prepareOutDir, prepareOutFile, printSummary, writeReports } from './output.js';
import { Progress } from './progress.js';
import { memorySource, openPostgres, type PgFlags, type Source } from './stores.js';

/** `from/to` as two ISO times with offsets (e.g. 2017-06-07T16:55+09:00/2017-06-07T21:55+09:00), for --window. */
export const parseWindow = (text: string): { from: number; to: number } => parseTimeWindow(text, '--window');

/**
 * Documents a PostgreSQL rebuild keeps in memory (the rest is read back when needed): about 25,000 keeps a
 * 1M-event rebuild under 512 MiB at no cost in speed (docs/benchmarks.md). Memory sources keep everything.
 */
const PG_CACHE_LIMIT = 25_000;

/** A JSONL file to read: there, a file, readable; checked first so the message names it plainly. */
const checkInputFile = (file: string): void => {
  let stats;
  try {
    stats = statSync(file);
    accessSync(file, constants.R_OK);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    throw new Error(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'not readable (permission denied)' : e instanceof Error ? e.message : String(e)}`);
  }
  if (!stats.isFile()) throw new Error(`${file}: not a file (give a JSONL file, one stored event per line)`);
};

/** A JSONL file loaded into memory, or (with --pg) the PostgreSQL store as it is. */
const openSource = async (file: string | undefined, flags: PgFlags): Promise<Source> => {
  if (flags.pg !== undefined) {
    if (file !== undefined) throw new Error('Give a JSONL file or --pg, not both (to load a file into PostgreSQL, use `kessai import`).');
    const pg = await openPostgres({ ...flags, pg: flags.pg }, true);
    return { events: pg.events, readModels: pg.readModels, label: 'PostgreSQL', cacheLimit: PG_CACHE_LIMIT, close: () => pg.close() };
  }
  if (file === undefined) throw new Error('Give a JSONL file, or --pg <url> to read a PostgreSQL store.');
  checkInputFile(file);
  const loading = new Progress(`reading ${file}`, 1);
  const events = await loadJsonlFile(file);
  loading.done(`${(await events.headPosition()).toLocaleString('en-US')} events`);
  return memorySource(events, file);
};

const runnerOf = (source: Source) =>
  new ProjectionRunner({
    events: source.events,
    readModels: source.readModels,
    views: payjpViews(),
    batchSize: 5_000,
    ...(source.cacheLimit === undefined ? {} : { cacheLimit: source.cacheLimit }),
  });

/** Brings the live read models up to the head of the store, with progress. */
const catchUp = async (source: Source) => {
  const head = await source.events.headPosition();
  const projecting = new Progress('projecting read models', head);
  await runnerOf(source).catchUp((p) => projecting.update(p.position));
  projecting.done();
  return head;
};

export interface ImpactCommandOptions extends PgFlags {
  readonly merchant?: string;
  readonly by: 'signature' | 'window';
  readonly window?: string;
  readonly out: string;
}

/** `kessai impact [file]`: which objects, on which API paths, showed a wrong cvc_check. */
export const runImpact = async (file: string | undefined, options: ImpactCommandOptions): Promise<void> => {
  const window = options.window === undefined ? INCIDENT_WINDOW : parseWindow(options.window);
  prepareOutDir(options.out);
  const source = await openSource(file, options);
  try {
    const head = await catchUp(source);
    const report = await incidentImpact(await source.readModels.active(), {
      window,
      by: options.by,
      ...(options.merchant === undefined ? {} : { merchant: options.merchant }),
    });
    printSummary(report);
    const files = writeReports(report, options.out, head);
    console.log(`\nReports:\n  ${files.html}\n  ${files.json}\n  ${files.csv}`);
  } finally {
    await source.close();
  }
};

/**
 * `kessai rebuild [file]`: bring the live generation up to date, rebuild every view beside it with progress,
 * switch readers to it, and report what changed between the two.
 */
export const runRebuild = async (file: string | undefined, options: PgFlags & { readonly diffOut?: string; readonly dropPrevious?: boolean }): Promise<void> => {
  if (options.diffOut !== undefined) prepareOutFile('--diff-out', options.diffOut);
  const source = await openSource(file, options);
  try {
    const head = await catchUp(source);
    const runner = runnerOf(source);
    const rebuilding = new Progress('rebuilding beside the live generation', head);
    const result = await runner.rebuild({ onProgress: (p) => rebuilding.update(p.position) });
    rebuilding.done(`${result.processed.toLocaleString('en-US')} events into generation ${result.generation}`);
    const totals = result.diff?.totals ?? { added: 0, removed: 0, changed: 0 };
    console.log(`switched readers from ${result.previous} to ${result.generation}: ${totals.added} added, ${totals.removed} removed, ${totals.changed} changed`);
    if (options.diffOut !== undefined && result.diff !== null) {
      writeFileSync(options.diffOut, `${JSON.stringify(result.diff, null, 2)}\n`);
      console.log(`diff report: ${options.diffOut}`);
    }
    // Kept by default, to compare with or switch back to; on PostgreSQL it is a second copy of every document.
    if (options.dropPrevious === true && result.activated && result.previous !== result.generation) {
      await source.readModels.drop(result.previous);
      console.log(`dropped the previous generation ${result.previous}`);
    } else if (result.activated && result.previous !== result.generation)
      console.log(`the previous generation ${result.previous} is kept (--drop-previous removes it)`);
  } finally {
    await source.close();
  }
};

/** `kessai export --pg <url> <file>`: the PostgreSQL event store as JSONL, one stored event per line. */
export const runExport = async (file: string, options: PgFlags): Promise<void> => {
  if (options.pg === undefined) throw new Error('export reads a PostgreSQL store: give --pg <url> (a memory store lives only in its process; `kessai demo --export` writes one).');
  prepareOutFile('export to', file);
  const pg = await openPostgres({ ...options, pg: options.pg }, true);
  try {
    const exporting = new Progress(`exporting to ${file}`, await pg.events.headPosition());
    const lines = await exportJsonlFile(pg.events, file, { batchSize: 5_000, onProgress: (n) => exporting.update(n) });
    exporting.done(`${lines.toLocaleString('en-US')} events`);
  } finally {
    await pg.close();
  }
};

/** `kessai import <file> --pg <url>`: loads a JSONL stream into PostgreSQL, keeping positions and revisions. */
export const runImport = async (file: string, options: PgFlags): Promise<void> => {
  if (options.pg === undefined) throw new Error('import loads into PostgreSQL: give --pg <url> (for memory, `kessai impact <file>` reads the file directly).');
  checkInputFile(file);
  const pg = await openPostgres({ ...options, pg: options.pg });
  try {
    const importing = new Progress(`importing ${file}`, 0);
    const head = await pg.events.headPosition();
    // Streamed: read, checked and sent a chunk at a time, in one transaction (a million events never held at once).
    let line = 0;
    let lastPosition = 0;
    let first = true;
    const events = async function* () {
      for await (const read of readJsonlFile(file)) {
        line = read.line;
        lastPosition = read.event.position;
        // Said plainly before the store refuses it in its own words ("positions 1 to 5000 do not continue the log").
        if (first && read.event.position !== head + 1)
          throw new Error(
            `the store already holds ${head.toLocaleString('en-US')} events, so an import must start at position ${(head + 1).toLocaleString('en-US')}; ${file} starts at ${read.event.position.toLocaleString('en-US')} (import into an empty schema: --schema <new name>)`,
          );
        first = false;
        yield read.event;
      }
    };
    let imported: number;
    try {
      imported = await pg.events.importEvents(events(), { onProgress: (n) => importing.update(n) });
    } catch (e) {
      // Checks run as each event is read, so a refused event that is the one read last is on that line; the database's
      // own refusals name a chunk's first event instead, and keep their words.
      if (e instanceof InvalidHistoryError && e.position === lastPosition) throw new Error(`JSONL line ${line}: ${e.message} (nothing was imported)`);
      if (e instanceof InvalidHistoryError) throw new Error(`${e.message} (nothing was imported)`);
      throw e;
    }
    importing.done(`${imported.toLocaleString('en-US')} events; run \`kessai impact --pg\` or \`kessai rebuild --pg\` to project them`);
  } finally {
    await pg.close();
  }
};
