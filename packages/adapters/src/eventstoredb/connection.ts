import { EventStoreDBClient } from '@eventstore/db-client';

/** `EVENTSTORE_CONNECTION_STRING`; undefined when it is not set. */
export const eventStoreConnectionStringFromEnv = (env: NodeJS.ProcessEnv = process.env): string | undefined => {
  const value = env['EVENTSTORE_CONNECTION_STRING'];
  return value === undefined || value === '' ? undefined : value;
};

/**
 * A client for `connectionString` (default: EVENTSTORE_CONNECTION_STRING), e.g. `esdb://localhost:2113?tls=false`
 * for an insecure single node; TLS is on unless the string says `tls=false`. Nothing connects until the first call.
 * The caller owns the client: `await client.dispose()` when done.
 */
export const connectEventStoreDb = (connectionString: string | undefined = eventStoreConnectionStringFromEnv()): EventStoreDBClient => {
  if (connectionString === undefined) throw new Error('No EventStoreDB connection string: pass one or set EVENTSTORE_CONNECTION_STRING');
  return EventStoreDBClient.connectionString(connectionString);
};
