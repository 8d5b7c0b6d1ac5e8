import type { ChargeId, CustomerId, MerchantId } from '../shared/ids.js';
import type { Metadata } from '../shared/metadata.js';
import type { Yen } from '../shared/money.js';
import type { DeclineCode } from './events.js';
import type { ChargedCard } from './snapshot.js';

interface ChargeFacts {
  readonly chargeId: ChargeId;
  readonly merchant: MerchantId;
  readonly createdAt: number;
  readonly amount: Yen;
  readonly description: string | null;
  readonly metadata: Metadata;
  readonly customer: CustomerId | null;
  readonly card: ChargedCard;
  readonly amountRefunded: number;
  readonly refundReason: string | null;
}

/**
 * - authorized: held, not captured, until expiresAt
 * - captured: sale confirmed (possibly partly refunded)
 * - cancelled: an uncaptured authorization refunded in full
 * - expired: an uncaptured authorization that lapsed
 * - failed: declined by the network
 */
export type ChargeState =
  | { readonly status: 'absent' }
  | ({ readonly status: 'failed'; readonly failureCode: DeclineCode; readonly failureMessage: string } & ChargeFacts)
  | ({ readonly status: 'authorized'; readonly expiresAt: number } & ChargeFacts)
  | ({ readonly status: 'captured'; readonly capturedAt: number } & ChargeFacts)
  | ({ readonly status: 'cancelled'; readonly expiresAt: number } & ChargeFacts)
  | ({ readonly status: 'expired'; readonly expiresAt: number; readonly expiredAt: number } & ChargeFacts);

export const initialChargeState: ChargeState = { status: 'absent' };
