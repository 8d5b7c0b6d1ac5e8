import type { CardFacts, CardHolder, CardHolderPatch } from '../shared/card.js';
import type { CvcDecision, CvcProvenance } from '../shared/cvc.js';
import type { CardId, CustomerId, MerchantId } from '../shared/ids.js';
import type { Metadata } from '../shared/metadata.js';

/** A customer's card was made from a token: facts and cvc decision copied, with the token they came from. */
export interface CardCreated {
  readonly type: 'CardCreated';
  readonly data: {
    readonly cardId: CardId;
    readonly merchant: MerchantId;
    readonly customer: CustomerId;
    readonly at: number;
    readonly card: CardFacts;
    readonly holder: CardHolder;
    readonly cvc: CvcDecision;
    readonly cvcSource: CvcProvenance;
    readonly metadata: Metadata;
  };
}

/**
 * The holder's details or metadata changed. There is deliberately no cvc field: once decided at tokenization,
 * cvc_check cannot be changed by any later event (a type test in card.test-d.ts keeps it so).
 */
export interface CardUpdated {
  readonly type: 'CardUpdated';
  readonly data: {
    readonly cardId: CardId;
    readonly merchant: MerchantId;
    readonly customer: CustomerId;
    readonly at: number;
    readonly holder: CardHolderPatch;
    /** The card's metadata after the update, when the update touched it. */
    readonly metadata?: Metadata | undefined;
  };
}

export interface CardDeleted {
  readonly type: 'CardDeleted';
  readonly data: { readonly cardId: CardId; readonly merchant: MerchantId; readonly customer: CustomerId; readonly at: number };
}

export type CardEvent = CardCreated | CardUpdated | CardDeleted;
