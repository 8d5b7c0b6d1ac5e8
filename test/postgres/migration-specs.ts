import { createPool, migrate, migrations, type Pool } from '@kessai/adapters';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { TestPostgres } from '../support/postgres.js';

const allVersions = migrations.map((m) => m.version);

/** Migrations: versioned, each applied once, safe when several processes start at the same moment. */
export const migrationSpecs = (db: () => TestPostgres): void => {
  // A schema of its own: these tests create it from nothing.
  let schema: string;
  beforeEach(() => {
    schema = `${db().schema}_mig`;
  });
  afterEach(async () => {
    await db().pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  });

  const recorded = async (): Promise<number[]> =>
    (await db().pool.query<{ version: number }>(`SELECT version FROM ${schema}.kessai_migrations ORDER BY version`)).rows.map((r) => r.version);

  it('given an empty database, applies every migration, in order; run again, applies none', async () => {
    expect(await migrate(db().pool, { schema })).toEqual(allVersions);
    expect(await migrate(db().pool, { schema })).toEqual([]);
    expect(await recorded()).toEqual(allVersions);
  });

  it('given four processes starting together, each migration is applied exactly once', async () => {
    // Four pools: four sessions, as four processes would open.
    const pools: Pool[] = Array.from({ length: 4 }, () => createPool(db().url, { max: 1 }));
    try {
      const applied = await Promise.all(pools.map((pool) => migrate(pool, { schema })));
      expect(applied.flat().sort((a, b) => a - b)).toEqual(allVersions);
      expect(await recorded()).toEqual(allVersions);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  it('given a migration that fails, it leaves nothing behind, and the next run applies it once fixed', async () => {
    await migrate(db().pool, { schema });
    const broken = [...migrations, { version: 99, name: 'broken', sql: (s: string) => `CREATE TABLE ${s}.half_done (x int); SELECT 1 / 0;` }];
    await expect(migrate(db().pool, { schema, migrations: broken })).rejects.toThrow(/division by zero/);
    expect(await recorded()).toEqual(allVersions);
    const exists = await db().pool.query(`SELECT to_regclass($1) AS t`, [`${schema}.half_done`]);
    expect(exists.rows[0]).toEqual({ t: null });
    const fixed = [...migrations, { version: 99, name: 'fixed', sql: (s: string) => `CREATE TABLE ${s}.half_done (x int);` }];
    expect(await migrate(db().pool, { schema, migrations: fixed })).toEqual([99]);
  });

  it('refuses a schema name it would have to quote', async () => {
    await expect(migrate(db().pool, { schema: 'Robert"); DROP TABLE students;--' })).rejects.toThrow(RangeError);
  });
};
