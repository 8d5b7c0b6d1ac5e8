import type { CardId, CustomerId, MerchantId } from '../shared/ids.js';
import type { Metadata } from '../shared/metadata.js';

/** The card a command attaches: created in the same command from a token (see the application flows). */
export interface NewCard {
  readonly card: CardId;
  readonly fingerprint: string;
  readonly expMonth: number;
  readonly expYear: number;
}

export interface CreateCustomer {
  readonly type: 'CreateCustomer';
  readonly customerId: CustomerId;
  /** Whether the merchant chose the id: a taken custom id is the merchant's error, a taken random id is ours. */
  readonly idChosenByMerchant: boolean;
  readonly merchant: MerchantId;
  readonly at: number;
  readonly email: string | null;
  readonly description: string | null;
  readonly metadata: Metadata;
  readonly card: NewCard | null;
}

export interface UpdateCustomer {
  readonly type: 'UpdateCustomer';
  readonly customerId: CustomerId;
  readonly merchant: MerchantId;
  readonly at: number;
  readonly email?: string | null;
  readonly description?: string | null;
  readonly metadata?: Metadata;
  /** Make this owned card the default. */
  readonly defaultCard?: CardId;
  /** Add a card made from a token (`card` parameter of POST /v1/customers/{id}). */
  readonly addCard?: NewCard;
}

export interface DeleteCustomer {
  readonly type: 'DeleteCustomer';
  readonly customerId: CustomerId;
  readonly merchant: MerchantId;
  readonly at: number;
}

/** POST /v1/customers/{id}/cards: attach a card made from a token, optionally as the default. */
export interface AttachCard {
  readonly type: 'AttachCard';
  readonly customerId: CustomerId;
  readonly merchant: MerchantId;
  readonly at: number;
  readonly card: NewCard;
  readonly makeDefault: boolean;
}

/** DELETE /v1/customers/{id}/cards/{card}. */
export interface DetachCard {
  readonly type: 'DetachCard';
  readonly customerId: CustomerId;
  readonly merchant: MerchantId;
  readonly at: number;
  readonly card: CardId;
}

export type CustomerCommand = CreateCustomer | UpdateCustomer | DeleteCustomer | AttachCard | DetachCard;
