/**
 * The design's invariant, as a property over generated workloads: every cvc_check in every read model (tokens,
 * cards, customers' embedded cards, charges' cards, API event data, lineage) equals the value in the TokenCreated
 * of the token it descends from. The oracle reads the event store only: a card object's id is its token's card id.
 */
import { generateScenario } from '@kessai/adapters';
import { decodeEvent } from '@kessai/domain';
import { collections, reportedCollections, type Lineage } from '@kessai/projections';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cardsIn } from './support/incident-path-reads.js';

describe('given random seeded workloads across the fault window', () => {
  it('every cvc_check in every read model equals the TokenCreated of its token', async () => {
    let checkedCards = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
        const scenario = await generateScenario({ seed, merchants: 2, targetEvents: 1200 });
        await scenario.kessai.runner.catchUp();

        const decided = new Map<string, string>();
        const tokenCheck = new Map<string, string>();
        for (const stored of await scenario.events.readAll({ limit: 1_000_000 })) {
          const event = decodeEvent(stored);
          if (event.type !== 'TokenCreated') continue;
          decided.set(event.data.card.id, event.data.cvc.check);
          tokenCheck.set(event.data.tokenId, event.data.cvc.check);
        }

        const live = await scenario.readModels.active();
        for (const collection of reportedCollections) {
          for await (const [id, doc] of live.scan(collection)) {
            for (const card of cardsIn(doc)) {
              expect(decided.has(card.id), `${collection} ${id}: card ${card.id} has no TokenCreated`).toBe(true);
              expect(card.cvc_check, `${collection} ${id}: card ${card.id}`).toBe(decided.get(card.id));
              checkedCards++;
            }
            if (collection === collections.lineage) expect((doc as Lineage).cvc.check).toBe(tokenCheck.get((doc as Lineage).token));
          }
        }
      }),
      { numRuns: 6 },
    );
    // The property looked at real data: thousands of card objects across the runs.
    expect(checkedCards).toBeGreaterThan(5_000);
  }, 120_000);
});
