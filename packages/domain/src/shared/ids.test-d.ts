import { describe, expectTypeOf, it } from 'vitest';
import type { CardId, ChargeId, CustomerId, MerchantId, TokenId } from './ids.js';
import { unsafeId } from './ids.js';
import { yen, type Yen } from './money.js';

describe('branded ids', () => {
  it('are not interchangeable', () => {
    expectTypeOf<TokenId>().not.toExtend<ChargeId>();
    expectTypeOf<TokenId>().not.toExtend<CardId>();
    expectTypeOf<CardId>().not.toExtend<CustomerId>();
    expectTypeOf<CustomerId>().not.toExtend<MerchantId>();
    // @ts-expect-error a token id is not a charge id
    const charge: ChargeId = unsafeId.token('tok_0000000000000000000000000001');
    expectTypeOf(charge).toEqualTypeOf<ChargeId>();
  });

  it('are not made from a plain string without a constructor', () => {
    expectTypeOf<string>().not.toExtend<TokenId>();
    // @ts-expect-error a plain string is not a token id
    const token: TokenId = 'tok_0000000000000000000000000001';
    expectTypeOf(token).toEqualTypeOf<TokenId>();
  });

  it('are still strings to read', () => {
    expectTypeOf<TokenId>().toExtend<string>();
  });
});

describe('Yen', () => {
  it('is not made from a plain number without yen()', () => {
    expectTypeOf<number>().not.toExtend<Yen>();
    // @ts-expect-error a plain number is not an amount of yen
    const amount: Yen = 1000;
    expectTypeOf(amount).toEqualTypeOf<Yen>();
    expectTypeOf(yen(1000)).toEqualTypeOf<Yen>();
    expectTypeOf<Yen>().toExtend<number>();
  });
});
