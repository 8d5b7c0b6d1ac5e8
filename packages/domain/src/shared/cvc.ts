import type { TokenId } from './ids.js';

/** PAY.JP's cvc_check values (past tense, unlike Stripe's pass/fail). */
export const cvcChecks = ['passed', 'failed', 'unavailable', 'unchecked'] as const;
export type CvcCheck = (typeof cvcChecks)[number];

/** Which CvcVerifier answered: recorded so that a faulty verifier release can be found in the data afterwards. */
export interface VerifierIdentity {
  readonly name: string;
  readonly version: string;
}

/**
 * The one decision about a card's CVC, made at tokenization and never again.
 * `supplied` is null only on events recorded before the library tracked it (TokenCreated v1): unknown, not false.
 * `verifier` is null for the same reason.
 */
export interface CvcDecision {
  readonly check: CvcCheck;
  readonly supplied: boolean | null;
  readonly verifier: VerifierIdentity | null;
}

/** Where a copied cvc_check came from: every copy names the token whose TokenCreated decided it. */
export interface CvcProvenance {
  readonly token: TokenId;
}

/** The incident's signature in the data: a CVC was sent, yet the answer says no check was made. */
export const hasIncidentSignature = (d: CvcDecision): boolean => d.supplied === true && d.check === 'unchecked';
