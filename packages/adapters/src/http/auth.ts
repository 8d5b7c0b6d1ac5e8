import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { merchantId, type MerchantId } from '@kessai/domain';
import { z } from 'zod';
import { invalidApiKey, noApiKey, type EdgeError } from './errors.js';

/**
 * Merchants and their API keys. kessai runs in test mode only, so only `sk_test_` and `pk_test_` keys are
 * accepted; a live key in a configuration is a mistake worth stopping for.
 */
const secretKey = z.string().regex(/^sk_test_[A-Za-z0-9]{16,}$/, 'a secret key is sk_test_ and at least 16 letters or digits');
const publicKey = z.string().regex(/^pk_test_[A-Za-z0-9]{16,}$/, 'a public key is pk_test_ and at least 16 letters or digits');

export const webhookEndpointConfig = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  /** Sent as X-Payjp-Webhook-Token with every delivery (PAY.JP signs nothing; the token is the proof). */
  token: z.string().min(8).max(255),
});
export type WebhookEndpointConfig = z.infer<typeof webhookEndpointConfig>;

export const merchantConfig = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a merchant id is 1 to 64 letters, digits, _ or -'),
  secretKeys: z.array(secretKey).min(1),
  publicKeys: z.array(publicKey).default([]),
  webhooks: z.array(webhookEndpointConfig).default([]),
});
export type MerchantConfig = z.input<typeof merchantConfig>;
export type Merchant = z.output<typeof merchantConfig>;

export const merchantsConfig = z.array(merchantConfig).min(1);

/**
 * Parses a list of merchants (the `--keys` file). A key may belong to one merchant only, and the messages name
 * the entry at fault, never a key.
 */
export const parseMerchants = (input: unknown): Merchant[] => {
  const parsed = merchantsConfig.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`Invalid merchant configuration at ${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
  }
  const seen = new Set<string>();
  const ids = new Set<string>();
  parsed.data.forEach((merchant, i) => {
    if (ids.has(merchant.id)) throw new Error(`Invalid merchant configuration at ${i}.id: merchant ids must be unique.`);
    ids.add(merchant.id);
    for (const key of [...merchant.secretKeys, ...merchant.publicKeys]) {
      if (seen.has(key)) throw new Error(`Invalid merchant configuration at ${i}: a key is given twice.`);
      seen.add(key);
    }
  });
  return parsed.data;
};

/** A test merchant with fresh random keys (what `kessai serve` makes when given no keys file). */
export const randomMerchant = (id = 'test'): Merchant => ({
  id,
  secretKeys: [`sk_test_${randomBytes(24).toString('hex')}`],
  publicKeys: [`pk_test_${randomBytes(24).toString('hex')}`],
  webhooks: [],
});

export type KeyKind = 'secret' | 'public';

export interface Authenticated {
  readonly merchant: MerchantId;
  readonly kind: KeyKind;
}

interface KeyEntry {
  readonly digest: Buffer;
  readonly merchant: MerchantId;
  readonly kind: KeyKind;
}

/** Digests have one length whatever the key's, so timingSafeEqual can compare them and the length leaks nothing. */
const digest = (key: string) => createHash('sha256').update(key, 'utf8').digest();

/** The key from `Authorization: Basic base64(key:)`; the password is ignored, as PAY.JP sends none. */
export const basicUser = (header: string | undefined): string | null => {
  if (header === undefined) return null;
  const match = /^Basic[ ]+([A-Za-z0-9+/=]+)[ ]*$/i.exec(header);
  if (match === null) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon === -1 ? decoded : decoded.slice(0, colon);
  return user.length === 0 ? null : user;
};

/**
 * Finds the merchant of an API key. Every configured key is compared, in constant time and without stopping at a
 * match, so the time taken says nothing about which key (or whether any) matched.
 */
export class KeyRing {
  readonly #entries: readonly KeyEntry[];

  constructor(merchants: readonly Merchant[]) {
    const entries: KeyEntry[] = [];
    for (const m of merchants) {
      const merchant = merchantId(m.id);
      if (!merchant.ok) throw new Error(`Invalid merchant id: ${m.id}`);
      for (const key of m.secretKeys) entries.push({ digest: digest(key), merchant: merchant.value, kind: 'secret' });
      for (const key of m.publicKeys) entries.push({ digest: digest(key), merchant: merchant.value, kind: 'public' });
    }
    this.#entries = entries;
  }

  /** The merchant and kind of the key in an Authorization header, or the PAY.JP 401 to answer. */
  authenticate(header: string | undefined): { readonly ok: true; readonly value: Authenticated } | { readonly ok: false; readonly error: EdgeError } {
    const key = basicUser(header);
    if (key === null) return { ok: false, error: noApiKey() };
    const presented = digest(key);
    let found: KeyEntry | null = null;
    for (const entry of this.#entries) {
      const equal = timingSafeEqual(presented, entry.digest);
      found = equal && found === null ? entry : found;
    }
    if (found === null) return { ok: false, error: invalidApiKey() };
    return { ok: true, value: { merchant: found.merchant, kind: found.kind } };
  }
}
