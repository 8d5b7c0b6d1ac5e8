import type { InspectedCard } from '../card-data/inspect.js';
import type { Sensitive } from '../card-data/sensitive.js';
import type { AddressZipCheck, CardBrand } from '../shared/card.js';
import type { CvcCheck, VerifierIdentity } from '../shared/cvc.js';
import type { ErrorCode } from '../shared/errors.js';
import type { ChargeId, IdKind, MerchantId, VaultRef } from '../shared/ids.js';
import type { Yen } from '../shared/money.js';

/**
 * Keeps card numbers. The only place a PAN lives after tokenization. `fingerprint` is keyed (HMAC) with a
 * deployment secret: a plain hash of a 16-digit number with a known prefix is brute-forced in minutes.
 */
export interface CardVault {
  fingerprint(pan: Sensitive): Promise<string>;
  store(ref: VaultRef, pan: Sensitive): Promise<void>;
  reveal(ref: VaultRef): Promise<Sensitive | null>;
}

/** One answer of a CvcVerifier, naming the verifier that gave it (recorded in TokenCreated). */
export interface CvcVerdict {
  readonly check: CvcCheck;
  readonly verifier: VerifierIdentity;
}

/**
 * Decides cvc_check, once, at tokenization. A card without a CVC must come back `unchecked`. Each answer names
 * the verifier that gave it, so that a faulty component (a release, a fault window) is visible in the data per
 * answer; `identity` describes what is deployed.
 */
export interface CvcVerifier {
  readonly identity: VerifierIdentity;
  verify(request: { readonly card: InspectedCard; readonly at: number }): Promise<CvcVerdict>;
}

/** The network's answer when a card is tokenized: some cards are refused before any token exists. */
export type Screening =
  | { readonly outcome: 'accepted'; readonly addressZipCheck: AddressZipCheck; readonly issuedInJapan: boolean }
  | { readonly outcome: 'refused'; readonly code: Extract<ErrorCode, 'card_declined' | 'expired_card' | 'invalid_cvc' | 'processing_error' | 'unacceptable_brand' | 'invalid_expiration_date'>; readonly message: string };

/** The network's answer to an authorization: a decline is an expected outcome, recorded as ChargeFailed. */
export type Authorization =
  | { readonly outcome: 'approved' }
  | { readonly outcome: 'declined'; readonly code: Extract<ErrorCode, 'card_declined' | 'expired_card' | 'invalid_expiration_date' | 'processing_error'>; readonly message: string };

export interface NetworkCharge {
  readonly merchant: MerchantId;
  readonly charge: ChargeId;
  readonly pan: Sensitive;
  readonly brand: CardBrand;
  readonly amount: Yen;
  readonly at: number;
}

/** The card network (acquirer). Test-mode implementations follow PAY.JP's test cards. */
export interface CardNetwork {
  screen(request: { readonly card: InspectedCard; readonly at: number }): Promise<Screening>;
  authorize(request: NetworkCharge): Promise<Authorization>;
  capture(request: NetworkCharge): Promise<void>;
  refund(request: NetworkCharge): Promise<void>;
  reauthorize(request: NetworkCharge): Promise<Authorization>;
}

/** Time comes from outside the domain: the system clock in production, a seeded clock in tests and replays. */
export interface Clock {
  now(): number;
}

/** Random ids come from outside the domain: seeded in tests so that a workload replays bit for bit. */
export interface IdGenerator {
  /** A PAY.JP-style id for the kind: prefix + lowercase hex, 32 characters. */
  next(kind: IdKind): string;
  /**
   * True when an id never repeats (random, over 100 bits): a stream named by a new id cannot exist yet, so a
   * command creating it need not read it first (its append still expects no stream). Seeded and derived ids
   * repeat by design (a replay, a retried idempotency key) and leave it unset.
   */
  readonly unique?: boolean;
}
