import type { Pool, PoolClient } from 'pg';

/** Small SQL helpers shared by the PostgreSQL adapters: schema names, identifiers, numbers from int8 columns. */

/** The schema everything lives in unless configured otherwise. */
export const DEFAULT_SCHEMA = 'kessai';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Schema names are spliced into SQL (identifiers cannot be parameters), so only plain lowercase names are
 * accepted: no quoting rules to get wrong, and the same name in SQL and in `pg_namespace`.
 */
export const checkSchemaName = (schema: string): string => {
  if (!SCHEMA_NAME.test(schema))
    throw new RangeError(`A kessai schema name must match ${String(SCHEMA_NAME)}, got ${JSON.stringify(schema)}`);
  return schema;
};

/** A double-quoted identifier (for names built from checked parts). */
export const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * int8 columns arrive from `pg` as strings (a JavaScript number cannot hold every int8). Positions, revisions and
 * sequence numbers stay far below 2^53, so they are read as numbers, and a value that would lose precision throws.
 */
export const toSafeInteger = (value: string | number | bigint, what: string): number => {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} ${String(value)} does not fit a JavaScript number`);
  return n;
};

const prefixes = new Map<string, string>();

/**
 * A name for a prepared statement (parsed once per connection, then only bound and run): short, since a server
 * truncates names past 63 bytes, and one per schema and statement, since a name stands for one text on a
 * connection and the schema is part of the text.
 */
export const preparedName = (schema: string, statement: string): string => {
  let prefix = prefixes.get(schema);
  if (prefix === undefined) prefixes.set(schema, (prefix = `kessai${prefixes.size + 1}`));
  return `${prefix}_${statement}`;
};

/** The SQLSTATE of a database error, if it is one. */
export const sqlState = (e: unknown): string | undefined =>
  typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : undefined;

export const UNIQUE_VIOLATION = '23505';

/** Runs `work` in one transaction on a connection of its own: committed if it returns, rolled back if it throws. */
export const inTransaction = async <T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> => {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
};
