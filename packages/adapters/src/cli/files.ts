import { writeFileSync } from 'node:fs';
import { incidentImpact, payjpViews, ProjectionRunner } from '@kessai/projections';
import { loadJsonlFile } from '../jsonl/files.js';
import { MemoryReadModelStore } from '../memory/read-model-store.js';
import { INCIDENT_WINDOW } from '../test-mode/cvc-verifier.js';
import { printSummary, writeReports } from './output.js';
import { Progress } from './progress.js';

/** `from/to` in ISO 8601 (e.g. 2017-06-07T16:55+09:00/2017-06-07T21:55+09:00) to epoch milliseconds. */
export const parseWindow = (text: string): { from: number; to: number } => {
  const [from, to] = text.split('/').map((s) => Date.parse(s));
  if (from === undefined || to === undefined || Number.isNaN(from) || Number.isNaN(to) || from >= to)
    throw new Error(`Not a window: "${text}". Give two ISO times, from/to, e.g. 2017-06-07T16:55+09:00/2017-06-07T21:55+09:00`);
  return { from, to };
};

const load = async (file: string) => {
  const loading = new Progress(`reading ${file}`, 1);
  const events = await loadJsonlFile(file);
  loading.done(`${(await events.headPosition()).toLocaleString('en-US')} events`);
  return events;
};

export interface ImpactCommandOptions {
  readonly merchant?: string;
  readonly by: 'signature' | 'window';
  readonly window?: string;
  readonly out: string;
}

/** `kessai impact <file>`: replay a JSONL stream and report which objects showed a wrong cvc_check. */
export const runImpact = async (file: string, options: ImpactCommandOptions): Promise<void> => {
  const events = await load(file);
  const readModels = new MemoryReadModelStore();
  const head = await events.headPosition();
  const projecting = new Progress('projecting read models', head);
  await new ProjectionRunner({ events, readModels, views: payjpViews() }).catchUp((p) => projecting.update(p.position));
  projecting.done();
  const report = await incidentImpact(await readModels.active(), {
    window: options.window === undefined ? INCIDENT_WINDOW : parseWindow(options.window),
    by: options.by,
    ...(options.merchant === undefined ? {} : { merchant: options.merchant }),
  });
  printSummary(report);
  const files = writeReports(report, options.out, head);
  console.log(`\nReports:\n  ${files.html}\n  ${files.json}\n  ${files.csv}`);
};

/**
 * `kessai rebuild <file>`: project the stream (the live generation), rebuild every view beside it with progress,
 * and report what changed between the two; written as JSON.
 */
export const runRebuild = async (file: string, options: { readonly diffOut?: string }): Promise<void> => {
  const events = await load(file);
  const readModels = new MemoryReadModelStore();
  const runner = new ProjectionRunner({ events, readModels, views: payjpViews() });
  const head = await events.headPosition();
  const live = new Progress('projecting the live generation', head);
  await runner.catchUp((p) => live.update(p.position));
  live.done();
  const rebuilding = new Progress('rebuilding beside it', head);
  const result = await runner.rebuild({ onProgress: (p) => rebuilding.update(p.position) });
  rebuilding.done(`${result.processed.toLocaleString('en-US')} events into generation ${result.generation}`);
  const totals = result.diff?.totals ?? { added: 0, removed: 0, changed: 0 };
  console.log(`switched readers from ${result.previous} to ${result.generation}: ${totals.added} added, ${totals.removed} removed, ${totals.changed} changed`);
  if (options.diffOut !== undefined && result.diff !== null) {
    writeFileSync(options.diffOut, `${JSON.stringify(result.diff, null, 2)}\n`);
    console.log(`diff report: ${options.diffOut}`);
  }
};
