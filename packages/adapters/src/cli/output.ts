import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { incidentPaths, type ImpactReport } from '@kessai/projections';
import { impactCsv } from '../report/csv.js';
import { impactHtml, jst } from '../report/html.js';

/** Writes the impact report as HTML, JSON and CSV into `dir`; answers the three paths. */
export const writeReports = (report: ImpactReport, dir: string, events: number): { html: string; json: string; csv: string } => {
  mkdirSync(dir, { recursive: true });
  const paths = { html: resolve(dir, 'impact.html'), json: resolve(dir, 'impact.json'), csv: resolve(dir, 'impact.csv') };
  writeFileSync(paths.html, impactHtml(report, { events, generatedAt: Date.now() }));
  writeFileSync(paths.json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(paths.csv, impactCsv(report));
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
  const disagreements = merchants.reduce((n, m) => n + m.disagreements.length, 0);
  if (disagreements > 0)
    console.log(
      `\n${disagreements} token(s) are judged differently by window and by signature (mostly made in the window without a CVC, where unchecked is the true answer); the report lists each, with why.`,
    );
};
