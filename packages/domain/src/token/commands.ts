import type { Screening } from '../ports/card-ports.js';
import type { CardFacts, CardHolder } from '../shared/card.js';
import type { CvcDecision } from '../shared/cvc.js';
import type { MerchantId, TokenId } from '../shared/ids.js';
import type { TokenUse } from './events.js';

/**
 * Record a token for card data that already passed `inspectCard`, was vaulted and fingerprinted, screened by the
 * network and had its CVC verified. The command holds no card number and no CVC: only what may be recorded.
 */
export interface CreateToken {
  readonly type: 'CreateToken';
  readonly tokenId: TokenId;
  readonly merchant: MerchantId;
  readonly at: number;
  readonly card: Omit<CardFacts, 'addressZipCheck' | 'issuedInJapan'>;
  readonly holder: CardHolder;
  readonly cvc: CvcDecision;
  readonly screening: Screening;
  readonly livemode: boolean;
}

/** Spend a token on a card or a charge. Tokens are single-use. */
export interface UseToken {
  readonly type: 'UseToken';
  readonly tokenId: TokenId;
  readonly merchant: MerchantId;
  readonly at: number;
  readonly usedFor: TokenUse;
}

export type TokenCommand = CreateToken | UseToken;
