import { createPool, PostgresLease, PostgresReadModelStore, readModelDeliveryState, type Pool, type PoolClient } from '@kessai/adapters';
import { afterEach, expect, it } from 'vitest';
import type { TestPostgres } from '../support/postgres.js';

/**
 * PostgresLease: one process at a time holds it, and it is freed when its holder's connection ends. And the webhook
 * delivery state the lease holders share: where delivery begins is claimed once, by the first server to start.
 */
export const leaseSpecs = (db: () => TestPostgres): void => {
  const pools: Pool[] = [];
  const leases: PostgresLease[] = [];
  /** A lease in a "process" of its own (a pool of its own). */
  const leaseInProcess = (name = 'webhook-reactor') => {
    const pool = createPool(db().url, { max: 2 });
    pools.push(pool);
    const lease = new PostgresLease({ pool, schema: db().schema, name });
    leases.push(lease);
    return lease;
  };
  afterEach(async () => {
    // A held lease keeps its connection out of the pool, and a pool ends only when all are back.
    await Promise.all(leases.splice(0).map((l) => l.release()));
    await Promise.all(pools.splice(0).map((p) => p.end()));
  });

  it('given a held lease, another process cannot take it until it is released; a lease of another name is apart', async () => {
    const [a, b] = [leaseInProcess(), leaseInProcess()];
    expect(await a.hold()).toBe(true);
    expect(await a.hold()).toBe(true);
    expect(await b.hold()).toBe(false);
    expect(await leaseInProcess('another').hold()).toBe(true);
    await a.release();
    expect(await b.hold()).toBe(true);
    expect(await a.hold()).toBe(false);
  });

  it('given a lease taken and given back again and again, then it leaves no listener behind on the pooled connection', async () => {
    const pool = createPool(db().url, { max: 1 });
    pools.push(pool);
    const lease = new PostgresLease({ pool, schema: db().schema, name: 'again' });
    leases.push(lease);
    const client = await pool.connect();
    const listeners = () => client.listenerCount('error') + client.listenerCount('end');
    client.release();
    const before = listeners();
    for (let i = 0; i < 12; i++) {
      expect(await lease.hold()).toBe(true);
      await lease.release();
    }
    // One connection in the pool: the lease had this one each time.
    expect(listeners()).toBe(before);
  });

  it("given a holder whose connection is cut (its process died), another process takes the lease and the holder learns it lost it", async () => {
    const [a, b] = [leaseInProcess(), leaseInProcess()];
    expect(await a.hold()).toBe(true);
    // This schema's lease only: other test files hold leases of their own schemas on the same server.
    const { rowCount } = await db().pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks
       WHERE locktype = 'advisory' AND classid = hashtext($1)::oid AND objid = hashtext('webhook-reactor')::oid AND granted`,
      [`kessai:${db().schema}:lease`],
    );
    expect(rowCount).toBe(1);
    let taken = false;
    for (let i = 0; i < 100 && !taken; i++) {
      taken = await b.hold();
      if (!taken) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(taken).toBe(true);
    // The cut connection reported its end: a's next hold tries again, and finds the lease taken.
    expect(await a.hold()).toBe(false);
  });

  it('given four servers starting at once on fresh delivery state, then one claim decides where all of them begin', async () => {
    const states = [11, 12, 13, 14].map((head) => {
      const pool = createPool(db().url, { max: 2 });
      pools.push(pool);
      return { head, state: readModelDeliveryState(new PostgresReadModelStore({ pool, schema: db().schema }), 'deliveries-begin') };
    });
    // Each server has opened the generation and its connection first, so the claims race on the commit.
    for (const { state } of states) expect((await state.load()).checkpoint).toBeNull();
    const begun = await Promise.all(states.map(({ state, head }) => state.begin(head)));
    expect(new Set(begun).size).toBe(1);
    expect([11, 12, 13, 14]).toContain(begun[0]);
    expect((await states[3]!.state.load()).checkpoint).toBe(begun[0]);
  });

  it('asks the server to probe the held connection soon, so a holder cut off by the network loses the lease in seconds', async () => {
    const pool = createPool(db().url, { max: 2 });
    pools.push(pool);
    // The connection the lease keeps, caught as the pool hands it out.
    const handedOut: PoolClient[] = [];
    const connect = pool.connect.bind(pool) as () => Promise<PoolClient>;
    (pool as { connect: () => Promise<PoolClient> }).connect = async () => {
      const client = await connect();
      handedOut.push(client);
      return client;
    };
    const lease = new PostgresLease({ pool, schema: db().schema, name: 'keepalive', keepAliveSeconds: 7 });
    leases.push(lease);
    expect(await lease.hold()).toBe(true);
    const held = handedOut[0]!;
    const setting = async (name: string) => (await held.query<Record<string, string>>(`SHOW ${name}`)).rows[0]![name];
    // Over TCP the server applies them; over a Unix socket (no network to lose) it ignores them and shows 0.
    const unix = (await held.query<{ unix: boolean }>('SELECT inet_server_addr() IS NULL AS unix')).rows[0]!.unix;
    const expected = unix ? ['0', '0', '0'] : ['7', '5', '3'];
    expect([await setting('tcp_keepalives_idle'), await setting('tcp_keepalives_interval'), await setting('tcp_keepalives_count')]).toEqual(expected);
    expect(() => new PostgresLease({ pool, name: 'x', keepAliveSeconds: 0 })).toThrow(RangeError);
  });
};
