import type { StoredEvent } from '@kessai/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import { INCIDENT_WINDOW } from '../test-mode/cvc-verifier.js';
import { generateScenario, merchantName } from './generator.js';
import { incidentPathCoverage, incidentPaths, missingPaths } from './path-coverage.js';

describe('incidentPathCoverage (the test oracle)', () => {
  let events: readonly StoredEvent[];
  const merchant = merchantName(0);

  beforeAll(async () => {
    const scenario = await generateScenario({ seed: 3, merchants: 1, targetEvents: 400 });
    events = await scenario.events.readAll({ limit: 100_000 });
  });

  it('given only the traffic before the window, then every path lacks window objects and none lacks outside ones', () => {
    const missing = missingPaths(incidentPathCoverage(events.filter((e) => e.recordedAt < INCIDENT_WINDOW.from), INCIDENT_WINDOW), [merchant]);
    expect(missing).toEqual(incidentPaths.map((p) => `${merchant}: path ${p} has no object from a window token`));
  });

  it('given only the traffic inside the window, then every path lacks outside objects', () => {
    const inside = events.filter((e) => e.recordedAt >= INCIDENT_WINDOW.from && e.recordedAt < INCIDENT_WINDOW.to);
    const missing = missingPaths(incidentPathCoverage(inside, INCIDENT_WINDOW), [merchant]);
    expect(missing).toEqual(incidentPaths.map((p) => `${merchant}: path ${p} has no object from an outside token`));
  });

  it('given a merchant with no traffic, then every path is missing on both sides', () => {
    expect(missingPaths(incidentPathCoverage(events, INCIDENT_WINDOW), ['merchant_nobody'])).toHaveLength(24);
  });

  it('given the whole workload, then window objects descend only from tokens created in the window with a CVC', () => {
    const coverage = incidentPathCoverage(events, INCIDENT_WINDOW).get(merchant)!;
    const windowTokens = new Set(
      events
        .filter((e) => e.type === 'TokenCreated' && e.recordedAt >= INCIDENT_WINDOW.from && e.recordedAt < INCIDENT_WINDOW.to)
        .filter((e) => (e.data as { cvc: { supplied: boolean } }).cvc.supplied)
        .map((e) => (e.data as { tokenId: string }).tokenId),
    );
    expect(coverage.get(1)!.window).toEqual(windowTokens);
  });
});
