import type { CardId, VaultRef } from './ids.js';

export const cardBrands = ['Visa', 'MasterCard', 'JCB', 'American Express', 'Diners Club', 'Discover'] as const;
export type CardBrand = (typeof cardBrands)[number];

export const addressZipChecks = ['passed', 'failed', 'unchecked'] as const;
export type AddressZipCheck = (typeof addressZipChecks)[number];

/**
 * What the library may know about a card number: never the number itself, only what identifies and describes it.
 * `fingerprint` is an HMAC of the number under a deployment secret; `vaultRef` says where the CardVault keeps it.
 */
export interface CardFacts {
  readonly id: CardId;
  readonly brand: CardBrand;
  readonly last4: string;
  readonly expMonth: number;
  readonly expYear: number;
  readonly fingerprint: string;
  readonly vaultRef: VaultRef;
  readonly addressZipCheck: AddressZipCheck;
  readonly issuedInJapan: boolean;
}

/** The cardholder's details, all optional in PAY.JP and shown as null when absent. */
export interface CardHolder {
  readonly name: string | null;
  readonly addressState: string | null;
  readonly addressCity: string | null;
  readonly addressLine1: string | null;
  readonly addressLine2: string | null;
  readonly addressZip: string | null;
  readonly country: string | null;
  readonly email: string | null;
  readonly phone: string | null;
}

export const emptyHolder: CardHolder = {
  name: null,
  addressState: null,
  addressCity: null,
  addressLine1: null,
  addressLine2: null,
  addressZip: null,
  country: null,
  email: null,
  phone: null,
};

/** A change to the holder's details: a key that is present replaces the value (null clears it). */
export type CardHolderPatch = { readonly [K in keyof CardHolder]?: CardHolder[K] | undefined };

export const applyHolderPatch = (holder: CardHolder, patch: CardHolderPatch): CardHolder => {
  const next: { -readonly [K in keyof CardHolder]: CardHolder[K] } = { ...holder };
  for (const key of Object.keys(patch) as (keyof CardHolder)[]) {
    const value = patch[key];
    if (value !== undefined) next[key] = value;
  }
  return next;
};
