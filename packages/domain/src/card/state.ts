import type { CardFacts, CardHolder } from '../shared/card.js';
import type { CvcDecision, CvcProvenance } from '../shared/cvc.js';
import type { CardId, CustomerId, MerchantId } from '../shared/ids.js';
import type { Metadata } from '../shared/metadata.js';

export interface CardSnapshot {
  readonly cardId: CardId;
  readonly merchant: MerchantId;
  readonly customer: CustomerId;
  readonly createdAt: number;
  readonly card: CardFacts;
  readonly holder: CardHolder;
  readonly cvc: CvcDecision;
  readonly cvcSource: CvcProvenance;
  readonly metadata: Metadata;
}

export type CardState =
  | { readonly status: 'absent' }
  | ({ readonly status: 'active' } & CardSnapshot)
  | ({ readonly status: 'deleted'; readonly deletedAt: number } & CardSnapshot);

export const initialCardState: CardState = { status: 'absent' };
