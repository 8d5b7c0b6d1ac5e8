import type { Brand } from './brand.js';
import { invalidParam } from './errors.js';
import { noSuch } from './quote.js';
import { err, ok, type Result } from './result.js';

export type MerchantId = Brand<string, 'MerchantId'>;
export type TokenId = Brand<string, 'TokenId'>;
export type CardId = Brand<string, 'CardId'>;
export type CustomerId = Brand<string, 'CustomerId'>;
export type ChargeId = Brand<string, 'ChargeId'>;
/** A reference into the CardVault; it names where the PAN is kept, it is not the PAN. */
export type VaultRef = Brand<string, 'VaultRef'>;

/** PAY.JP ids: prefix + lowercase hex, 32 characters in all (tok_ + 28 hex). */
export const ID_LENGTH = 32;
/** `req_` names one command (its correlation id); it is not a PAY.JP object. */
export const idPrefixes = { token: 'tok_', card: 'car_', customer: 'cus_', charge: 'ch_', event: 'evnt_', request: 'req_' } as const;
export type IdKind = keyof typeof idPrefixes;

const generatedIdPattern = (prefix: string) => new RegExp(`^${prefix}[0-9a-f]{${ID_LENGTH - prefix.length}}$`);
const patterns = {
  token: generatedIdPattern(idPrefixes.token),
  card: generatedIdPattern(idPrefixes.card),
  charge: generatedIdPattern(idPrefixes.charge),
  customer: generatedIdPattern(idPrefixes.customer),
};

/**
 * A customer id may be chosen by the merchant (`id` parameter), so it is checked against a looser rule than
 * generated ids: PAY.JP does not publish its format, we accept what is safe in a URL path segment.
 */
const flexibleIdPattern = /^[A-Za-z0-9_-]{1,100}$/;
const merchantIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

export const isTokenId = (s: string): s is TokenId => patterns.token.test(s);
export const isCardId = (s: string): s is CardId => patterns.card.test(s);
export const isChargeId = (s: string): s is ChargeId => patterns.charge.test(s);
export const isCustomerId = (s: string): s is CustomerId => flexibleIdPattern.test(s);
export const isGeneratedCustomerId = (s: string): s is CustomerId => patterns.customer.test(s);

export const tokenId = (s: string): Result<TokenId> =>
  isTokenId(s) ? ok(s) : err(invalidParam('invalid_id', 'card', noSuch('token', s), 404));
export const cardId = (s: string): Result<CardId> =>
  isCardId(s) ? ok(s) : err(invalidParam('invalid_id', 'card', noSuch('card', s), 404));
export const chargeId = (s: string): Result<ChargeId> =>
  isChargeId(s) ? ok(s) : err(invalidParam('invalid_id', 'id', noSuch('charge', s), 404));
/** A customer id the merchant asks for at creation: a bad format is `invalid_flexible_id`. */
export const customCustomerId = (s: string): Result<CustomerId> =>
  isCustomerId(s)
    ? ok(s)
    : err(invalidParam('invalid_flexible_id', 'id', 'The id may hold 1 to 100 characters: letters, digits, "_" or "-".'));
export const merchantId = (s: string): Result<MerchantId> =>
  merchantIdPattern.test(s) ? ok(s as MerchantId) : err(invalidParam('invalid_param_key', 'merchant', 'Invalid merchant id.'));

/** Trusted constructors, for ids that an IdGenerator produced or that a stored event already holds. */
export const unsafeId = {
  merchant: (s: string) => s as MerchantId,
  token: (s: string) => s as TokenId,
  card: (s: string) => s as CardId,
  customer: (s: string) => s as CustomerId,
  charge: (s: string) => s as ChargeId,
  vault: (s: string) => s as VaultRef,
};
