#!/usr/bin/env node
import { createRequire } from 'node:module';
import { Command, InvalidArgumentError } from 'commander';
import { registerServeCommand } from '../http/cli.js';
import { runDemo } from './demo.js';
import { runExport, runImpact, runImport, runRebuild } from './files.js';

const integer = (name: string, min: number) => (value: string) => {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}.`);
  return n;
};

/** A PostgreSQL connection string, checked for its scheme: "not-a-url" would otherwise fail as "getaddrinfo ENOTFOUND base". */
const pgUrl = (value: string) => {
  if (!/^postgres(?:ql)?:\/\//.test(value)) throw new InvalidArgumentError('--pg takes a connection string such as postgres://user@host:5432/database.');
  return value;
};

/** Every command that stores events takes the same two PostgreSQL options. */
const pgOptions = (command: Command) =>
  command
    .option('--pg <url>', 'use PostgreSQL at this connection string instead of memory', pgUrl)
    .option('--schema <name>', 'PostgreSQL schema holding kessai\'s tables', 'kessai');

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

export const program = new Command()
  .name('kessai')
  .version(version)
  .description('Event-sourced PAY.JP-style payments, and the 2017-06-07 cvc_check incident made replayable.');

pgOptions(
  program
    .command('demo')
    .description('Generate a seeded workload across the incident window, project it, and report the impact per merchant')
    .option('--seed <n>', 'workload seed', integer('seed', 0), 20170607)
    .option('--events <n>', 'about how many events to generate', integer('events', 100), 20_000)
    .option('--merchants <n>', 'how many merchants', integer('merchants', 1), 3)
    .option('--out <dir>', 'where to write impact.html, impact.json and impact.csv', 'reports')
    .option('--export <file>', 'also write the generated event stream as JSONL'),
).action((o: { seed: number; events: number; merchants: number; out: string; export?: string; pg?: string; schema: string }) => runDemo(o));

pgOptions(
  program
    .command('impact')
    .description('Report which objects, on which API paths, showed a wrong cvc_check: for a JSONL stream, or a PostgreSQL store')
    .argument('[file]', 'JSONL stream (one stored event per line)')
    .option('--merchant <id>', 'only this merchant')
    .option('--by <how>', 'signature (CVC sent, answer unchecked) or window (created inside it)', 'signature')
    .option('--window <from/to>', 'fault window as two ISO times (default: 2017-06-07 16:55 to 21:55 JST)')
    .option('--out <dir>', 'where to write the reports', 'reports'),
).action((file: string | undefined, o: { merchant?: string; by: string; window?: string; out: string; pg?: string; schema: string }) => {
  if (o.by !== 'signature' && o.by !== 'window') throw new InvalidArgumentError('--by is signature or window.');
  return runImpact(file, { ...o, by: o.by });
});

pgOptions(
  program
    .command('rebuild')
    .description('Rebuild every view beside the live one with progress, switch, and report what changed (JSONL stream or PostgreSQL)')
    .argument('[file]', 'JSONL stream')
    .option('--diff-out <file>', 'write the diff report as JSON')
    .option('--drop-previous', 'drop the generation readers used before, once they are switched (kept by default)'),
).action((file: string | undefined, o: { diffOut?: string; dropPrevious?: boolean; pg?: string; schema: string }) => runRebuild(file, o));

pgOptions(program.command('export').description('Write a PostgreSQL event store as JSONL').argument('<file>', 'JSONL file to write')).action(
  (file: string, o: { pg?: string; schema: string }) => runExport(file, o),
);

pgOptions(program.command('import').description('Load a JSONL stream into a PostgreSQL event store, keeping positions').argument('<file>', 'JSONL stream')).action(
  (file: string, o: { pg?: string; schema: string }) => runImport(file, o),
);

registerServeCommand(program);

const main = async () => {
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    // One clear line, never a stack trace or an input value.
    // A message from the store's SQL already starts with "kessai: "; say it once.
    console.error(`kessai: ${(e instanceof Error ? e.message : String(e)).replace(/^kessai: /, '')}`);
    process.exitCode = 1;
  }
};

await main();
