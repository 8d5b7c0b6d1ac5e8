import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { testModeKessai } from '../app/test-mode-kessai.js';
import { loadJsonlFile } from '../jsonl/files.js';
import { INCIDENT_WINDOW } from '../test-mode/cvc-verifier.js';
import { ORDINARY_TEST_CARDS, SPECIAL_TEST_CARDS } from '../test-mode/test-cards.js';
import { merchantName } from './generator.js';
import { incidentPathCoverage, missingPaths } from './path-coverage.js';
import { INCIDENT_FIXTURE_OPTIONS, incidentFixtureText, recordIncidentFixture } from './record-fixture.js';

const FIXTURE = fileURLToPath(new URL('../../../../test/fixtures/incident-small.jsonl', import.meta.url));
const RECORD = process.env['KESSAI_RECORD_FIXTURES'] === '1';

describe('the recorded incident fixture (test/fixtures/incident-small.jsonl)', () => {
  beforeAll(async () => {
    if (RECORD) {
      const count = await recordIncidentFixture(FIXTURE);
      console.log(`KESSAI_RECORD_FIXTURES=1: recorded ${count} events to ${FIXTURE}`);
    } else {
      console.log('Not recording the incident fixture (set KESSAI_RECORD_FIXTURES=1 to record it again); checking it instead.');
    }
  });

  it('given the generator with the fixture\'s options, when regenerated in memory, then it is byte-identical to the committed file', async () => {
    expect(existsSync(FIXTURE), `${FIXTURE} is missing: run this spec with KESSAI_RECORD_FIXTURES=1 to record it`).toBe(true);
    const committed = await readFile(FIXTURE, 'utf8');
    const regenerated = await incidentFixtureText();
    // Compare line counts first: a mismatch then reads as a short message rather than a 1.5 MB diff.
    expect(regenerated.split('\n').length).toBe(committed.split('\n').length);
    expect(regenerated === committed, 'the fixture differs from what the generator makes now: if the change is intended, record it again').toBe(true);
  });

  it('given the file, then it holds about the target number of events and stays under 2 MB', async () => {
    const { size } = await stat(FIXTURE);
    expect(size).toBeLessThan(2 * 1024 * 1024);
    const store = await loadJsonlFile(FIXTURE);
    const head = await store.headPosition();
    expect(head).toBeGreaterThanOrEqual(INCIDENT_FIXTURE_OPTIONS.targetEvents);
    expect(head).toBeLessThan(INCIDENT_FIXTURE_OPTIONS.targetEvents * 1.1);
  });

  it('given the file, then no card number appears in it (events carry last4 and a fingerprint only)', async () => {
    const committed = await readFile(FIXTURE, 'utf8');
    const numbers = [...ORDINARY_TEST_CARDS, ...SPECIAL_TEST_CARDS].map((c) => c.number);
    expect(numbers.filter((n) => committed.includes(n))).toEqual([]);
  });

  it('given the file loaded into a store, then every incident path has window and outside objects for both merchants', async () => {
    const store = await loadJsonlFile(FIXTURE);
    const events = await store.readAll({ limit: 1_000_000 });
    expect(missingPaths(incidentPathCoverage(events, INCIDENT_WINDOW), [merchantName(0), merchantName(1)])).toEqual([]);
  });

  it('given the file replayed into a fresh Kessai, when projected, then a token made in the window with a CVC reads unchecked', async () => {
    const { kessai, events } = testModeKessai({ events: await loadJsonlFile(FIXTURE) });
    await kessai.runner.catchUp();
    const created = (await events.readAll({ limit: 1_000_000 })).filter(
      (e) => e.type === 'TokenCreated' && e.metadata.occurredAt >= INCIDENT_WINDOW.from && e.metadata.occurredAt < INCIDENT_WINDOW.to,
    );
    const token = created.find((e) => (e.data as { cvc: { supplied: boolean } }).cvc.supplied)!;
    const read = await kessai.tokens.retrieve(token.metadata.merchant, (token.data as { tokenId: string }).tokenId);
    expect(read.ok && read.value.card.cvc_check).toBe('unchecked');
  });
});
