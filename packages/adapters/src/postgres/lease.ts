import type { Pool, PoolClient } from 'pg';
import { checkSchemaName, DEFAULT_SCHEMA } from './sql.js';

/**
 * A lease held as a session advisory lock on a connection kept for it. The server frees the lock when that
 * connection ends, so when a holder's process dies, another process takes the lease at its next `hold`. A holder
 * learns it lost the lease when its connection reports an error or ends. (It implements WebhookLease.)
 *
 * A holder cut off by the network rather than stopped leaves an idle connection the server would otherwise keep
 * for the operating system's TCP keepalive time (often two hours), with the lease. The lease's connection asks the
 * server to probe it sooner (`tcp_keepalives_*`, `keepAliveSeconds` idle, then 3 probes 5 s apart), so another
 * process takes over within about `keepAliveSeconds + 15` seconds. (Over a Unix socket these settings do nothing:
 * there is no network to lose.)
 */
export class PostgresLease {
  readonly #pool: Pool;
  readonly #key: readonly [string, string];
  #client: PoolClient | null = null;
  /** Set by the held connection's error or end events. */
  #lost = false;
  readonly #onLost = (): void => {
    this.#lost = true;
  };

  readonly #keepAliveSeconds: number;

  constructor(options: { readonly pool: Pool; readonly schema?: string; readonly name: string; readonly keepAliveSeconds?: number }) {
    this.#pool = options.pool;
    this.#key = [`kessai:${checkSchemaName(options.schema ?? DEFAULT_SCHEMA)}:lease`, options.name];
    this.#keepAliveSeconds = options.keepAliveSeconds ?? 10;
    if (!(Number.isInteger(this.#keepAliveSeconds) && this.#keepAliveSeconds >= 1))
      throw new RangeError(`keepAliveSeconds must be an integer >= 1, got ${this.#keepAliveSeconds}`);
  }

  /** True while this process holds the lease: takes it when it is free, keeps it when it already holds it. */
  async hold(): Promise<boolean> {
    if (this.#client !== null && !this.#lost) return true;
    this.#drop();
    const client = await this.#pool.connect();
    try {
      // Session settings: they stay on this connection, also once it goes back to the pool (harmless there).
      await client.query(
        `SET tcp_keepalives_idle = ${this.#keepAliveSeconds}; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3`,
      );
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
    client.on('error', this.#onLost);
    client.on('end', this.#onLost);
    this.#client = client;
    return true;
  }

  async release(): Promise<void> {
    const client = this.#client;
    if (client === null) return;
    this.#client = null;
    this.#stopWatching(client);
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
    this.#stopWatching(this.#client);
    this.#client.release(true);
    this.#client = null;
  }

  /** A connection going back to the pool no longer speaks for the lease. */
  #stopWatching(client: PoolClient): void {
    client.off('error', this.#onLost);
    client.off('end', this.#onLost);
  }
}
