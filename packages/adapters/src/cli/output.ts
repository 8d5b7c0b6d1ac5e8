import { accessSync, constants, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { incidentPaths, type ImpactReport } from '@kessai/projections';
import { impactCsv } from '../report/csv.js';
import { impactHtml, jst } from '../report/html.js';

/** A file-system error's reason, without Node's code prefix ("EACCES: permission denied" -> "permission denied"). */
const reason = (e: unknown): string => (e instanceof Error ? e.message.replace(/^[A-Z]+: /, '') : String(e));

/** Throws, naming `what`, unless `dir` is a directory this process can write into. */
const checkWritableDir = (dir: string, what: string): void => {
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new Error(`${what} (${reason(e)})`);
  }
};

/**
 * Checks, before any work, that the reports can be written into `dir` (made if missing): a bad --out fails at once,
 * not after minutes of projecting.
 */
export const prepareOutDir = (dir: string): void => {
  const what = `--out ${dir}: cannot write reports there`;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new Error(`${what} (${reason(e)})`);
  }
  checkWritableDir(dir, what);
};

/** Checks, before any work, that a file can be written at `path`: its directory exists and takes writes. */
export const prepareOutFile = (option: string, path: string): void => checkWritableDir(dirname(resolve(path)), `${option} ${path}: cannot write there`);

/** Writes the impact report as HTML, JSON and CSV into `dir`; answers the three paths. Each is rendered before any is written. */
export const writeReports = (report: ImpactReport, dir: string, events: number): { html: string; json: string; csv: string } => {
  prepareOutDir(dir);
  const paths = { html: resolve(dir, 'impact.html'), json: resolve(dir, 'impact.json'), csv: resolve(dir, 'impact.csv') };
  const texts = { json: `${JSON.stringify(report, null, 2)}\n`, csv: impactCsv(report), html: impactHtml(report, { events, generatedAt: Date.now() }) };
  writeFileSync(paths.json, texts.json);
  writeFileSync(paths.csv, texts.csv);
  writeFileSync(paths.html, texts.html);
  return paths;
};

/** The per-merchant summary of paths 1-12, as a table on stdout. */
export const printSummary = (report: ImpactReport): void => {
  const window = report.window === null ? 'none' : `${jst(report.window.from)} – ${jst(report.window.to)}`;
  console.log(`\ncvc_check incident impact (${report.by === 'signature' ? 'by signature: CVC sent, answer unchecked' : 'by window'}; window ${window})\n`);
  const merchants = report.merchants;
  const header = ['path', 'what', ...merchants.map((m) => m.merchant)];
  const rows = incidentPaths.map((p) => [String(p.path), p.title, ...merchants.map((m) => String(m.counts[p.path]))]);
  rows.unshift(['', 'affected tokens', ...merchants.map((m) => `${m.tokens.affected}/${m.tokens.total}`)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
  // Why window and signature disagree, most frequent first: the counts come from the report, not from a guess.
  const reasons = new Map<string, number>();
  for (const m of merchants) for (const d of m.disagreements) reasons.set(d.reason, (reasons.get(d.reason) ?? 0) + 1);
  const disagreements = [...reasons.values()].reduce((n, c) => n + c, 0);
  if (disagreements > 0) {
    console.log(`\n${disagreements} token(s) are judged differently by window and by signature; the report lists each:`);
    for (const [reason, count] of [...reasons].sort(([, a], [, b]) => b - a)) console.log(`  ${String(count).padStart(6)}  ${reason}`);
  }
};
