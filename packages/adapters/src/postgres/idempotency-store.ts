import { createHmac, randomUUID } from 'node:crypto';
import type { Result } from '@kessai/domain';
import type { Pool } from 'pg';
import type { IdempotencyClaim, IdempotencySlot, IdempotencyStore } from '../app/idempotency.js';
import { checkSchemaName, DEFAULT_SCHEMA, ident } from './sql.js';

/** The shortest secret accepted for request digests, as for card fingerprints. */
const MIN_SECRET_BYTES = 16;

export interface PostgresIdempotencyStoreOptions {
  readonly pool: Pool;
  readonly schema?: string;
  /**
   * The HMAC secret for request digests, the same in every process sharing the database (at least 16 bytes; a
   * string counts its UTF-8 bytes). `idempotencySecretFrom` derives one from the fingerprint secret.
   */
  readonly secret: Uint8Array | string;
  /** Claims older than this are taken over: their process died mid-request (default 60 s). */
  readonly staleAfterMs?: number;
  /** Records older than this are deleted, and their keys can be used again (default 24 hours, as Stripe's). */
  readonly retainMs?: number;
}

/**
 * Idempotency records in PostgreSQL, so that servers sharing a database share them: a key retried on another
 * server answers the first answer, a key used for another request is refused on every server, and of two servers
 * running the same key at once, one runs it and the other waits for its answer. Ages are measured with the
 * database's clock (`now()`), the one clock every server shares.
 */
export class PostgresIdempotencyStore implements IdempotencyStore {
  readonly #pool: Pool;
  readonly #secret: Buffer;
  readonly #staleAfterMs: number;
  readonly #retainMs: number;
  readonly #sql: ReturnType<typeof statements>;
  /** When this store last deleted expired records (they go at most once a minute, from a claim). */
  #prunedAt = 0;

  constructor(options: PostgresIdempotencyStoreOptions) {
    this.#pool = options.pool;
    this.#sql = statements(checkSchemaName(options.schema ?? DEFAULT_SCHEMA));
    this.#secret = typeof options.secret === 'string' ? Buffer.from(options.secret, 'utf8') : Buffer.from(options.secret);
    if (this.#secret.length < MIN_SECRET_BYTES) throw new RangeError(`The idempotency secret must be at least ${MIN_SECRET_BYTES} bytes long, got ${this.#secret.length}.`);
    this.#staleAfterMs = options.staleAfterMs ?? 60_000;
    this.#retainMs = options.retainMs ?? 24 * 60 * 60 * 1000;
  }

  digest(text: string): string {
    return createHmac('sha256', this.#secret).update(text).digest('hex');
  }

  async claim({ merchant, key }: IdempotencySlot, request: string): Promise<IdempotencyClaim> {
    await this.#pruneNowAndThen();
    const claim = randomUUID();
    if ((await this.#pool.query(this.#sql.insert, [merchant, key, request, claim])).rowCount === 1) return { claimed: true, claim };
    if ((await this.#pool.query(this.#sql.takeOver, [merchant, key, request, claim, this.#staleAfterMs])).rowCount === 1) return { claimed: true, claim };
    const { rows } = await this.#pool.query<{ request: string; result: Result<unknown> | null }>(this.#sql.read, [merchant, key]);
    const row = rows[0];
    // Deleted in between (expired, or released by its request): claim it again.
    if (row === undefined) return this.claim({ merchant, key }, request);
    return { claimed: false, record: row.result === null ? { request: row.request } : { request: row.request, result: row.result } };
  }

  async finish({ merchant, key }: IdempotencySlot, claim: string, result: Result<unknown>): Promise<void> {
    await this.#pool.query(this.#sql.finish, [merchant, key, claim, JSON.stringify(result)]);
  }

  async release({ merchant, key }: IdempotencySlot, claim: string): Promise<void> {
    await this.#pool.query(this.#sql.release, [merchant, key, claim]);
  }

  /** Deletes records past their retention now (tests, maintenance); claims also do it, at most once a minute. */
  async prune(): Promise<number> {
    this.#prunedAt = Date.now();
    return (await this.#pool.query(this.#sql.prune, [this.#retainMs])).rowCount ?? 0;
  }

  async #pruneNowAndThen(): Promise<void> {
    if (Date.now() - this.#prunedAt >= 60_000) await this.prune();
  }
}

/**
 * A request-digest secret derived from the fingerprint secret (KESSAI_FINGERPRINT_SECRET), so that a deployment
 * configures one secret less: an HMAC under it with a label of its own, which reveals nothing of it.
 */
export const idempotencySecretFrom = (fingerprintSecret: Uint8Array | string): Buffer =>
  createHmac('sha256', typeof fingerprintSecret === 'string' ? Buffer.from(fingerprintSecret, 'utf8') : fingerprintSecret)
    .update('kessai idempotency request digests')
    .digest();

const statements = (schema: string) => {
  const t = `${ident(schema)}.idempotency_keys`;
  return {
    insert: `INSERT INTO ${t} (merchant, key, request, claim) VALUES ($1, $2, $3, $4) ON CONFLICT (merchant, key) DO NOTHING`,
    takeOver: `UPDATE ${t} SET claim = $4, claimed_at = now()
      WHERE merchant = $1 AND key = $2 AND request = $3 AND result IS NULL AND claimed_at < now() - make_interval(secs => $5::double precision / 1000)`,
    read: `SELECT request, result FROM ${t} WHERE merchant = $1 AND key = $2`,
    finish: `UPDATE ${t} SET result = $4::json, finished_at = now() WHERE merchant = $1 AND key = $2 AND claim = $3`,
    release: `DELETE FROM ${t} WHERE merchant = $1 AND key = $2 AND claim = $3 AND result IS NULL`,
    prune: `DELETE FROM ${t} WHERE claimed_at < now() - make_interval(secs => $1::double precision / 1000)`,
  };
};
