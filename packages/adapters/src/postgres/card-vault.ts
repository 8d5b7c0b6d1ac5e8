import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { inspect } from 'node:util';
import { sensitive, type CardVault, type Sensitive, type VaultRef } from '@kessai/domain';
import type { Pool, PoolClient } from 'pg';
import { FINGERPRINT_HEX_LENGTH, MIN_VAULT_SECRET_BYTES } from '../test-mode/card-vault.js';
import { checkSchemaName, DEFAULT_SCHEMA, ident } from './sql.js';
import { parseVaultKey } from './vault-key.js';

export interface PostgresCardVaultOptions {
  readonly pool: Pool;
  readonly schema?: string;
  /** The AES-256-GCM key: 32 bytes, or a string of 64 hex digits or base64 (KESSAI_VAULT_KEY). */
  readonly encryptionKey: Uint8Array | string;
  /** The fingerprint HMAC secret, at least 16 bytes (a string counts its UTF-8 bytes), not the encryption key. */
  readonly fingerprintSecret: Uint8Array | string;
}

/** A vault record that does not decrypt: another key, or a record that was changed. Names neither key nor data. */
export class VaultDecryptionError extends Error {
  readonly _tag = 'VaultDecryption';
  readonly ref: string;
  constructor(ref: string, reason: string) {
    super(`Vault reference ${ref} could not be decrypted: ${reason}`);
    this.name = 'VaultDecryptionError';
    this.ref = ref;
  }
}

const digitsOf = (pan: Sensitive): string => {
  const digits = pan.reveal().replace(/[ -]/g, '');
  // The message names the rule, never the value.
  if (!/^[0-9]{12,19}$/.test(digits)) throw new RangeError('The card vault accepts card numbers of 12 to 19 digits only.');
  return digits;
};

/**
 * Card numbers in PostgreSQL, encrypted at rest with AES-256-GCM: a random 12-byte IV per record, the 16-byte
 * authentication tag stored beside the ciphertext, and the vault reference as additional authenticated data, so a
 * ciphertext copied onto another reference fails to decrypt. Fingerprints are HMAC-SHA256 under a separate secret
 * (the same function as the memory vault's, so both agree for one secret). Keys live in private fields: neither
 * JSON, inspect nor an error message can show them.
 */
export class PostgresCardVault implements CardVault {
  readonly #pool: Pool;
  readonly #key: Buffer;
  readonly #keyId: string;
  readonly #fingerprintKey: Buffer;
  readonly #sql: ReturnType<typeof statements>;

  constructor(options: PostgresCardVaultOptions) {
    this.#pool = options.pool;
    this.#sql = statements(checkSchemaName(options.schema ?? DEFAULT_SCHEMA));
    this.#key = parseVaultKey(options.encryptionKey);
    const secret = options.fingerprintSecret;
    this.#fingerprintKey = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
    if (this.#fingerprintKey.length < MIN_VAULT_SECRET_BYTES)
      throw new RangeError(`The fingerprint secret must be at least ${MIN_VAULT_SECRET_BYTES} bytes long, got ${this.#fingerprintKey.length}.`);
    if (this.#fingerprintKey.equals(this.#key)) throw new RangeError('The fingerprint secret must not be the encryption key.');
    this.#keyId = createHmac('sha256', this.#key).update('kessai vault key id').digest('hex').slice(0, 16);
  }

  async fingerprint(pan: Sensitive): Promise<string> {
    return createHmac('sha256', this.#fingerprintKey).update(digitsOf(pan), 'utf8').digest('hex').slice(0, FINGERPRINT_HEX_LENGTH);
  }

  /** Storing the same number again under a reference is a no-op (a retried command); a different one is a bug. */
  store(ref: VaultRef, pan: Sensitive): Promise<void> {
    return this.storeOn(this.#pool, ref, pan);
  }

  /** `store` on a connection the caller holds, inside its transaction (PostgresCardsWithEvents). */
  async storeOn(db: Pick<Pool, 'query'> | Pick<PoolClient, 'query'>, ref: VaultRef, pan: Sensitive): Promise<void> {
    const digits = digitsOf(pan);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(ref, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(digits, 'utf8'), cipher.final()]);
    const { rowCount } = await db.query(this.#sql.insert, [ref, this.#keyId, iv, ciphertext, cipher.getAuthTag()]);
    if (rowCount === 1) return;
    const existing = await this.#revealOn(db, ref);
    const same = existing !== null && existing.reveal().length === digits.length && timingSafeEqual(Buffer.from(existing.reveal()), Buffer.from(digits));
    if (!same) throw new Error(`Vault reference ${ref} already holds a different card number.`);
  }

  reveal(ref: VaultRef): Promise<Sensitive | null> {
    return this.#revealOn(this.#pool, ref);
  }

  async #revealOn(db: Pick<Pool, 'query'> | Pick<PoolClient, 'query'>, ref: VaultRef): Promise<Sensitive | null> {
    const { rows } = await db.query<{ key_id: string; iv: Buffer; ciphertext: Buffer; tag: Buffer }>(this.#sql.select, [ref]);
    const row = rows[0];
    if (row === undefined) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, row.iv);
      decipher.setAAD(Buffer.from(ref, 'utf8'));
      decipher.setAuthTag(row.tag);
      return sensitive(Buffer.concat([decipher.update(row.ciphertext), decipher.final()]).toString('utf8'));
    } catch {
      // The crypto error carries nothing secret, but its wording ("unable to authenticate data") helps nobody.
      throw new VaultDecryptionError(ref, row.key_id === this.#keyId ? 'the record was altered' : 'it was encrypted under another key');
    }
  }

  toJSON(): { readonly vault: 'postgres'; readonly keyId: string } {
    return { vault: 'postgres', keyId: this.#keyId };
  }

  [inspect.custom](): string {
    return `PostgresCardVault { keyId: ${this.#keyId} }`;
  }
}

const statements = (schema: string) => {
  const table = `${ident(schema)}.vault_cards`;
  return {
    insert: `INSERT INTO ${table} (ref, key_id, iv, ciphertext, tag) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (ref) DO NOTHING`,
    select: `SELECT key_id, iv, ciphertext, tag FROM ${table} WHERE ref = $1`,
  };
};
