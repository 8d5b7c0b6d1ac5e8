import type { CardHolderPatch } from '../shared/card.js';
import type { CardId, CustomerId, MerchantId } from '../shared/ids.js';
import type { Metadata } from '../shared/metadata.js';
import type { TokenState } from '../token/state.js';

/** Make a customer's card from a token. The token's state is the source: its cvc decision is copied as is. */
export interface CreateCard {
  readonly type: 'CreateCard';
  readonly cardId: CardId;
  readonly merchant: MerchantId;
  readonly customer: CustomerId;
  readonly at: number;
  readonly token: Extract<TokenState, { status: 'active' | 'used' }>;
  readonly metadata: Metadata;
}

export interface UpdateCard {
  readonly type: 'UpdateCard';
  readonly cardId: CardId;
  readonly merchant: MerchantId;
  readonly customer: CustomerId;
  readonly at: number;
  readonly holder: CardHolderPatch;
  /** Keys to set; a key with an empty value is removed (PAY.JP). */
  readonly metadata?: Metadata;
}

export interface DeleteCard {
  readonly type: 'DeleteCard';
  readonly cardId: CardId;
  readonly merchant: MerchantId;
  readonly customer: CustomerId;
  readonly at: number;
}

export type CardCommand = CreateCard | UpdateCard | DeleteCard;
