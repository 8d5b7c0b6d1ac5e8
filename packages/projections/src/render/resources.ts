import type { Metadata } from '@kessai/domain';
import type { PayjpCard } from './card.js';
import type { PayjpList } from './list.js';

/** PAY.JP's token object (PAYJP-API.md 1.2). */
export interface PayjpToken {
  readonly card: PayjpCard;
  readonly created: number;
  readonly id: string;
  readonly livemode: boolean;
  readonly object: 'token';
  readonly used: boolean;
}

/** PAY.JP's customer object (PAYJP-API.md 1.3) with its embedded cards list. */
export interface PayjpCustomer {
  readonly cards: PayjpList<PayjpCard>;
  readonly created: number;
  readonly default_card: string | null;
  readonly description: string | null;
  readonly email: string | null;
  readonly id: string;
  readonly livemode: boolean;
  readonly metadata: Metadata;
  readonly object: 'customer';
  readonly subscriptions: PayjpList<never>;
}

/** PAY.JP's charge object (PAYJP-API.md 1.4); refund state lives in its three refund fields. */
export interface PayjpCharge {
  readonly amount: number;
  readonly amount_refunded: number;
  readonly captured: boolean;
  readonly captured_at: number | null;
  readonly card: PayjpCard;
  readonly created: number;
  readonly currency: 'jpy';
  readonly customer: string | null;
  readonly description: string | null;
  readonly expired_at: number | null;
  readonly failure_code: string | null;
  readonly failure_message: string | null;
  readonly fee_rate: string | null;
  readonly id: string;
  readonly livemode: boolean;
  readonly metadata: Metadata;
  readonly object: 'charge';
  readonly paid: boolean;
  readonly refund_reason: string | null;
  readonly refunded: boolean;
  readonly subscription: string | null;
  readonly term_id: string | null;
  readonly three_d_secure_status: string | null;
}

export const apiEventTypes = [
  'token.created',
  'customer.created',
  'customer.updated',
  'customer.deleted',
  'customer.card.created',
  'customer.card.updated',
  'customer.card.deleted',
  'charge.succeeded',
  'charge.failed',
  'charge.updated',
  'charge.refunded',
  'charge.captured',
] as const;
export type ApiEventType = (typeof apiEventTypes)[number];

/** PAY.JP's event object (PAYJP-API.md 1.5): `data` is the resource itself, as it was after the change. */
export interface PayjpEvent {
  readonly created: number;
  readonly data: PayjpToken | PayjpCustomer | PayjpCard | PayjpCharge;
  readonly id: string;
  readonly livemode: boolean;
  readonly object: 'event';
  readonly pending_webhooks: number;
  readonly type: ApiEventType;
}
