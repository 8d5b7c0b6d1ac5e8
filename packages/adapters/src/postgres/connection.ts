import type { Clock } from '@kessai/domain';
import pg from 'pg';
import { PostgresCardVault } from './card-vault.js';
import { PostgresCardsWithEvents } from './cards-with-events.js';
import { PostgresEventStore } from './event-store.js';
import { idempotencySecretFrom, PostgresIdempotencyStore, type PostgresIdempotencyStoreOptions } from './idempotency-store.js';
import { PostgresLease } from './lease.js';
import { migrate } from './migrations.js';
import { PostgresReadModelStore } from './read-model-store.js';
import { checkSchemaName, DEFAULT_SCHEMA } from './sql.js';
import type { VaultKeys } from './vault-key.js';

/** The connection string from `KESSAI_PG_URL`, else `DATABASE_URL`; undefined when neither is set. */
export const postgresUrlFromEnv = (env: NodeJS.ProcessEnv = process.env): string | undefined =>
  nonEmpty(env['KESSAI_PG_URL']) ?? nonEmpty(env['DATABASE_URL']);

const nonEmpty = (s: string | undefined): string | undefined => (s === undefined || s === '' ? undefined : s);

export interface ConnectOptions {
  /** Default `kessai`. */
  readonly schema?: string;
  /** Pool size (default 10). */
  readonly max?: number;
  /** How long to wait for a connection before failing (default: no limit, as `pg`). */
  readonly connectionTimeoutMillis?: number;
  /**
   * Only a store that is already there: fail with NoKessaiStoreError when the schema holds no kessai migrations,
   * instead of creating it. For tools that read a store (an impact report, an export): a mistyped database or schema
   * must not be answered with a new, empty store and "nothing affected". An existing store is still migrated.
   */
  readonly existing?: boolean;
}

/** `connectPostgres(..., { existing: true })` found no kessai store in that schema of that database. */
export class NoKessaiStoreError extends Error {
  readonly _tag = 'NoKessaiStore';
  readonly schema: string;
  constructor(schema: string, database: string) {
    super(`no kessai store in schema "${schema}" of database "${database}": check the connection string and the schema name (nothing was created)`);
    this.name = 'NoKessaiStoreError';
    this.schema = schema;
  }
}

/** Every store a `Kessai` takes, on one database, wired together. */
export interface KessaiStores {
  readonly events: PostgresEventStore;
  readonly readModels: PostgresReadModelStore;
  readonly vault: PostgresCardVault;
  /** A token's card number and its events in one transaction. */
  readonly cardsWithEvents: PostgresCardsWithEvents;
  /** Idempotency keys shared by every process on the database; its secret is derived from the fingerprint secret. */
  readonly idempotency: PostgresIdempotencyStore;
}

export interface PostgresConnection {
  readonly pool: pg.Pool;
  readonly schema: string;
  eventStore(options?: { readonly clock?: Clock }): PostgresEventStore;
  /** `synchronousCommit` as in PostgresReadModelStoreOptions (default true). */
  readModelStore(options?: { readonly synchronousCommit?: boolean }): PostgresReadModelStore;
  cardVault(keys: VaultKeys): PostgresCardVault;
  idempotencyStore(options: Omit<PostgresIdempotencyStoreOptions, 'pool' | 'schema'>): PostgresIdempotencyStore;
  /**
   * The stores of `new Kessai({ ...stores, verifier, network, clock, ids })`, wired as a server sharing the
   * database needs them: the card number commits with its token's events, idempotency keys are shared. Building
   * them one by one, a missing `cardsWithEvents` is easy to miss and leaves a card number behind a failed token.
   */
  kessaiStores(keys: VaultKeys, options?: { readonly clock?: Clock }): KessaiStores;
  /** A lease named `name`: one process at a time holds it (the webhook reactor's, in `kessai serve --pg`). */
  lease(name: string): PostgresLease;
  /** Ends the pool (only a pool this helper created). */
  close(): Promise<void>;
}

/**
 * Connects and migrates: `url` (default: KESSAI_PG_URL / DATABASE_URL), or a pool the caller owns. The stores it
 * hands out share the pool.
 */
export const connectPostgres = async (source?: string | pg.Pool, options: ConnectOptions = {}): Promise<PostgresConnection> => {
  const schema = checkSchemaName(options.schema ?? DEFAULT_SCHEMA);
  const owned = !(source instanceof pg.Pool);
  const pool = source instanceof pg.Pool ? source : createPool(source, options);
  try {
    if (options.existing === true) {
      const found = await pool.query<{ database: string; store: string | null }>(
        'SELECT current_database() AS database, to_regclass(format(\'%I.kessai_migrations\', $1::text))::text AS store',
        [schema],
      );
      const row = found.rows[0]!;
      if (row.store === null) throw new NoKessaiStoreError(schema, row.database);
    }
    await migrate(pool, { schema });
  } catch (e) {
    if (owned) await pool.end();
    throw e;
  }
  return {
    pool,
    schema,
    eventStore: (opts = {}) => new PostgresEventStore({ pool, schema, ...opts }),
    readModelStore: (opts = {}) => new PostgresReadModelStore({ pool, schema, ...opts }),
    cardVault: (keys) => new PostgresCardVault({ pool, schema, ...keys }),
    idempotencyStore: (opts) => new PostgresIdempotencyStore({ pool, schema, ...opts }),
    kessaiStores: (keys, opts = {}) => {
      const events = new PostgresEventStore({ pool, schema, ...opts });
      const vault = new PostgresCardVault({ pool, schema, ...keys });
      return {
        events,
        // Derived from the events: a commit lost in a crash is made again by the next catch-up (see the option).
        readModels: new PostgresReadModelStore({ pool, schema, synchronousCommit: false }),
        vault,
        cardsWithEvents: new PostgresCardsWithEvents(events, vault),
        idempotency: new PostgresIdempotencyStore({ pool, schema, secret: idempotencySecretFrom(keys.fingerprintSecret) }),
      };
    },
    lease: (name) => new PostgresLease({ pool, schema, name }),
    close: () => (owned ? pool.end() : Promise.resolve()),
  };
};

/** A pool on `url` (default: KESSAI_PG_URL / DATABASE_URL), without migrating anything. */
export const createPool = (url?: string, options: Omit<ConnectOptions, 'schema'> = {}): pg.Pool => {
  const connectionString = url ?? postgresUrlFromEnv();
  if (connectionString === undefined) throw new Error('No PostgreSQL connection string: pass one, or set KESSAI_PG_URL or DATABASE_URL');
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    ...(options.connectionTimeoutMillis === undefined ? {} : { connectionTimeoutMillis: options.connectionTimeoutMillis }),
  });
  // An idle connection the server closed is dropped by the pool; without a listener Node would crash on it.
  pool.on('error', () => undefined);
  return pool;
};
