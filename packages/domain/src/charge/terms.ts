import { invalidParam } from '../shared/errors.js';
import { validateMetadata, type Metadata } from '../shared/metadata.js';
import { chargeAmount, type Yen } from '../shared/money.js';
import { err, ok, type Result } from '../shared/result.js';
import { boundedText } from '../shared/text.js';
import { DAY_MS, endOfDayInJapan } from '../shared/time.js';

export const DEFAULT_EXPIRY_DAYS = 7;
export const MAX_EXPIRY_DAYS = 60;
/** A captured charge can be refunded for 180 days after the sale. */
export const REFUND_WINDOW_MS = 180 * DAY_MS;

export interface ChargeRequest {
  readonly amount: number;
  readonly currency: string;
  readonly capture: boolean;
  readonly expiryDays: number | null;
  readonly description: string | null;
  readonly metadata: Metadata;
}

export interface ChargeTerms {
  readonly amount: Yen;
  readonly capture: boolean;
  /** Days an uncaptured authorization holds; null for a charge captured at once. */
  readonly expiryDays: number | null;
  readonly description: string | null;
  readonly metadata: Metadata;
}

export const expiryDays = (days: number | null): Result<number> =>
  days === null
    ? ok(DEFAULT_EXPIRY_DAYS)
    : Number.isInteger(days) && days >= 1 && days <= MAX_EXPIRY_DAYS
      ? ok(days)
      : err(invalidParam('invalid_expiry_days', 'expiry_days', `expiry_days must be an integer from 1 to ${MAX_EXPIRY_DAYS}.`));

/**
 * The checks on a charge request that need no card and no network: the application runs them before asking the
 * network to authorize, and the decider runs them again so that no path records an invalid charge.
 */
export const chargeTerms = (request: ChargeRequest): Result<ChargeTerms> => {
  if (request.currency !== 'jpy') return err(invalidParam('invalid_currency', 'currency', 'Only jpy is supported.'));
  const amount = chargeAmount(request.amount);
  if (!amount.ok) return amount;
  if (request.capture && request.expiryDays !== null)
    return err(invalidParam('unnecessary_expiry_days', 'expiry_days', 'expiry_days applies only with capture=false.'));
  const days = request.capture ? ok(null) : expiryDays(request.expiryDays);
  if (!days.ok) return days;
  const description = boundedText(request.description, 'description');
  if (!description.ok) return description;
  const metadata = validateMetadata(request.metadata);
  if (!metadata.ok) return metadata;
  return ok({ amount: amount.value, capture: request.capture, expiryDays: days.value, description: description.value, metadata: metadata.value });
};

/**
 * When an authorization made at `at` for `days` lapses: the end of the Japanese calendar day `days - 1` days
 * later (PAY.JP: with 60 days the hold ends at 23:59 JST on day 59).
 */
export const authorizationExpiry = (at: number, days: number): number => endOfDayInJapan(at + (days - 1) * DAY_MS);
