/**
 * The incident, replayable (done-criterion 1): the recorded fixture is replayed, and on each of the propagation
 * paths 1-12 of reference/INCIDENT.md, read through the real read path for every merchant, exactly the objects
 * descending from window tokens show `unchecked` and every other object shows its own token's recorded value.
 * The expectations come from an oracle over the stored events alone (test/support/incident-oracle.ts), never from
 * the projections, lineage or impact code under test. Then the impact report must list, per merchant and per path,
 * exactly the affected objects the oracle finds.
 */
import { fileURLToPath } from 'node:url';
import { replay, testModeKessai, type Replay } from '@kessai/adapters';
import { unsafeId } from '@kessai/domain';
import { incidentImpact, PayjpQueries } from '@kessai/projections';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildIncidentOracle, FAULT_WINDOW, incidentPaths, merchantFacts, readAllEvents, type IncidentOracle } from './support/incident-oracle.js';
import { judgePath, pathReaders, unwrap } from './support/incident-path-reads.js';
import { compareImpact } from './support/impact-vs-oracle.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/incident-small.jsonl', import.meta.url));

describe('given the recorded incident fixture replayed into a fresh memory store (test/fixtures/incident-small.jsonl)', () => {
  let replayed: Replay;
  let oracle: IncidentOracle;

  beforeAll(async () => {
    replayed = await replay({ file: FIXTURE });
    oracle = buildIncidentOracle(await readAllEvents(replayed.events));
  });

  it('then the events reproduce fault A inside the window only: every token made there with a CVC says unchecked, every token made outside with a CVC says something else', () => {
    expect(oracle.eventCount).toBeGreaterThanOrEqual(1_500);
    expect(oracle.merchants).toEqual(['merchant_a', 'merchant_b']);
    for (const merchant of oracle.merchants) {
      const tokens = [...merchantFacts(oracle, merchant).tokens.values()];
      const inWindow = (at: number) => at >= FAULT_WINDOW.from && at < FAULT_WINDOW.to;
      const windowTokens = tokens.filter((t) => t.cvc.supplied === true && inWindow(t.at));
      expect(windowTokens).toEqual(tokens.filter((t) => t.window));
      const checkedOutside = tokens.filter((t) => t.cvc.supplied === true && !inWindow(t.at));
      expect(windowTokens.length, `${merchant}: window tokens`).toBeGreaterThan(0);
      expect(checkedOutside.length, `${merchant}: tokens checked outside the window`).toBeGreaterThan(0);
      expect(windowTokens.filter((t) => t.cvc.check !== 'unchecked').map((t) => t.id)).toEqual([]);
      expect(checkedOutside.filter((t) => t.cvc.check === 'unchecked').map((t) => t.id)).toEqual([]);
      // Recorded with provenance (no TokenCreated v1): every token says whether a CVC was sent.
      expect(tokens.filter((t) => t.cvc.supplied === null).map((t) => t.id)).toEqual([]);
    }
  });

  describe.each(incidentPaths.map((path) => ({ path, title: pathReaders[path].title })))('when path $path is read for every merchant: $title', ({ path }) => {
    it('then exactly the objects from window tokens show unchecked, every other object its token\'s recorded value, and both kinds are seen per merchant', async () => {
      const lines: string[] = [];
      for (const merchant of oracle.merchants) {
        const f = merchantFacts(oracle, merchant);
        const verdict = judgePath(f, await pathReaders[path].read(replayed.queries, f));
        expect(verdict.problems, `path ${path}, ${merchant}`).toEqual([]);
        expect(verdict.affected.size, `path ${path}, ${merchant}: objects showing an affected card`).toBeGreaterThan(0);
        expect(verdict.unaffected.size, `path ${path}, ${merchant}: objects showing no affected card`).toBeGreaterThan(0);
        expect(verdict.checked.size, `path ${path}, ${merchant}: unaffected objects showing a real check`).toBeGreaterThan(0);
        const calls = [...verdict.byCall].map(([call, t]) => `    ${call}: ${t.affected} affected / ${t.unaffected} unaffected responses`);
        lines.push(
          `  ${merchant}: ${verdict.affected.size} affected / ${verdict.unaffected.size} unaffected objects (${verdict.checked.size} showing a real check), ${verdict.cardObjects} card objects`,
          ...calls,
        );
      }
      console.log([`path ${path}:`, ...lines].join('\n'));
    });
  });

  it('when the impact report is computed by signature, then per merchant and path it lists exactly the affected objects the oracle finds', () => {
    const { impact } = replayed;
    expect(impact.by).toBe('signature');
    expect(impact.merchants.map((m) => m.merchant)).toEqual(oracle.merchants);
    const { differences, expected } = compareImpact(impact, oracle);
    for (const section of impact.merchants) {
      const counts = expected.get(section.merchant)!;
      expect(section.tokens).toEqual({ affected: counts[1], total: merchantFacts(oracle, section.merchant).tokens.size });
      for (const path of incidentPaths) expect(section.counts[path], `${section.merchant} path ${path} count`).toBe(section.objects.filter((o) => o.path === path).length);
      console.log(`impact ${section.merchant} (path:affected objects): ${incidentPaths.map((p) => `${p}:${counts[p]}`).join(' ')}`);
    }
    expect(differences).toEqual([]);
  });
});

