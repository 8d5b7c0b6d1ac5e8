import type { ImpactReport } from '@kessai/projections';

const cell = (value: string | number | boolean) => {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** One row per (object, path): what a merchant's engineer filters and joins against their own records. */
export const impactCsv = (report: ImpactReport): string => {
  const lines = ['merchant,path,object,id,tokens,api_calls,present'];
  for (const merchant of report.merchants)
    for (const o of merchant.objects) lines.push([o.merchant, o.path, o.object, o.id, o.tokens.join(' '), o.calls.join(' | '), o.present].map(cell).join(','));
  return `${lines.join('\n')}\n`;
};
