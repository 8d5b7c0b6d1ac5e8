import { randomBytes } from 'node:crypto';
import type { EventStore } from '@kessai/domain';
import type { ReadModelStore } from '@kessai/projections';
import { MemoryEventStore } from '../memory/event-store.js';
import { MemoryReadModelStore } from '../memory/read-model-store.js';
import { connectPostgres, NoKessaiStoreError } from '../postgres/connection.js';
import type { PostgresCardVault } from '../postgres/card-vault.js';
import type { PostgresEventStore } from '../postgres/event-store.js';
import { vaultKeysFromEnv, type VaultKeys } from '../postgres/vault-key.js';

export interface PgFlags {
  readonly pg?: string;
  readonly schema?: string;
}

export interface PostgresStores {
  readonly events: PostgresEventStore;
  readModels: ReadModelStore;
  vault(): PostgresCardVault;
  close(): Promise<void>;
}

/**
 * Connects to PostgreSQL (migrating the schema); errors name the problem, never the password. `existing`: the store
 * must be there already (commands that read one), so a typo in the database or schema fails instead of reporting on
 * a new, empty store.
 */
export const openPostgres = async (flags: Required<Pick<PgFlags, 'pg'>> & PgFlags, existing = false): Promise<PostgresStores> => {
  let connection: Awaited<ReturnType<typeof connectPostgres>>;
  try {
    connection = await connectPostgres(flags.pg, { ...(flags.schema === undefined ? {} : { schema: flags.schema }), connectionTimeoutMillis: 10_000, existing });
  } catch (e) {
    if (e instanceof NoKessaiStoreError) throw new Error(`--pg: ${e.message}`);
    throw new Error(`--pg: cannot connect to PostgreSQL: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  return {
    events: connection.eventStore(),
    readModels: connection.readModelStore(),
    vault: () => connection.cardVault(demoVaultKeys()),
    close: () => connection.close(),
  };
};

/**
 * The vault keys from the environment (KESSAI_VAULT_KEY, KESSAI_FINGERPRINT_SECRET). Without them, random keys
 * for this run, said aloud: the card numbers stored then can never be read again, which is harmless for a demo.
 */
const demoVaultKeys = (): VaultKeys => {
  try {
    return vaultKeysFromEnv();
  } catch {
    process.stderr.write('note: KESSAI_VAULT_KEY / KESSAI_FINGERPRINT_SECRET not set; card numbers are vaulted under random keys for this run only\n');
    return { encryptionKey: randomBytes(32).toString('hex'), fingerprintSecret: randomBytes(32).toString('hex') };
  }
};

/** Where `impact` and `rebuild` read from: a JSONL file into memory, or an existing PostgreSQL store. */
export interface Source {
  readonly events: EventStore;
  readonly readModels: ReadModelStore;
  readonly label: string;
  /** Documents a rebuild may keep in memory (none given: all). */
  readonly cacheLimit?: number;
  close(): Promise<void>;
}

export const memorySource = (events: MemoryEventStore, label: string): Source => ({
  events,
  readModels: new MemoryReadModelStore(),
  label,
  close: () => Promise.resolve(),
});
