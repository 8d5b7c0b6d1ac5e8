import type { Authorization } from '../ports/card-ports.js';
import type { ChargeId, CustomerId, MerchantId } from '../shared/ids.js';
import type { Metadata } from '../shared/metadata.js';
import type { ChargedCard } from './snapshot.js';
import type { ChargeRequest } from './terms.js';

/** Record a charge the network has answered. The card snapshot was copied from a token or a customer's card. */
export interface CreateCharge {
  readonly type: 'CreateCharge';
  readonly chargeId: ChargeId;
  readonly merchant: MerchantId;
  readonly at: number;
  readonly request: ChargeRequest;
  readonly customer: CustomerId | null;
  readonly card: ChargedCard;
  readonly authorization: Authorization;
}

interface OnCharge {
  readonly chargeId: ChargeId;
  readonly merchant: MerchantId;
  readonly at: number;
}

export interface UpdateCharge extends OnCharge {
  readonly type: 'UpdateCharge';
  readonly description?: string | null;
  readonly metadata?: Metadata;
}

/** `amount` null refunds what remains (the whole charge, for an uncaptured one: a cancellation). */
export interface RefundCharge extends OnCharge {
  readonly type: 'RefundCharge';
  readonly amount: number | null;
  readonly reason: string | null;
}

/** `amount` null captures the whole authorization. */
export interface CaptureCharge extends OnCharge {
  readonly type: 'CaptureCharge';
  readonly amount: number | null;
}

export interface ReauthCharge extends OnCharge {
  readonly type: 'ReauthCharge';
  readonly expiryDays: number | null;
  readonly authorization: Authorization;
}

/** Sent by a scheduler at or after the expiry time; a charge with nothing to expire answers with no events. */
export interface ExpireCharge extends OnCharge {
  readonly type: 'ExpireCharge';
}

export type ChargeCommand = CreateCharge | UpdateCharge | RefundCharge | CaptureCharge | ReauthCharge | ExpireCharge;
