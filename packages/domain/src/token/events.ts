import type { CardFacts, CardHolder } from '../shared/card.js';
import type { CvcDecision } from '../shared/cvc.js';
import type { CardId, ChargeId, CustomerId, MerchantId, TokenId } from '../shared/ids.js';

/** A token was created: the card's facts and the one cvc_check decision that every copy will carry. */
export interface TokenCreated {
  readonly type: 'TokenCreated';
  readonly data: {
    readonly tokenId: TokenId;
    readonly merchant: MerchantId;
    readonly at: number;
    readonly card: CardFacts;
    readonly holder: CardHolder;
    readonly cvc: CvcDecision;
    readonly livemode: boolean;
  };
}

/** What a token was spent on: it backs exactly one card (attached to a customer) or one charge. */
export type TokenUse =
  | { readonly kind: 'card'; readonly card: CardId; readonly customer: CustomerId }
  | { readonly kind: 'charge'; readonly charge: ChargeId };

export interface TokenUsed {
  readonly type: 'TokenUsed';
  readonly data: { readonly tokenId: TokenId; readonly merchant: MerchantId; readonly at: number; readonly usedFor: TokenUse };
}

export type TokenEvent = TokenCreated | TokenUsed;
