import { incidentPaths, type ImpactReport, type MerchantImpact } from '@kessai/projections';
import { timeline, type Timeline } from './timeline.js';

const JST_MS = 9 * 60 * 60 * 1000;
const pad = (n: number) => String(n).padStart(2, '0');
/** Japanese time, as the incident notice and every merchant in it would read it. */
export const jst = (ms: number, withDate = true): string => {
  const d = new Date(ms + JST_MS);
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  return withDate ? `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${time} JST` : time;
};

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const TICK_STEPS = [HOUR_MS, 3 * HOUR_MS, 6 * HOUR_MS, 12 * HOUR_MS, DAY_MS, 7 * DAY_MS, 28 * DAY_MS, 91 * DAY_MS, 364 * DAY_MS];
/** The JST date: month and day (`06-08`), or with the year (`2017-06-08`) where ticks are weeks apart or a year ends. */
const jstDate = (ms: number, withYear: boolean): string => {
  const d = new Date(ms + JST_MS);
  return `${withYear ? `${d.getUTCFullYear()}-` : ''}${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
};

/** "15 minutes", "1 hour", "2 days 6 hours"...: the width of one bar. */
const duration = (ms: number): string => {
  const days = Math.floor(ms / DAY_MS);
  const hours = Math.floor((ms % DAY_MS) / HOUR_MS);
  const minutes = Math.round((ms % HOUR_MS) / 60_000);
  const part = (n: number, unit: string) => (n === 0 ? '' : `${n} ${unit}${n === 1 ? '' : 's'}`);
  return [part(days, 'day'), part(hours, 'hour'), part(minutes, 'minute')].filter((p) => p !== '').join(' ');
};

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const colors = { passed: '#2e7d32', failed: '#c62828', unavailable: '#ef6c00', unchecked: '#9e9e9e', signature: '#6a1b9a' } as const;

/** Stacked bars of cvc_check decisions per 15 minutes; unchecked answers to a supplied CVC stand out. */
const timelineSvg = ({ buckets, bucketMs, outside }: Timeline, window: ImpactReport['window']): string => {
  const elsewhere = outside === 0 ? '' : `<p class="muted">${outside.toLocaleString('en-US')} token(s) made outside this span are not drawn (they are in the tables and the CSV).</p>`;
  if (buckets.length === 0) return `<p class="muted">No tokens in this span.</p>${elsewhere}`;
  const width = 960;
  const height = 220;
  const left = 44;
  const bottom = 28;
  const plotW = width - left - 24;
  const plotH = height - bottom - 10;
  const start = buckets[0]!.start;
  const end = buckets[buckets.length - 1]!.start + bucketMs;
  const x = (ms: number) => left + ((ms - start) / (end - start)) * plotW;
  // A loop, not Math.max(...buckets): spreading a long array overflows the stack.
  let max = 1;
  for (const b of buckets) max = Math.max(max, b.counts.passed + b.counts.failed + b.counts.unavailable + b.counts.unchecked);
  const y = (n: number) => (n / max) * plotH;
  const barW = Math.max(1, plotW / buckets.length - 1);
  const parts: string[] = [];
  if (window !== null) {
    const from = Math.max(window.from, start);
    const to = Math.min(window.to, end);
    if (to > from)
      parts.push(
        `<rect x="${x(from).toFixed(1)}" y="4" width="${(x(to) - x(from)).toFixed(1)}" height="${plotH + 6}" fill="#c62828" opacity="0.10"/>`,
        `<text x="${((x(from) + x(to)) / 2).toFixed(1)}" y="16" text-anchor="middle" class="label">fault window ${jst(window.from, false)}–${jst(window.to, false)} JST</text>`,
      );
  }
  for (const b of buckets) {
    let base = height - bottom;
    const stack: [string, number][] = [
      ['passed', b.counts.passed],
      ['failed', b.counts.failed],
      ['unavailable', b.counts.unavailable],
      ['unchecked', b.counts.unchecked - b.signature],
      ['signature', b.signature],
    ];
    for (const [name, n] of stack) {
      if (n === 0) continue;
      const h = y(n);
      base -= h;
      parts.push(
        `<rect x="${x(b.start).toFixed(1)}" y="${base.toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${colors[name as keyof typeof colors]}"><title>${jst(b.start)}: ${n} ${name === 'signature' ? 'unchecked although a CVC was sent' : name}</title></rect>`,
      );
    }
  }
  // At most 16 ticks, on whole JST hours or days; a tick at midnight JST (or every tick, a day or more apart) shows the date.
  const step = TICK_STEPS.find((ms) => (end - start) / ms <= 16) ?? TICK_STEPS[TICK_STEPS.length - 1]!;
  const withYear = step >= 7 * DAY_MS || new Date(start + JST_MS).getUTCFullYear() !== new Date(end + JST_MS).getUTCFullYear();
  for (let t = Math.ceil((start + JST_MS) / step) * step - JST_MS; t <= end; t += step) {
    const midnight = (t + JST_MS) % DAY_MS === 0;
    parts.push(
      `<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${height - bottom}" y2="${height - bottom + 4}" stroke="#555"/>`,
      `<text x="${x(t).toFixed(1)}" y="${height - 8}" text-anchor="middle" class="label">${midnight ? jstDate(t, withYear) : jst(t, false)}</text>`,
    );
  }
  parts.push(
    `<line x1="${left}" x2="${left + plotW}" y1="${height - bottom}" y2="${height - bottom}" stroke="#555"/>`,
    `<text x="${left - 6}" y="${height - bottom - plotH + 4}" text-anchor="end" class="label">${max}</text>`,
    `<text x="${left - 6}" y="${height - bottom}" text-anchor="end" class="label">0</text>`,
  );
  return `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="cvc_check decisions per ${duration(bucketMs)}">${parts.join('')}</svg>${elsewhere}`;
};

