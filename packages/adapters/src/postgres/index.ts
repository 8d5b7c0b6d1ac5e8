/** PostgreSQL adapters: the event store, read models by generation, the card vault, and their migrations. */
export type { Pool, PoolClient } from 'pg';
export * from './card-vault.js';
export * from './cards-with-events.js';
export * from './connection.js';
export * from './event-store.js';
export * from './idempotency-store.js';
export * from './lease.js';
export type { ImportOptions } from './event-import.js';
export * from './migrations.js';
export * from './read-model-store.js';
export { DEFAULT_SCHEMA } from './sql.js';
export * from './vault-key.js';
