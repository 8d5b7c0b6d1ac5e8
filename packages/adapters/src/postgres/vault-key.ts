/** The vault's AES-256 key is exactly 32 bytes. */
export const VAULT_KEY_BYTES = 32;

/**
 * Reads the vault's encryption key: 32 bytes, or a string of 64 hex digits, or 32 bytes in base64 (standard or
 * URL-safe). Anything else is refused with a message that gives the length, never the value.
 */
export const parseVaultKey = (key: Uint8Array | string): Buffer => {
  const bytes = typeof key === 'string' ? decodeKeyString(key.trim()) : Buffer.from(key);
  if (bytes.length !== VAULT_KEY_BYTES)
    throw new RangeError(`The vault encryption key must be ${VAULT_KEY_BYTES} bytes (64 hex digits or 44 base64 characters), got ${bytes.length} bytes.`);
  return bytes;
};

const decodeKeyString = (text: string): Buffer => {
  if (/^[0-9a-fA-F]+$/.test(text) && text.length % 2 === 0) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return Buffer.from(text, 'base64');
  return Buffer.from(text, 'utf8');
};

export interface VaultKeys {
  readonly encryptionKey: string;
  readonly fingerprintSecret: string;
}

/**
 * The vault's keys from the environment: `KESSAI_VAULT_KEY` (encryption) and `KESSAI_FINGERPRINT_SECRET`.
 * Missing ones throw, naming the variable.
 */
export const vaultKeysFromEnv = (env: NodeJS.ProcessEnv = process.env): VaultKeys => {
  const encryptionKey = env['KESSAI_VAULT_KEY'];
  const fingerprintSecret = env['KESSAI_FINGERPRINT_SECRET'];
  if (encryptionKey === undefined || encryptionKey === '') throw new Error('KESSAI_VAULT_KEY is not set (32 bytes, hex or base64)');
  if (fingerprintSecret === undefined || fingerprintSecret === '') throw new Error('KESSAI_FINGERPRINT_SECRET is not set (at least 16 bytes)');
  return { encryptionKey, fingerprintSecret };
};
