/**
 * The `kessai` command as a user runs it: a child process, its output and the files it writes. On memory, and on
 * PostgreSQL (skipped with the reason printed when no server is reachable; see support/postgres.ts).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { postgresForTests } from './support/postgres.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..');
const kessai = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'packages/adapters/src/cli/main.ts', ...args], { cwd: root, timeout: 120_000, env: { ...process.env, FORCE_COLOR: '0' } });

const pg = await postgresForTests('cli');

describe('kessai demo, impact and rebuild on memory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kessai-cli-'));

  it('given a small demo, then it prints the per-merchant summary of paths 1-12 and writes HTML, JSON, CSV and the stream', async () => {
    const { stdout } = await kessai('demo', '--events', '1500', '--merchants', '2', '--out', dir, '--export', join(dir, 'stream.jsonl'));
    expect(stdout).toMatch(/path\s+what\s+merchant_a\s+merchant_b/);
    for (const path of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) expect(stdout).toMatch(new RegExp(`\\n${path}\\s+\\S`));
    for (const file of ['impact.html', 'impact.json', 'impact.csv', 'stream.jsonl']) expect(existsSync(join(dir, file)), file).toBe(true);
    const html = readFileSync(join(dir, 'impact.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|https?:\/\//);
    const json = JSON.parse(readFileSync(join(dir, 'impact.json'), 'utf8')) as { merchants: { tokens: { affected: number } }[] };
    expect(json.merchants.map((m) => m.tokens.affected).every((n) => n > 0)).toBe(true);
  }, 120_000);

  it('given the exported stream, when impact and rebuild read it, then they agree with the demo and the rebuild changes nothing', async () => {
    const demo = readFileSync(join(dir, 'impact.json'), 'utf8');
    const again = join(dir, 'again');
    await kessai('impact', join(dir, 'stream.jsonl'), '--out', again);
    expect(JSON.parse(readFileSync(join(again, 'impact.json'), 'utf8'))).toEqual(JSON.parse(demo));
    const { stdout } = await kessai('rebuild', join(dir, 'stream.jsonl'), '--diff-out', join(dir, 'diff.json'));
    expect(stdout).toContain('0 added, 0 removed, 0 changed');
  }, 120_000);

  it('given bad arguments, then one clear line and a non-zero exit', async () => {
    await expect(kessai('impact', '--by', 'sideways', join(dir, 'stream.jsonl'))).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/--by is signature or window/) });
    await expect(kessai('impact', join(dir, 'missing.jsonl'))).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/^kessai: .*missing\.jsonl: no such file$/m) });
    await expect(kessai('impact', dir)).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/: not a file/) });
    await expect(kessai('impact', '--pg', 'not-a-url')).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/--pg takes a connection string/) });
    expect((await kessai('--version')).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    // A window without offsets would be read in this machine's time zone: refused, naming the part.
    await expect(kessai('impact', join(dir, 'stream.jsonl'), '--window', '2017-06-07T17:00/2017-06-07T18:00+09:00')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/--window: "2017-06-07T17:00" has no time zone offset/),
    });
    await expect(kessai('impact', join(dir, 'stream.jsonl'), '--window', '2017-06-07T18:00+09:00/2017-06-07T17:00+09:00')).rejects.toMatchObject({
      stderr: expect.stringMatching(/must end after it starts/),
    });
    // A bad --out fails before any work, not after the projection.
    await expect(kessai('impact', join(dir, 'stream.jsonl'), '--out', join(dir, 'stream.jsonl'))).rejects.toMatchObject({
      code: 1,
      stdout: expect.not.stringContaining('cvc_check incident impact'),
      stderr: expect.stringMatching(/--out .*stream\.jsonl: cannot write reports there/),
    });
    await expect(kessai('demo', '--events', '200', '--out', join(dir, 'demo2'), '--export', join(dir, 'no', 'such', 'x.jsonl'))).rejects.toMatchObject({
      stderr: expect.stringMatching(/--export .*x\.jsonl: cannot write there/),
    });
    expect(existsSync(join(dir, 'demo2', 'impact.json'))).toBe(false);
  }, 60_000);
});

describe.skipIf(!pg.available)('kessai with --pg', () => {
  it('given a demo stored in PostgreSQL, then export, import into another schema, impact and rebuild all agree', async () => {
    if (!pg.available) return;
    const { url, schema } = pg.db;
    const dir = mkdtempSync(join(tmpdir(), 'kessai-cli-pg-'));
    const demoSchema = `${schema}_demo`;
    const copySchema = `${schema}_copy`;
    try {
      await kessai('demo', '--events', '1200', '--merchants', '2', '--out', join(dir, 'demo'), '--pg', url, '--schema', demoSchema);
      await kessai('export', join(dir, 'stream.jsonl'), '--pg', url, '--schema', demoSchema);
      await kessai('import', join(dir, 'stream.jsonl'), '--pg', url, '--schema', copySchema);
      await kessai('impact', '--pg', url, '--schema', copySchema, '--out', join(dir, 'copy'));
      const report = (name: string) => JSON.parse(readFileSync(join(dir, name, 'impact.json'), 'utf8')) as unknown;
      expect(report('copy')).toEqual(report('demo'));
      const { stdout } = await kessai('rebuild', '--pg', url, '--schema', copySchema);
      expect(stdout).toContain('0 added, 0 removed, 0 changed');
      expect(stdout).toMatch(/the previous generation \S+ is kept/);
      const dropping = await kessai('rebuild', '--pg', url, '--schema', copySchema, '--drop-previous');
      const dropped = /dropped the previous generation (\S+)/.exec(dropping.stdout)?.[1];
      expect(dropped).toBeDefined();
      const generations = await pg.db.pool.query<{ name: string }>(`SELECT name FROM ${copySchema}.rm_generations`);
      expect(generations.rows.map((r) => r.name)).not.toContain(dropped);
      expect(generations.rows).toHaveLength(2);
      await expect(kessai('demo', '--events', '200', '--pg', url, '--schema', demoSchema)).rejects.toMatchObject({ stderr: expect.stringMatching(/already holds events/) });
      // Reading a store that is not there (a typo in the schema) fails, and creates nothing: no "nothing affected".
      const typo = `${schema}_typo`;
      for (const args of [['impact', '--out', join(dir, 'typo')], ['rebuild'], ['export', join(dir, 'typo.jsonl')]])
        await expect(kessai(...args, '--pg', url, '--schema', typo), args[0]).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(new RegExp(`no kessai store in schema "${typo}"`)) });
      expect((await pg.db.pool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [typo])).rowCount).toBe(0);
      // A repeated line is refused by its line number, and nothing of the file is imported.
      const lines = readFileSync(join(dir, 'stream.jsonl'), 'utf8').split('\n');
      writeFileSync(join(dir, 'repeated.jsonl'), [...lines.slice(0, 3), lines[2], ...lines.slice(3)].join('\n'));
      const repeatSchema = `${schema}_repeat`;
      await expect(kessai('import', join(dir, 'repeated.jsonl'), '--pg', url, '--schema', repeatSchema)).rejects.toMatchObject({
        stderr: expect.stringMatching(/^kessai: JSONL line 4: Expected a position above 3 .*\(nothing was imported\)/),
      });
      expect((await pg.db.pool.query(`SELECT count(*)::int AS n FROM ${repeatSchema}.events`)).rows[0]).toEqual({ n: 0 });
      await pg.db.pool.query(`DROP SCHEMA ${repeatSchema} CASCADE`);
      // An import into a store that already holds events says so plainly, once prefixed.
      await expect(kessai('import', join(dir, 'stream.jsonl'), '--pg', url, '--schema', copySchema)).rejects.toMatchObject({
        stderr: expect.stringMatching(/^kessai: the store already holds [\d,]+ events, so an import must start at position/),
      });
    } finally {
      await pg.db.pool.query(`DROP SCHEMA IF EXISTS ${demoSchema} CASCADE; DROP SCHEMA IF EXISTS ${copySchema} CASCADE`);
    }
  }, 180_000);
});
