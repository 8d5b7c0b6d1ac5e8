import { describe, expectTypeOf, it } from 'vitest';
import type { CvcDecision } from '../shared/cvc.js';
import type { CardCreated, CardUpdated } from './events.js';

describe('CardUpdated', () => {
  it('has no key that could carry or change the cvc decision', () => {
    expectTypeOf<Extract<keyof CardUpdated['data'], 'cvc' | 'cvcSource'>>().toBeNever();
    expectTypeOf<'cvc'>().not.toExtend<keyof CardUpdated['data']>();
    expectTypeOf<'cvcSource'>().not.toExtend<keyof CardUpdated['data']>();
  });

  it("has no holder field that could smuggle one in either", () => {
    expectTypeOf<Extract<keyof CardUpdated['data']['holder'], 'cvc' | 'cvcCheck'>>().toBeNever();
  });

  it('while CardCreated carries the copied decision and its source', () => {
    expectTypeOf<CardCreated['data']['cvc']>().toEqualTypeOf<CvcDecision>();
    expectTypeOf<CardCreated['data']>().toHaveProperty('cvcSource');
  });
});
