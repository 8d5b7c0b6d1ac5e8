/**
 * Where the EventStoreDB tests get a server, in this order (reference/EVENTSTOREDB.md §1.3):
 * 1. `EVENTSTORE_CONNECTION_STRING` (e.g. `esdb://localhost:2113?tls=false`), used as is;
 * 2. a testcontainers container of `KESSAI_ESDB_IMAGE` (default below), when a container runtime answers and the
 *    image is already there (or `KESSAI_ESDB_PULL=1` allows pulling it).
 * Otherwise each test is skipped with the reason (printed once here and beside every skipped test), or the file
 * fails when `KESSAI_REQUIRE_ESDB=1`. Our machines have no server and no container engine: there they always skip.
 * One server serves the whole file; each store gets its own stream prefix, so each starts empty.
 */
import { connectEventStoreDb, type EventStoreDBClient } from '@kessai/adapters';
import { afterAll } from 'vitest';

/** eventstore/eventstore has no multi-arch 24.10 tag; emmett's arm64 choice (EVENTSTOREDB.md §1.4). */
export const DEFAULT_ESDB_IMAGE = process.arch === 'arm64' ? 'eventstore/eventstore:24.10.0-alpha-arm64v8' : 'eventstore/eventstore:24.10';

export type EventStoreDbForTests =
  | { readonly available: true; readonly client: EventStoreDBClient; readonly origin: string }
  | { readonly available: false; readonly reason: string };

interface Server {
  readonly connectionString: string;
  readonly origin: string;
  readonly stop?: () => Promise<void>;
}

/** The client of an available server; throws the skip reason otherwise (for use inside skipped tests). */
export const clientOf = (esdb: EventStoreDbForTests): EventStoreDBClient => {
  if (!esdb.available) throw new Error(esdb.reason);
  return esdb.client;
};

/** Call at the top level of a spec file (it registers the clean-up with `afterAll`). */
export const eventStoreDbForTests = async (label: string): Promise<EventStoreDbForTests> => {
  const found = await findServer();
  if (typeof found === 'string') {
    if (process.env['KESSAI_REQUIRE_ESDB'] === '1') throw new Error(`KESSAI_REQUIRE_ESDB=1 and no EventStoreDB for the ${label} tests: ${found}`);
    console.warn(`[kessai] EventStoreDB tests in ${label} skipped: ${found}`);
    return { available: false, reason: found };
  }
  const client = connectEventStoreDb(found.connectionString);
  afterAll(async () => {
    await client.dispose();
    await found.stop?.();
  });
  const answer = await answers(client);
  if (answer !== true) {
    const reason = `${found.origin} did not answer (${answer})`;
    if (process.env['KESSAI_REQUIRE_ESDB'] === '1') throw new Error(`KESSAI_REQUIRE_ESDB=1 and no EventStoreDB for the ${label} tests: ${reason}`);
    console.warn(`[kessai] EventStoreDB tests in ${label} skipped: ${reason}`);
    return { available: false, reason };
  }
  console.info(`[kessai] EventStoreDB tests in ${label} run against ${found.origin}`);
  return { available: true, client, origin: found.origin };
};

const NO_SERVER_HINT = 'set EVENTSTORE_CONNECTION_STRING (e.g. esdb://localhost:2113?tls=false) to run them against a server';

const findServer = async (): Promise<Server | string> => {
  const fromEnv = process.env['EVENTSTORE_CONNECTION_STRING'];
  if (fromEnv !== undefined && fromEnv !== '') return { connectionString: fromEnv, origin: 'EVENTSTORE_CONNECTION_STRING' };
  return startContainer();
};

/**
 * testcontainers is imported only here, dynamically, so that a broken install cannot break other tests; without a
 * runtime, `getContainerRuntimeClient` rejects within milliseconds (there is no "is Docker there" call).
 */
const startContainer = async (): Promise<Server | string> => {
  const image = process.env['KESSAI_ESDB_IMAGE'] ?? DEFAULT_ESDB_IMAGE;
  const mayPull = process.env['KESSAI_ESDB_PULL'] === '1';
  let testcontainers: typeof import('testcontainers');
  try {
    testcontainers = await import('testcontainers');
  } catch (e) {
    return `testcontainers could not be loaded (${firstLine(e)}); ${NO_SERVER_HINT}`;
  }
  const { GenericContainer, ImageName, Wait, getContainerRuntimeClient } = testcontainers;
  try {
    const runtime = await getContainerRuntimeClient();
    if (!mayPull && !(await runtime.image.exists(ImageName.fromString(image))))
      return `a container runtime answered but image ${image} is not present (KESSAI_ESDB_PULL=1 lets the tests pull it); ${NO_SERVER_HINT}`;
  } catch (e) {
    return `no container runtime (${firstLine(e)}); ${NO_SERVER_HINT}`;
  }
  // Without a registry the Ryuk reaper image cannot be pulled either; the container is stopped in afterAll.
  if (!mayPull) process.env['TESTCONTAINERS_RYUK_DISABLED'] ??= 'true';
  try {
    const container = await new GenericContainer(image)
      .withEnvironment({
        EVENTSTORE_CLUSTER_SIZE: '1',
        // Standard projections write `$>` link events into $all: the store must skip them, so keep them on.
        EVENTSTORE_RUN_PROJECTIONS: 'All',
        EVENTSTORE_START_STANDARD_PROJECTIONS: 'true',
        EVENTSTORE_INSECURE: 'true',
        EVENTSTORE_NODE_PORT: '2113',
        EVENTSTORE_ENABLE_ATOM_PUB_OVER_HTTP: 'true',
      })
      .withExposedPorts(2113)
      .withWaitStrategy(Wait.forHealthCheck())
      .withStartupTimeout(120_000)
      .start();
    return {
      connectionString: `esdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`,
      origin: `testcontainers ${image}`,
      stop: async () => void (await container.stop()),
    };
  } catch (e) {
    return `a container runtime answered but ${image} did not start (${firstLine(e)}); ${NO_SERVER_HINT}`;
  }
};

/** One read of `$all` (one event, read to its end rather than cancelled), with a deadline: true when the server answers. */
const answers = async (client: EventStoreDBClient): Promise<true | string> => {
  try {
    for await (const _ of client.readAll({ maxCount: 1, deadline: 10_000 })) void _;
    return true;
  } catch (e) {
    return firstLine(e);
  }
};

const firstLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
