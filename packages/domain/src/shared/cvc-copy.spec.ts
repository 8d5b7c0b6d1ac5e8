import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cardDecider } from '../card/index.js';
import { chargeDecider } from '../charge/index.js';
import type { DomainEvent } from '../events/registry.js';
import { runWorkload, stepsArb, tokenEventsArb, type WorkloadRun } from '../testing/index.js';
import type { CvcDecision, CvcProvenance } from './cvc.js';
import { foldEvents } from './decider.js';
import type { CardId, ChargeId } from './ids.js';

/** What a copy must carry: the decision of the token the workload made it from, and that token's id. */
const expectedCopy = (run: WorkloadRun, decided: ReadonlyMap<string, CvcDecision>, id: CardId | ChargeId) => {
  const token = run.sourceOf.get(id);
  if (token === undefined) throw new Error(`${id} was not made from a token`);
  return { cvc: decided.get(token), cvcSource: { token } satisfies CvcProvenance };
};

const copies = (event: DomainEvent) => {
  switch (event.type) {
    case 'CardCreated':
      return { id: event.data.cardId, cvc: event.data.cvc, cvcSource: event.data.cvcSource };
    case 'ChargeSucceeded':
    case 'ChargeFailed':
      return { id: event.data.chargeId, cvc: event.data.card.cvc, cvcSource: event.data.card.cvcSource };
    default:
      return null;
  }
};

const many = expect.toSatisfy((n: number) => n >= 500);

describe('cvc_check: decided once at tokenization, copied with its source, never recomputed', () => {
  it("every card and charge, in its events and in its folded state, carries its token's decision", () => {
    const seen = { cards: 0, charges: 0, cardUpdates: 0, chargesFromCards: 0 };
    fc.assert(
      fc.property(tokenEventsArb(), stepsArb(), (tokens, steps) => {
        const run = runWorkload(tokens, steps);
        const decided = new Map(tokens.map((t) => [t.data.tokenId as string, t.data.cvc]));

        for (const event of run.events) {
          if (event.type === 'CardUpdated') {
            expect(Object.keys(event.data)).not.toContain('cvc');
            expect(Object.keys(event.data)).not.toContain('cvcSource');
            seen.cardUpdates++;
          }
          const copy = copies(event);
          if (copy !== null) expect({ cvc: copy.cvc, cvcSource: copy.cvcSource }).toEqual(expectedCopy(run, decided, copy.id));
        }

        for (const [id, history] of run.cards) {
          const card = foldEvents(cardDecider, history);
          if (card.status === 'absent') throw new Error(`card ${id} has no CardCreated`);
          expect({ cvc: card.cvc, cvcSource: card.cvcSource }).toEqual(expectedCopy(run, decided, id));
          seen.cards++;
        }
        for (const [id, history] of run.charges) {
          const charge = foldEvents(chargeDecider, history);
          if (charge.status === 'absent') throw new Error(`charge ${id} has no opening event`);
          expect({ cvc: charge.card.cvc, cvcSource: charge.card.cvcSource }).toEqual(expectedCopy(run, decided, id));
          seen.charges++;
          if (charge.customer !== null) seen.chargesFromCards++;
        }
      }),
      { numRuns: 1000 },
    );
    // The property says nothing if the workloads never reach the copies; make sure they do.
    expect(seen).toEqual({ cards: many, charges: many, cardUpdates: many, chargesFromCards: many });
  });
});
