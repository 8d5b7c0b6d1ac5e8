import { ident } from './sql.js';

/**
 * The card vault's table (migration 3). A row holds AES-256-GCM output only: the IV, the ciphertext of the digits
 * and the authentication tag, plus the id of the key that encrypted it (an HMAC of the key, which reveals nothing of
 * it) so that a key rotation can tell old rows from new ones. No plaintext and no fingerprint are stored.
 */
export const cardVaultMigration = (schema: string): string => {
  const s = ident(schema);
  return `
CREATE TABLE ${s}.vault_cards (
  ref text PRIMARY KEY,
  key_id text NOT NULL,
  iv bytea NOT NULL CHECK (length(iv) = 12),
  ciphertext bytea NOT NULL,
  tag bytea NOT NULL CHECK (length(tag) = 16),
  stored_at timestamptz NOT NULL DEFAULT now()
);
`;
};