const legend = () =>
  `<p class="legend">${[
    ['passed', 'passed'],
    ['failed', 'failed'],
    ['unavailable', 'unavailable'],
    ['unchecked', 'unchecked (no CVC sent)'],
    ['signature', 'unchecked although a CVC was sent (the incident signature)'],
  ]
    .map(([k, label]) => `<span><i style="background:${colors[k as keyof typeof colors]}"></i>${label}</span>`)
    .join('')}</p>`;

const DETAIL_ROWS = 200;

const merchantSection = (m: MerchantImpact): string => {
  const rows = incidentPaths
    .map((p) => `<tr><td class="num">${p.path}</td><td>${escape(p.title)}</td><td><code>${p.calls.map(escape).join('</code><br><code>')}</code></td><td><code>${escape(p.field)}</code></td><td class="num ${m.counts[p.path] > 0 ? 'hit' : ''}">${m.counts[p.path]}</td></tr>`)
    .join('');
  const details = incidentPaths
    .map((p) => {
      const objects = m.objects.filter((o) => o.path === p.path);
      if (objects.length === 0) return '';
      const shown = objects.slice(0, DETAIL_ROWS);
      const more = objects.length > DETAIL_ROWS ? `<p class="muted">${objects.length - DETAIL_ROWS} more rows in the CSV.</p>` : '';
      return `<details><summary>Path ${p.path}: ${escape(p.title)} (${objects.length})</summary><table><thead><tr><th>object</th><th>id</th><th>from token(s)</th><th>still readable</th></tr></thead><tbody>${shown
        .map((o) => `<tr><td>${o.object}</td><td><code>${escape(o.id)}</code></td><td><code>${o.tokens.map(escape).join('<br>')}</code></td><td>${o.present ? 'yes' : 'no (deleted)'}</td></tr>`)
        .join('')}</tbody></table>${more}</details>`;
    })
    .join('');
  const disagreements =
    m.disagreements.length === 0
      ? '<p class="muted">Window and signature agree on every token.</p>'
      : `<details><summary>${m.disagreements.length} token(s) judged differently by window and signature</summary><table><thead><tr><th>token</th><th>created</th><th>cvc_check</th><th>CVC sent</th><th>why</th></tr></thead><tbody>${m.disagreements
          .slice(0, DETAIL_ROWS)
          .map((d) => `<tr><td><code>${escape(d.token)}</code></td><td>${jst(d.createdAt)}</td><td>${d.check}</td><td>${d.supplied === null ? 'unknown' : d.supplied ? 'yes' : 'no'}</td><td>${escape(d.reason)}</td></tr>`)
          .join('')}</tbody></table></details>`;
  return `<section><h2>${escape(m.merchant)}</h2><p><strong>${m.tokens.affected}</strong> of ${m.tokens.total} tokens affected.</p><table><thead><tr><th>path</th><th>what</th><th>API calls that showed the value</th><th>field</th><th>objects</th></tr></thead><tbody>${rows}</tbody></table>${details}<h3>Window and signature</h3>${disagreements}</section>`;
};

