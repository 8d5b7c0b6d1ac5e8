import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { differingPaths, sameJson } from './diff.js';

/** Small JSON values, often equal or nearly equal, so both answers are exercised. */
const leaf = fc.constantFrom<unknown>(null, undefined, 0, 1, '', 'a', 'unchecked', true, false);
const json = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('id', 'card', 'cvc_check', 'data'), tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('sameJson', () => {
  it('says equal exactly when differingPaths finds no path', () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        expect(sameJson(a, b)).toBe(differingPaths(a, b).length === 0);
        expect(sameJson(a, structuredClone(a))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('given one changed leaf deep in a card, finds the change and names its path', () => {
    const before = { id: 'ch_1', card: { cvc_check: 'unchecked', metadata: {} }, refunds: [1, 2] };
    const after = { ...before, card: { ...before.card, cvc_check: 'passed' } };
    expect(sameJson(before, after)).toBe(false);
    expect(differingPaths(before, after)).toEqual(['card.cvc_check']);
    expect(sameJson({ a: undefined }, {})).toBe(true);
    expect(sameJson([], {})).toBe(false);
  });
});
