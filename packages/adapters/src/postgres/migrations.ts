import type { Pool, PoolClient } from 'pg';
import { appendEventFunctionMigration } from './append-event-function.js';
import { appendFunctionMigration } from './append-function.js';
import { cardVaultMigration } from './card-vault-schema.js';
import { eventStoreMigration } from './event-store-schema.js';
import { idempotencyMigration } from './idempotency-schema.js';
import { importFunctionMigration } from './import-function.js';
import { readHorizonMigration } from './read-horizon.js';
import { readModelMigration } from './read-model-schema.js';
import { checkSchemaName, DEFAULT_SCHEMA, ident } from './sql.js';

/** One schema change. Versions only grow; a released migration is never edited, a new one is added. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** The SQL, for the schema it is applied to. */
  readonly sql: (schema: string) => string;
}

export const migrations: readonly Migration[] = [
  { version: 1, name: 'event store', sql: eventStoreMigration },
  { version: 2, name: 'read models', sql: readModelMigration },
  { version: 3, name: 'card vault', sql: cardVaultMigration },
  { version: 4, name: 'cheaper append_events', sql: appendFunctionMigration },
  { version: 5, name: 'idempotency keys', sql: idempotencyMigration },
  { version: 6, name: 'append_event for one event', sql: appendEventFunctionMigration },
  { version: 7, name: 'read horizon of this schema\'s writers', sql: readHorizonMigration },
  { version: 8, name: 'import_events takes unused positions', sql: importFunctionMigration },
];

export interface MigrateOptions {
  /** Default `kessai`. */
  readonly schema?: string;
  /** Default: all of kessai's. */
  readonly migrations?: readonly Migration[];
}

/**
 * Brings a schema up to date: creates it if needed, then applies each migration it lacks, once, in its own
 * transaction, recorded in `kessai_migrations`. Every transaction starts by taking an advisory lock for the schema,
 * so processes starting together apply each migration once: the others wait, then find it recorded.
 * Returns the versions this call applied.
 */
export const migrate = async (pool: Pool, options: MigrateOptions = {}): Promise<number[]> => {
  const schema = checkSchemaName(options.schema ?? DEFAULT_SCHEMA);
  const list = options.migrations ?? migrations;
  list.forEach((m, i) => {
    const previous = list[i - 1];
    if (!Number.isInteger(m.version) || (previous !== undefined && m.version <= previous.version))
      throw new RangeError(`Migration versions must be increasing integers; ${m.version} (${m.name}) is not`);
  });
  const client = await pool.connect();
  try {
    const recorded = await inLockedTransaction(client, schema, async () => {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${table(schema)} (
        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      return appliedVersions(client, schema);
    });
    const applied: number[] = [];
    for (const migration of list) {
      if (recorded.has(migration.version)) continue;
      const ran = await inLockedTransaction(client, schema, async () => {
        // Another process may have applied it between the first look and this lock.
        if ((await appliedVersions(client, schema)).has(migration.version)) return false;
        await client.query(migration.sql(schema));
        await client.query(`INSERT INTO ${table(schema)} (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
        return true;
      });
      if (ran) applied.push(migration.version);
    }
    return applied;
  } finally {
    client.release();
  }
};

const table = (schema: string): string => `${ident(schema)}.kessai_migrations`;

const appliedVersions = async (client: PoolClient, schema: string): Promise<Set<number>> => {
  const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${table(schema)}`);
  return new Set(rows.map((r) => r.version));
};

const inLockedTransaction = async <T>(client: PoolClient, schema: string, body: () => Promise<T>): Promise<T> => {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1), 0)', [`kessai:${schema}:migrations`]);
    const result = await body();
    await client.query('COMMIT');
    return result;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
};
