import { ident } from './sql.js';

/**
 * Idempotency records shared by every process on the database (migration 5). A row is claimed by one request
 * (`claim`, a random id) and holds its answer once it finished. `request` is a keyed digest: a token request holds
 * card data, which never reaches the database. `result` is `json`, not `jsonb`, so an answer comes back with its
 * keys in PAY.JP's order.
 */
export const idempotencyMigration = (schema: string): string => {
  const s = ident(schema);
  return `
CREATE TABLE ${s}.idempotency_keys (
  merchant text COLLATE "C" NOT NULL,
  key text COLLATE "C" NOT NULL,
  request text NOT NULL,
  claim text NOT NULL,
  claimed_at timestamptz NOT NULL DEFAULT now(),
  result json,
  finished_at timestamptz,
  PRIMARY KEY (merchant, key)
);
CREATE INDEX idempotency_keys_claimed_at ON ${s}.idempotency_keys (claimed_at);
`;
};
