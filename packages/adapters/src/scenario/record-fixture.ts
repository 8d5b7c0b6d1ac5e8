import { exportJsonl } from '../jsonl/jsonl.js';
import { exportJsonlFile } from '../jsonl/files.js';
import { generateScenario, type GenerateScenarioOptions } from './generator.js';

/**
 * The provenance of `test/fixtures/incident-small.jsonl`: a recorded incident stream from the seeded workload,
 * two merchants, about 1,500 events, the incident's window and spread. `fixture.spec.ts` regenerates it and
 * compares byte for byte, so the file cannot drift from the code that made it; run that spec with
 * KESSAI_RECORD_FIXTURES=1 to record it again after an intended change to the workload or the library.
 */
export const INCIDENT_FIXTURE_OPTIONS = { seed: 20170607, merchants: 2, targetEvents: 1_500 } as const satisfies GenerateScenarioOptions;

/** The fixture's text, generated in memory: one stored event per line, each line ending in a newline. */
export const incidentFixtureText = async (): Promise<string> => {
  const scenario = await generateScenario(INCIDENT_FIXTURE_OPTIONS);
  const lines: string[] = [];
  await exportJsonl(scenario.events, (line) => void lines.push(`${line}\n`));
  return lines.join('');
};

/** Generates the fixture and writes it to `path`; returns how many events it holds. */
export const recordIncidentFixture = async (path: string): Promise<number> => {
  const scenario = await generateScenario(INCIDENT_FIXTURE_OPTIONS);
  return exportJsonlFile(scenario.events, path);
};
