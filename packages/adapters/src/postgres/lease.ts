import type { Pool, PoolClient } from 'pg';
import { checkSchemaName, DEFAULT_SCHEMA } from './sql.js';

/**
 * A lease held as a session advisory lock on a connection kept for it. The server frees the lock when that
 * connection ends, so when a holder's process dies, another process takes the lease at its next `hold`. A holder
 * learns it lost the lease when its connection reports an error or ends. (It implements WebhookLease.)
 */
export class PostgresLease {
  readonly #pool: Pool;
  readonly #key: readonly [string, string];
  #client: PoolClient | null = null;
  /** Set by the held connection's error or end events. */
  #lost = false;

  constructor(options: { readonly pool: Pool; readonly schema?: string; readonly name: string }) {
    this.#pool = options.pool;
    this.#key = [`kessai:${checkSchemaName(options.schema ?? DEFAULT_SCHEMA)}:lease`, options.name];
  }

  /** True while this process holds the lease: takes it when it is free, keeps it when it already holds it. */
  async hold(): Promise<boolean> {
    if (this.#client !== null && !this.#lost) return true;
    this.#drop();
    const client = await this.#pool.connect();
    try {
      const { rows } = await client.query<{ held: boolean }>('SELECT pg_try_advisory_lock(hashtext($1), hashtext($2)) AS held', [...this.#key]);
      if (rows[0]?.held !== true) {
        client.release();
        return false;
      }
    } catch (e) {
      client.release(true);
      throw e;
    }
    this.#lost = false;
    const lost = () => (this.#lost = true);
    client.on('error', lost);
    client.on('end', lost);
    this.#client = client;
    return true;
  }

  async release(): Promise<void> {
    const client = this.#client;
    if (client === null) return;
    this.#client = null;
    try {
      if (!this.#lost) await client.query('SELECT pg_advisory_unlock(hashtext($1), hashtext($2))', [...this.#key]);
      client.release();
    } catch {
      // A broken connection: closing it frees the lock on the server.
      client.release(true);
    }
  }

  /** Forgets a connection that broke: it is closed (not returned to the pool), which frees the lock if it still held it. */
  #drop(): void {
    if (this.#client === null) return;
    this.#client.release(true);
    this.#client = null;
  }
}
