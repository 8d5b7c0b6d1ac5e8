import type { Brand } from './brand.js';
import { invalidParam } from './errors.js';
import { err, ok, type Result } from './result.js';

/** An amount of Japanese yen. The yen has no minor unit, so an amount is an integer, never a float. */
export type Yen = Brand<number, 'Yen'>;

export const MIN_CHARGE_AMOUNT = 50;
export const MAX_CHARGE_AMOUNT = 9_999_999;

export const yen = (n: number): Yen => {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not an amount of yen: ${n}`);
  return n as Yen;
};

/** The amount of a charge or a capture: an integer from 50 to 9,999,999 yen. */
export const chargeAmount = (n: number, param = 'amount'): Result<Yen> =>
  Number.isSafeInteger(n) && n >= MIN_CHARGE_AMOUNT && n <= MAX_CHARGE_AMOUNT
    ? ok(n as Yen)
    : err(invalidParam('invalid_amount', param, `The amount must be an integer from ${MIN_CHARGE_AMOUNT} to ${MAX_CHARGE_AMOUNT} yen.`));

/** The amount of a refund: an integer from 1 to 9,999,999 yen. */
export const refundAmount = (n: number): Result<Yen> =>
  Number.isSafeInteger(n) && n >= 1 && n <= MAX_CHARGE_AMOUNT
    ? ok(n as Yen)
    : err(invalidParam('invalid_refund_amount', 'amount', `The refund amount must be an integer from 1 to ${MAX_CHARGE_AMOUNT} yen.`));
