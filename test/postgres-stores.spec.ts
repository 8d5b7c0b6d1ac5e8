/**
 * The PostgreSQL adapters against a real server (see support/postgres.ts for where it comes from): the two store
 * contracts every adapter runs, then what only PostgreSQL has to prove. One file, so one schema and one test at a
 * time: the read horizon is server-wide, and a transaction another file held open would delay what this one reads.
 */
import { PostgresEventStore, PostgresIdempotencyStore, PostgresReadModelStore } from '@kessai/adapters';
import { describe } from 'vitest';
import { eventStoreContract } from './contracts/event-store-contract.js';
import { idempotencyStoreContract } from './contracts/idempotency-store-contract.js';
import { readModelStoreContract } from './contracts/read-model-store-contract.js';
import { cardVaultSpecs } from './postgres/card-vault-specs.js';
import { postgresEventStoreSpecs } from './postgres/event-store-specs.js';
import { idempotencySpecs } from './postgres/idempotency-specs.js';
import { leaseSpecs } from './postgres/lease-specs.js';
import { migrationSpecs } from './postgres/migration-specs.js';
import { projectionSpecs } from './postgres/projection-specs.js';
import { readModelSpecs } from './postgres/read-model-specs.js';
import { dbOf, postgresForTests, type TestPostgres } from './support/postgres.js';

const pg = await postgresForTests('stores');
const db = (): TestPostgres => dbOf(pg);

describe.skipIf(!pg.available)('PostgreSQL', () => {
  eventStoreContract('postgres', async () => {
    await db().reset();
    return { store: new PostgresEventStore({ pool: db().pool, schema: db().schema }) };
  });
  readModelStoreContract('postgres', async () => {
    await db().reset();
    return { store: new PostgresReadModelStore({ pool: db().pool, schema: db().schema }) };
  });
  // The projections' setting (connection.kessaiStores): commits that do not wait for the disk keep every rule.
  readModelStoreContract('postgres, asynchronous commits', async () => {
    await db().reset();
    return { store: new PostgresReadModelStore({ pool: db().pool, schema: db().schema, synchronousCommit: false }) };
  });
  idempotencyStoreContract('postgres', async ({ staleAfterMs }) => {
    await db().reset();
    return new PostgresIdempotencyStore({ pool: db().pool, schema: db().schema, secret: 'an idempotency secret of 32 byte', staleAfterMs });
  });
  describe('PostgresEventStore', () => postgresEventStoreSpecs(db));
  describe('PostgresReadModelStore', () => readModelSpecs(db));
  describe('migrations', () => migrationSpecs(db));
  describe('PostgresCardVault', () => cardVaultSpecs(db));
  describe('PostgresIdempotencyStore', () => idempotencySpecs(db));
  describe('PostgresLease', () => leaseSpecs(db));
  describe('ProjectionRunner on PostgreSQL', () => projectionSpecs(db));
});