describe('given cards added inside the window to customers that had none, by each call that can add one', () => {
  const merchant = unsafeId.merchant('acme');
  const card = (number: string) => ({ card: { number, exp_month: 12, exp_year: 2030, cvc: '123' } });

  it('when each is made and projected, then the reads of every path match the oracle, and the impact report puts each card on the path of its call as far as the events tell', async () => {
    const { kessai, readModels, events } = testModeKessai({ seed: 7, startAt: Date.UTC(2017, 5, 7, 8, 30), faultWindow: FAULT_WINDOW });
    const token = async (number: string) => unwrap(await kessai.tokens.create(merchant, card(number)), `token …${number.slice(-4)}`);
    const withEmail = await token('4242424242424242');
    const cardOnly = await token('5555555555554444');
    const viaCards = await token('3530111333300000');
    for (const id of ['with-email', 'card-only', 'via-cards']) unwrap(await kessai.customers.create(merchant, { id }), id);
    // POST /v1/customers/{cus} with card=tok and an email: CustomerUpdated in the same command names the call.
    unwrap(await kessai.customers.update(merchant, 'with-email', { card: withEmail.id, email: 'hanako@example.jp' }), 'update with card and email');
    // POST /v1/customers/{cus} with card=tok alone is an update too (CustomerUpdated says so); POST
    // /v1/customers/{cus}/cards is not: only that card lands on path 3.
    unwrap(await kessai.customers.update(merchant, 'card-only', { card: cardOnly.id }), 'update with card only');
    unwrap(await kessai.customers.cards.create(merchant, 'via-cards', { card: viaCards.id }), 'cards create');

    const oracle = buildIncidentOracle(await readAllEvents(events));
    const f = merchantFacts(oracle, merchant);
    expect([...f.cards.values()].map((c) => [c.customer, c.origin])).toEqual([
      ['with-email', 'customer.update'],
      ['card-only', 'customer.update'],
      ['via-cards', 'customer.add'],
    ]);
    const queries = new PayjpQueries(readModels);
    for (const path of incidentPaths) expect(judgePath(f, await pathReaders[path].read(queries, f)).problems, `path ${path}`).toEqual([]);

    const impact = await incidentImpact(await readModels.active(), { window: FAULT_WINDOW });
    expect(compareImpact(impact, oracle).differences).toEqual([]);
    const onPath = (path: number) => impact.merchants[0]!.objects.filter((o) => o.path === path).map((o) => o.id);
    expect(new Set(onPath(3))).toEqual(new Set([viaCards.card.id]));
    expect(new Set(onPath(5))).toEqual(new Set(['with-email', 'card-only', 'via-cards']));
  });
});
