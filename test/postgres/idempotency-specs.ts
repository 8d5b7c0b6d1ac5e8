import {
  createPool,
  idempotencySecretFrom,
  Kessai,
  MemoryCardVault,
  MemoryReadModelStore,
  PostgresEventStore,
  PostgresIdempotencyStore,
  SimulatedClock,
  RandomIdGenerator,
  TestModeCardNetwork,
  TestModeCvcVerifier,
  type Pool,
} from '@kessai/adapters';
import { unsafeId, type Result } from '@kessai/domain';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestPostgres } from '../support/postgres.js';

const secret = idempotencySecretFrom('a fingerprint secret of 32 bytes');
const merchant = unsafeId.merchant('mer_idem');
/** A network that takes its time to answer, so that two servers' requests surely overlap. */
class SlowNetwork extends TestModeCardNetwork {
  override async authorize(request: Parameters<TestModeCardNetwork['authorize']>[0]) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    return super.authorize(request);
  }
}

const value = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
};

/** What only the PostgreSQL idempotency store has to prove: records shared by servers on one database. */
export const idempotencySpecs = (db: () => TestPostgres): void => {
  /** Each "server" has a pool of its own, as two processes would. */
  const pools: Pool[] = [];
  const serverPool = () => {
    const pool = createPool(db().url, { max: 4 });
    pools.push(pool);
    return pool;
  };
  beforeEach(async () => {
    await db().reset();
  });
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.end()));
  });

  it('rejects a secret shorter than 16 bytes, and stores with one secret agree on digests where another secret does not', () => {
    expect(() => new PostgresIdempotencyStore({ pool: db().pool, schema: db().schema, secret: 'short' })).toThrow('at least 16 bytes');
    const a = new PostgresIdempotencyStore({ pool: db().pool, schema: db().schema, secret });
    const b = new PostgresIdempotencyStore({ pool: serverPool(), schema: db().schema, secret });
    const other = new PostgresIdempotencyStore({ pool: db().pool, schema: db().schema, secret: idempotencySecretFrom('another fingerprint secret here') });
    expect(a.digest('tokens.create {}')).toBe(b.digest('tokens.create {}'));
    expect(other.digest('tokens.create {}')).not.toBe(a.digest('tokens.create {}'));
  });

  it('given records past their retention, prune deletes them and their keys are free again', async () => {
    const store = new PostgresIdempotencyStore({ pool: db().pool, schema: db().schema, secret, retainMs: 50 });
    const slot = { merchant, key: 'old' };
    const claim = await store.claim(slot, 'req-1');
    if (!claim.claimed) throw new Error('expected a claim');
    await store.finish(slot, claim.claim, { ok: true, value: { id: 'ch_1' } });
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await store.prune()).toBe(1);
    expect((await store.claim(slot, 'req-2')).claimed).toBe(true);
  });

  describe('two servers on one database', () => {
    const vault = new MemoryCardVault('a fingerprint secret of 32 bytes');
    const server = (network: TestModeCardNetwork) => {
      const pool = serverPool();
      return new Kessai({
        events: new PostgresEventStore({ pool, schema: db().schema }),
        readModels: new MemoryReadModelStore(),
        vault,
        verifier: new TestModeCvcVerifier(),
        network,
        clock: new SimulatedClock(Date.UTC(2017, 5, 7, 3)),
        ids: new RandomIdGenerator(),
        idempotency: new PostgresIdempotencyStore({ pool, schema: db().schema, secret }),
      });
    };
    const card = { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' };

    it('when both take the same charge request at once, then the card is authorized once and both answer the same charge', async () => {
      const networks = [new SlowNetwork(), new SlowNetwork()];
      const [a, b] = networks.map(server) as [Kessai, Kessai];
      const customer = value(await a.customers.create(merchant, { card: value(await a.tokens.create(merchant, { card })).id }));
      const request = { amount: 1200, currency: 'jpy' as const, customer: customer.id };
      const answers = await Promise.all([
        a.charges.create(merchant, request, { idempotencyKey: 'order-1' }),
        b.charges.create(merchant, request, { idempotencyKey: 'order-1' }),
        a.charges.create(merchant, request, { idempotencyKey: 'order-1' }),
        b.charges.create(merchant, request, { idempotencyKey: 'order-1' }),
      ]);
      const charges = answers.map(value);
      expect(new Set(charges.map((c) => c.id)).size).toBe(1);
      expect(charges.map((c) => JSON.stringify(c))).toEqual(Array(4).fill(JSON.stringify(charges[0])));
      expect(networks.flatMap((n) => n.calls).filter((c) => c.kind === 'authorize')).toHaveLength(1);
      const recorded = await new PostgresEventStore({ pool: db().pool, schema: db().schema }).readAll({ limit: 1000 });
      expect(recorded.filter((e) => e.type === 'ChargeSucceeded')).toHaveLength(1);
    });

    it('when the other server gets the key with another request, then it refuses it and records nothing', async () => {
      const [a, b] = [server(new TestModeCardNetwork()), server(new TestModeCardNetwork())];
      const token = value(await a.tokens.create(merchant, { card }));
      value(await a.charges.create(merchant, { amount: 1200, currency: 'jpy', card: token.id }, { idempotencyKey: 'order-2' }));
      const events = new PostgresEventStore({ pool: db().pool, schema: db().schema });
      const head = await events.headPosition();
      const other = await b.charges.create(merchant, { amount: 9999, currency: 'jpy', customer: 'cus_nobody' }, { idempotencyKey: 'order-2' });
      expect(other.ok ? other.value : other.error).toMatchObject({ status: 400, code: 'idempotency_key_reused', param: 'Idempotency-Key' });
      expect(await events.headPosition()).toBe(head);
    });

    it('a token request is recorded as a digest: no card number and no CVC in the table', async () => {
      const a = server(new TestModeCardNetwork());
      value(await a.tokens.create(merchant, { card }, { idempotencyKey: 'tok-1' }));
      const { rows } = await db().pool.query<{ row: string }>(`SELECT t::text AS row FROM ${db().schema}.idempotency_keys AS t`);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.row).not.toContain(card.number);
      expect(rows[0]!.row).not.toMatch(/"cvc"|\b123\b/);
      expect(rows[0]!.row).toContain('4242');
    });
  });
};
