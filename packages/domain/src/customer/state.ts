import type { CardId, CustomerId, MerchantId } from '../shared/ids.js';
import type { Metadata } from '../shared/metadata.js';

export interface OwnedCard {
  readonly card: CardId;
  readonly fingerprint: string;
  readonly expMonth: number;
  readonly expYear: number;
  readonly attachedAt: number;
}

interface CustomerFacts {
  readonly customerId: CustomerId;
  readonly merchant: MerchantId;
  readonly createdAt: number;
  readonly email: string | null;
  readonly description: string | null;
  readonly metadata: Metadata;
  /** In the order they were attached. */
  readonly cards: readonly OwnedCard[];
  readonly defaultCard: CardId | null;
}

export type CustomerState =
  | { readonly status: 'absent' }
  | ({ readonly status: 'active' } & CustomerFacts)
  | ({ readonly status: 'deleted'; readonly deletedAt: number } & CustomerFacts);

export const initialCustomerState: CustomerState = { status: 'absent' };
