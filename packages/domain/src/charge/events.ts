import type { Authorization } from '../ports/card-ports.js';
import type { ChargeId, CustomerId, MerchantId } from '../shared/ids.js';
import type { Metadata } from '../shared/metadata.js';
import type { Yen } from '../shared/money.js';
import type { ChargedCard } from './snapshot.js';

interface ChargeScope {
  readonly chargeId: ChargeId;
  readonly merchant: MerchantId;
  readonly at: number;
}

interface ChargeOpening extends ChargeScope {
  readonly amount: Yen;
  readonly currency: 'jpy';
  readonly description: string | null;
  readonly metadata: Metadata;
  readonly customer: CustomerId | null;
  /** The card snapshot, cvc_check and its source token included. No later charge event can change it. */
  readonly card: ChargedCard;
}

/** The network authorized the charge; captured at once, or held until `expiresAt`. */
export interface ChargeSucceeded {
  readonly type: 'ChargeSucceeded';
  readonly data: ChargeOpening & { readonly captured: boolean; readonly expiresAt: number | null };
}

export type DeclineCode = Extract<Authorization, { outcome: 'declined' }>['code'];

/** The network declined: an expected outcome, recorded so that the merchant sees the failed charge. */
export interface ChargeFailed {
  readonly type: 'ChargeFailed';
  readonly data: ChargeOpening & { readonly capture: boolean; readonly failureCode: DeclineCode; readonly failureMessage: string };
}

/** `released` is the part of the authorization not captured; PAY.JP shows it in amount_refunded. */
export interface ChargeCaptured {
  readonly type: 'ChargeCaptured';
  readonly data: ChargeScope & { readonly amount: Yen; readonly released: Yen };
}

export interface ChargeRefunded {
  readonly type: 'ChargeRefunded';
  readonly data: ChargeScope & { readonly amount: Yen; readonly reason: string | null };
}

export interface ChargeReauthorized {
  readonly type: 'ChargeReauthorized';
  readonly data: ChargeScope & { readonly expiresAt: number };
}

export interface ChargeUpdated {
  readonly type: 'ChargeUpdated';
  readonly data: ChargeScope & { readonly description?: string | null | undefined; readonly metadata?: Metadata | undefined };
}

/** An uncaptured authorization lapsed and its hold was released. */
export interface ChargeExpired {
  readonly type: 'ChargeExpired';
  readonly data: ChargeScope;
}

export type ChargeEvent =
  | ChargeSucceeded
  | ChargeFailed
  | ChargeCaptured
  | ChargeRefunded
  | ChargeReauthorized
  | ChargeUpdated
  | ChargeExpired;
