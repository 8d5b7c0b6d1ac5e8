/**
 * Where the PostgreSQL tests get a server, in this order:
 * 1. `KESSAI_PG_URL` / `DATABASE_URL`;
 * 2. a testcontainers PostgreSQL container, when a container runtime answers;
 * 3. `postgres://postgres@127.0.0.1:5432/test` (the development machines' server).
 * When none is reachable the tests are skipped with the reason printed, or fail when `KESSAI_REQUIRE_PG=1`.
 * Each test file gets its own schema (random suffix), dropped after its tests. A container is started before the
 * file's first test and stopped after its last, so a filtered run (`vitest -t`) that skips the whole file starts none.
 */
import { randomBytes } from 'node:crypto';
import { connectPostgres, createPool, migrate, postgresUrlFromEnv, type Pool, type PostgresConnection } from '@kessai/adapters';
import { afterAll, beforeAll } from 'vitest';

export const LOCAL_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface TestPostgres {
  readonly url: string;
  /** Where the server came from, for the log. */
  readonly origin: string;
  /** A pool on this file's server (12 connections: enough for 8 writers, a reader and the stores). */
  readonly pool: Pool;
  /** This file's schema, migrated before the file's first test; dropped after its last. */
  readonly schema: string;
  /** Drops and re-creates the schema, so the next test starts from empty stores. */
  reset(): Promise<void>;
}

export type PostgresForTests =
  | { readonly available: true; readonly db: TestPostgres }
  | { readonly available: false; readonly reason: string };

interface Server {
  readonly origin: string;
  /** Brings the server up (a container starts here) and answers where it is. */
  readonly open: () => Promise<{ readonly url: string; readonly stop?: () => Promise<void> }>;
}

/** The server of an available result; throws the skip reason otherwise (for use inside skipped-if-absent suites). */
export const dbOf = (pg: PostgresForTests): TestPostgres => {
  if (!pg.available) throw new Error(pg.reason);
  return pg.db;
};

/** Call at the top level of a spec file (it registers the clean-up with `afterAll`). */
export const postgresForTests = async (label: string): Promise<PostgresForTests> => {
  const found = await findServer();
  if (typeof found === 'string') {
    if (process.env['KESSAI_REQUIRE_PG'] === '1') throw new Error(`KESSAI_REQUIRE_PG=1 and no PostgreSQL for the ${label} tests: ${found}`);
    console.warn(`[kessai] PostgreSQL tests in ${label} skipped: ${found}`);
    return { available: false, reason: found };
  }
  const schema = `kessai_t_${label.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 30)}_${randomBytes(4).toString('hex')}`;
  // The schema is made before the file's first test and dropped after its last, both as hooks: a run whose filter
  // (`vitest -t`) skips every test of the file skips both, instead of making a schema nothing drops.
  let connection: PostgresConnection | undefined;
  let server: Awaited<ReturnType<Server['open']>> | undefined;
  const opened = (): PostgresConnection => {
    if (connection === undefined) throw new Error(`The ${label} schema is made before the file's first test; it is not there yet`);
    return connection;
  };
  beforeAll(async () => {
    server = await found.open();
    connection = await connectPostgres(server.url, { schema, max: 12, connectionTimeoutMillis: 10_000 });
  }, 120_000);
  afterAll(async () => {
    if (connection !== undefined) {
      const { pool } = connection;
      // A process a test started may still hold locks for a moment (a killed child's transaction): try again once.
      const drop = () => pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await drop()
        .catch(() => new Promise((resolve) => setTimeout(resolve, 500)).then(drop))
        .catch((e: unknown) => console.warn(`[kessai] could not drop test schema ${schema}: ${firstLine(e)}`));
      await connection.close();
    }
    await server?.stop?.();
  });
  return {
    available: true,
    db: {
      get url() {
        opened();
        return (server as NonNullable<typeof server>).url;
      },
      origin: found.origin,
      get pool() {
        return opened().pool;
      },
      schema,
      reset: async () => {
        const { pool } = opened();
        await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await migrate(pool, { schema });
      },
    },
  };
};

/** A server to use, or why there is none. */
const findServer = async (): Promise<Server | string> => {
  const fromEnv = postgresUrlFromEnv();
  if (fromEnv !== undefined) {
    const answer = await reachable(fromEnv);
    return answer === true
      ? { origin: 'KESSAI_PG_URL / DATABASE_URL', open: () => Promise.resolve({ url: fromEnv }) }
      : `KESSAI_PG_URL / DATABASE_URL is set but not reachable (${answer})`;
  }
  const runtime = await containerRuntime();
  if (runtime === true) return { origin: 'testcontainers postgres:15-alpine', open: startContainer };
  const local = await reachable(LOCAL_POSTGRES_URL);
  if (local === true) return { origin: `${LOCAL_POSTGRES_URL} (${runtime})`, open: () => Promise.resolve({ url: LOCAL_POSTGRES_URL }) };
  return `KESSAI_PG_URL and DATABASE_URL are not set, ${runtime}, and ${LOCAL_POSTGRES_URL} is not reachable (${local})`;
};

/** testcontainers 11 throws when it finds no runtime; that is the quiet, quick check (no Docker socket: ~0.3 s). */
const containerRuntime = async (): Promise<true | string> => {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch (e) {
    return `no container runtime (${firstLine(e)})`;
  }
};

/** Starts the container; if it does not start, the local server when it answers, else the failure of the file's tests. */
const startContainer = async (): Promise<{ readonly url: string; readonly stop?: () => Promise<void> }> => {
  try {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:15-alpine').start();
    return { url: container.getConnectionUri(), stop: async () => void (await container.stop()) };
  } catch (e) {
    const failed = `a container runtime answered but PostgreSQL did not start (${firstLine(e)})`;
    if ((await reachable(LOCAL_POSTGRES_URL)) !== true) throw new Error(`${failed}, and ${LOCAL_POSTGRES_URL} is not reachable`);
    console.warn(`[kessai] ${failed}: using ${LOCAL_POSTGRES_URL}`);
    return { url: LOCAL_POSTGRES_URL };
  }
};

const reachable = async (url: string): Promise<true | string> => {
  const pool = createPool(url, { max: 1, connectionTimeoutMillis: 3_000 });
  try {
    await pool.query('SELECT 1');
    return true;
  } catch (e) {
    return firstLine(e);
  } finally {
    await pool.end();
  }
};

const firstLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
