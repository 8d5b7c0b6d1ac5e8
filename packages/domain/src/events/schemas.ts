import { z } from 'zod';
import { addressZipChecks, cardBrands, type CardFacts, type CardHolder } from '../shared/card.js';
import { cvcChecks, type CvcDecision } from '../shared/cvc.js';
import type { CardId, ChargeId, CustomerId, MerchantId, TokenId, VaultRef } from '../shared/ids.js';
import type { Yen } from '../shared/money.js';

/** zod parses the shape; the brand is asserted once here, at the boundary where stored data becomes typed. */
const branded = <B>(schema: z.ZodString) => schema as unknown as z.ZodType<B>;

export const merchantIdSchema = branded<MerchantId>(z.string().min(1));
export const tokenIdSchema = branded<TokenId>(z.string().regex(/^tok_[0-9a-f]{28}$/));
export const cardIdSchema = branded<CardId>(z.string().regex(/^car_[0-9a-f]{28}$/));
export const chargeIdSchema = branded<ChargeId>(z.string().regex(/^ch_[0-9a-f]{29}$/));
export const customerIdSchema = branded<CustomerId>(z.string().regex(/^[A-Za-z0-9_-]{1,100}$/));
export const vaultRefSchema = branded<VaultRef>(z.string().min(1));
export const yenSchema = z.number().int().nonnegative() as unknown as z.ZodType<Yen>;
export const instantSchema = z.number().int();
export const metadataSchema = z.record(z.string(), z.string());

export const cardFactsSchema: z.ZodType<CardFacts> = z.strictObject({
  id: cardIdSchema,
  brand: z.enum(cardBrands),
  last4: z.string().regex(/^[0-9]{4}$/),
  expMonth: z.number().int().min(1).max(12),
  expYear: z.number().int(),
  fingerprint: z.string().min(1),
  vaultRef: vaultRefSchema,
  addressZipCheck: z.enum(addressZipChecks),
  issuedInJapan: z.boolean(),
});

const nullableString = z.string().nullable();
export const cardHolderSchema: z.ZodType<CardHolder> = z.strictObject({
  name: nullableString,
  addressState: nullableString,
  addressCity: nullableString,
  addressLine1: nullableString,
  addressLine2: nullableString,
  addressZip: nullableString,
  country: nullableString,
  email: nullableString,
  phone: nullableString,
});

export const cvcDecisionSchema: z.ZodType<CvcDecision> = z.strictObject({
  check: z.enum(cvcChecks),
  supplied: z.boolean().nullable(),
  verifier: z.strictObject({ name: z.string(), version: z.string() }).nullable(),
});

export const cvcProvenanceSchema = z.strictObject({ token: tokenIdSchema });
