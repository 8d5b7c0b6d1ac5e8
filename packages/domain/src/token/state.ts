import type { CardFacts, CardHolder } from '../shared/card.js';
import type { CvcDecision } from '../shared/cvc.js';
import type { MerchantId, TokenId } from '../shared/ids.js';
import type { TokenUse } from './events.js';

interface TokenFacts {
  readonly tokenId: TokenId;
  readonly merchant: MerchantId;
  readonly createdAt: number;
  readonly card: CardFacts;
  readonly holder: CardHolder;
  readonly cvc: CvcDecision;
  readonly livemode: boolean;
}

export type TokenState =
  | { readonly status: 'absent' }
  | ({ readonly status: 'active' } & TokenFacts)
  | ({ readonly status: 'used'; readonly usedFor: TokenUse; readonly usedAt: number } & TokenFacts);

export const initialTokenState: TokenState = { status: 'absent' };
