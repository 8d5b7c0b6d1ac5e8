/**
 * Domain and projections are pure (DESIGN section 1): no database, network, file-system, process, clock or
 * randomness APIs in their source. Time, ids and I/O arrive through ports or on the command.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'testing' ? [] : sources(path);
    return /\.ts$/.test(entry.name) && !/\.(spec|test-d)\.ts$/.test(entry.name) ? [path] : [];
  });

const forbidden: readonly [RegExp, string][] = [
  [/from ['"](node:)?(fs|net|http|https|crypto|child_process|os|dgram|dns|tls|worker_threads|readline)(\/[a-z]+)?['"]/, 'an I/O module'],
  [/from ['"](pg|@eventstore\/db-client|fastify|undici|testcontainers)['"]/, 'a driver or server'],
  [/\bDate\.now\(|new Date\(\)|Math\.random\(|performance\.now\(/, 'the clock or randomness'],
  [/\bprocess\.|\bconsole\./, 'the process or a log'],
  [/from ['"]@kessai\/adapters['"]/, 'the adapters (dependencies point the other way)'],
];

describe.each(['packages/domain/src', 'packages/projections/src'])('%s', (dir) => {
  const files = sources(resolve(root, dir));

  it('holds source files to check', () => expect(files.length).toBeGreaterThan(10));

  it('imports no I/O, reads no clock, draws no random number, writes no log', () => {
    const found = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => forbidden.filter(([pattern]) => pattern.test(line)).map(([, what]) => `${file.slice(root.length + 1)}:${i + 1} uses ${what}: ${line.trim()}`)),
    );
    expect(found).toEqual([]);
  });
});
