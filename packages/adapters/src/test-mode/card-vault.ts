import { createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import { sensitive, type CardVault, type Sensitive, type VaultRef } from '@kessai/domain';

/** An HMAC key shorter than this is guessable; 32 random bytes is the usual choice. */
export const MIN_VAULT_SECRET_BYTES = 16;
/** PAY.JP fingerprints are 32 hex characters; 128 bits of HMAC-SHA256 keep collisions out of reach. */
export const FINGERPRINT_HEX_LENGTH = 32;

const digitsOf = (pan: Sensitive): string => {
  const digits = pan.reveal().replace(/[ -]/g, '');
  // The message names the rule, never the value.
  if (!/^[0-9]{12,19}$/.test(digits)) throw new RangeError('The card vault accepts card numbers of 12 to 19 digits only.');
  return digits;
};

/**
 * The in-memory CardVault (tests, replays, the demo). Card numbers live in private fields, wrapped as Sensitive,
 * so neither JSON.stringify nor Node's inspect of the vault can print one; it never logs.
 */
export class MemoryCardVault implements CardVault {
  readonly #key: Buffer;
  readonly #cards = new Map<VaultRef, Sensitive>();

  /** `secret`: the deployment's fingerprint key, at least 16 bytes (a string counts its UTF-8 bytes). */
  constructor(secret: Uint8Array | string) {
    const key = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
    if (key.length < MIN_VAULT_SECRET_BYTES)
      throw new RangeError(`The fingerprint secret must be at least ${MIN_VAULT_SECRET_BYTES} bytes long, got ${key.length}.`);
    this.#key = key;
  }

  /** HMAC-SHA256 of the digits under the secret, hex, truncated: the same number always gives the same value. */
  async fingerprint(pan: Sensitive): Promise<string> {
    return createHmac('sha256', this.#key).update(digitsOf(pan), 'utf8').digest('hex').slice(0, FINGERPRINT_HEX_LENGTH);
  }

  /** Storing the same number again under a reference is a no-op (a retried command); a different one is a bug. */
  async store(ref: VaultRef, pan: Sensitive): Promise<void> {
    const digits = digitsOf(pan);
    const existing = this.#cards.get(ref);
    if (existing === undefined) {
      this.#cards.set(ref, sensitive(digits));
      return;
    }
    if (existing.reveal() !== digits) throw new Error(`Vault reference ${ref} already holds a different card number.`);
  }

  async reveal(ref: VaultRef): Promise<Sensitive | null> {
    return this.#cards.get(ref) ?? null;
  }

  /** Private fields are already invisible to JSON and inspect; these say so explicitly and give a useful summary. */
  toJSON(): { readonly vault: 'memory'; readonly cards: number } {
    return { vault: 'memory', cards: this.#cards.size };
  }

  [inspect.custom](): string {
    return `MemoryCardVault { cards: ${this.#cards.size} }`;
  }
}
