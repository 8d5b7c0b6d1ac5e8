import type { StoredEvent } from '@kessai/domain';
import { incidentImpact, payjpViews, PayjpQueries, ProjectionRunner, type ImpactOptions, type ImpactReport, type ViewSet } from '@kessai/projections';
import { loadJsonlFile } from './jsonl/files.js';
import { importJsonl } from './jsonl/jsonl.js';
import { MemoryEventStore } from './memory/event-store.js';
import { MemoryReadModelStore } from './memory/read-model-store.js';
import { INCIDENT_WINDOW } from './test-mode/cvc-verifier.js';

export interface Replay {
  readonly events: MemoryEventStore;
  readonly readModels: MemoryReadModelStore;
  /** Every GET of PAY.JP's API over the replayed read models, per merchant. */
  readonly queries: PayjpQueries;
  readonly impact: ImpactReport;
}

export interface ReplayOptions extends ImpactOptions {
  /** The views to project with (default: the PAY.JP views); pass your fixed or broken ones to test them. */
  readonly views?: ViewSet;
}

/**
 * Replays a recorded event stream in a fresh memory store: a JSONL file, JSONL text, or stored events. The
 * projections run from nothing (no side effects: nothing is delivered), and the impact report is computed (by
 * signature unless told otherwise; the window defaults to the 2017-06-07 incident's). This is how to test your
 * own incident handling: record a stream, replay it, assert on what the API showed.
 */
export const replay = async (
  source: { readonly file: string } | { readonly jsonl: string } | { readonly events: readonly StoredEvent[] },
  options: ReplayOptions = {},
): Promise<Replay> => {
  const events =
    'events' in source ? new MemoryEventStore({ events: source.events }) : 'jsonl' in source ? await importJsonl(source.jsonl) : await loadJsonlFile(source.file);
  const readModels = new MemoryReadModelStore();
  await new ProjectionRunner({ events, readModels, views: options.views ?? payjpViews() }).catchUp();
  const { views: _views, ...impactOptions } = options;
  const impact = await incidentImpact(await readModels.active(), { window: INCIDENT_WINDOW, ...impactOptions });
  return { events, readModels, queries: new PayjpQueries(readModels), impact };
};
