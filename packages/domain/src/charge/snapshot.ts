import type { CardState } from '../card/state.js';
import type { CardFacts, CardHolder } from '../shared/card.js';
import type { CvcDecision, CvcProvenance } from '../shared/cvc.js';
import type { CustomerId } from '../shared/ids.js';
import type { Metadata } from '../shared/metadata.js';
import type { TokenState } from '../token/state.js';

/** The card as it was when charged, with its cvc decision and the token that decided it. */
export interface ChargedCard {
  readonly card: CardFacts;
  readonly holder: CardHolder;
  readonly cvc: CvcDecision;
  readonly cvcSource: CvcProvenance;
  /** The customer that owned the card; null for a charge made directly with a token. */
  readonly customer: CustomerId | null;
  readonly metadata: Metadata;
  /** When the card object was created (with the token, or when added to the customer): its `created`. */
  readonly createdAt: number;
}

/** card=tok_…: the snapshot comes from the token's own record. */
export const chargedCardFromToken = (token: Extract<TokenState, { status: 'active' | 'used' }>): ChargedCard => ({
  card: token.card,
  holder: token.holder,
  cvc: token.cvc,
  cvcSource: { token: token.tokenId },
  customer: null,
  metadata: {},
  createdAt: token.createdAt,
});

/** customer=cus_… (with or without card=car_…): the snapshot comes from the customer's card, source and all. */
export const chargedCardFromCard = (card: Extract<CardState, { status: 'active' }>): ChargedCard => ({
  card: card.card,
  holder: card.holder,
  cvc: card.cvc,
  cvcSource: card.cvcSource,
  customer: card.customer,
  metadata: card.metadata,
  createdAt: card.createdAt,
});
