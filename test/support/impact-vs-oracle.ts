/** Compares an impact report with the events-only oracle: per merchant and path, the ids listed and expected. */
import type { ImpactReport } from '@kessai/projections';
import { affectedByPath, incidentPaths, merchantFacts, type IncidentOracle, type IncidentPath } from './incident-oracle.js';

export interface ImpactComparison {
  /** One line per (merchant, path) whose ids differ; empty when the report lists exactly what the oracle finds. */
  readonly differences: string[];
  /** The oracle's affected count per merchant and path. */
  readonly expected: ReadonlyMap<string, Record<IncidentPath, number>>;
}

export const compareImpact = (report: ImpactReport, oracle: IncidentOracle): ImpactComparison => {
  const differences: string[] = [];
  const expected = new Map<string, Record<IncidentPath, number>>();
  const sections = new Map(report.merchants.map((m) => [m.merchant, m]));
  for (const merchant of oracle.merchants) {
    const affected = affectedByPath(merchantFacts(oracle, merchant));
    const counts = {} as Record<IncidentPath, number>;
    for (const path of incidentPaths) {
      counts[path] = affected[path].size;
      const listed = new Set(sections.get(merchant)?.objects.filter((o) => o.path === path).map((o) => o.id) ?? []);
      const missing = [...affected[path]].filter((id) => !listed.has(id));
      const extra = [...listed].filter((id) => !affected[path].has(id));
      if (missing.length > 0 || extra.length > 0) differences.push(`${merchant} path ${path}: missing [${missing.join(', ')}], extra [${extra.join(', ')}]`);
    }
    expected.set(merchant, counts);
  }
  for (const merchant of sections.keys()) if (!oracle.facts.has(merchant)) differences.push(`${merchant}: in the report, not in the events`);
  return { differences, expected };
};