const style = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI","Hiragino Sans",sans-serif;color:#1a1a1a;margin:0;background:#fafafa}
main{max-width:1040px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 6px;border-bottom:1px solid #ddd;padding-bottom:4px}h3{font-size:15px}
table{border-collapse:collapse;width:100%;background:#fff;margin:8px 0}th,td{border:1px solid #e0e0e0;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f0f0f0;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}td.hit{font-weight:700;color:#8e0000}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}.muted{color:#666}.label{font:11px system-ui,sans-serif;fill:#333}
svg{width:100%;height:auto;background:#fff;border:1px solid #e0e0e0}.legend span{margin-right:14px;white-space:nowrap}
.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}details{margin:6px 0}summary{cursor:pointer}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:10px 0}`;

export interface HtmlContext {
  /** How many events the report was computed from, and when (for the header). */
  readonly events: number;
  readonly generatedAt: number;
}

/** A self-contained page (inline CSS and SVG, no script, no network) a merchant's engineer can open and trust. */
export const impactHtml = (report: ImpactReport, context: HtmlContext): string => {
  const affected = report.merchants.reduce((n, m) => n + m.tokens.affected, 0);
  const chart = timeline(report.tokens, report.window, report.by);
  const total = report.merchants.reduce((n, m) => n + m.tokens.total, 0);
  const mode =
    report.by === 'signature'
      ? 'by signature: tokens created with a CVC whose recorded answer is <code>unchecked</code>'
      : 'by window: every token created inside the window';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>cvc_check incident impact — kessai</title><style>${style}</style></head>
<body><main>
<h1>cvc_check incident impact</h1>
<p class="muted">Which objects, on which PAY.JP API paths, showed a wrong <code>cvc_check</code> (reference: PAY.JP notice of 2017-06-07).</p>
<div class="facts">
<span>Affected tokens</span><strong>${affected} of ${total}</strong>
<span>Judged</span><span>${mode}</span>
<span>Fault window</span><span>${report.window === null ? 'none given' : `${jst(report.window.from)} – ${jst(report.window.to)}`}</span>
<span>Merchants</span><span>${report.merchants.length}</span>
<span>Computed from</span><span>${context.events.toLocaleString('en-US')} events, at ${jst(context.generatedAt)}</span>
</div>
<h2>cvc_check answers per ${duration(chart.bucketMs)} (all tokens in scope)</h2>
${timelineSvg(chart, report.window)}
${legend()}
${report.merchants.map(merchantSection).join('\n')}
<h2>How to read this</h2>
<p>Each token's <code>cvc_check</code> was decided once, when it was created, and copied with its source into every card and charge made from it. A token is affected when its recorded answer is wrong; every object that carries that answer is listed under the API calls whose responses showed it. Objects that were deleted later are listed too: they showed the value while they existed. The CSV has every row.</p>
</main></body></html>
`;
};
