/** The EventStoreDB event store: type-checked against the real client and unit-tested; its contract tests need a server. */
export type { EventStoreDBClient } from '@eventstore/db-client';
export { connectEventStoreDb, eventStoreConnectionStringFromEnv } from './connection.js';
export { EventStoreDbEventStore, type EventStoreDbEventStoreOptions } from './event-store.js';
export { LogChangedError } from './positions.js';
export type { CatchUpOptions, CatchUpSubscription } from './subscription.js';
