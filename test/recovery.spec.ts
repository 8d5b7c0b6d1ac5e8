/**
 * On a store whose appends are per stream (EventStoreDB), a command that touches several streams can stop half-way.
 * With an idempotency key its ids and correlation are derived from the key, so running it again finishes it:
 * what was recorded is not recorded twice, what was missing is added, and the answer is the first one's.
 */
import { Kessai, MemoryCardVault, MemoryEventStore, MemoryReadModelStore, SeededIdGenerator, SimulatedClock, TestModeCardNetwork, TestModeCvcVerifier } from '@kessai/adapters';
import { unsafeId, type AppendRequest, type AppendResult, type EventStore, type Result } from '@kessai/domain';
import { describe, expect, it } from 'vitest';

/** A store that appends stream by stream, and can be made to stop after some streams of the next appendMany. */
class PerStreamStore implements EventStore {
  readonly atomicMultiStreamAppend = false;
  readonly inner = new MemoryEventStore();
  crashAfter: number | null = null;
  append = (r: AppendRequest) => this.inner.append(r);
  readStream: EventStore['readStream'] = (s, o) => this.inner.readStream(s, o);
  readAll: EventStore['readAll'] = (o) => this.inner.readAll(o);
  headPosition = () => this.inner.headPosition();
  async appendMany(requests: readonly AppendRequest[]): Promise<readonly AppendResult[]> {
    const results: AppendResult[] = [];
    for (const request of requests) {
      if (this.crashAfter !== null && results.length === this.crashAfter) {
        this.crashAfter = null;
        throw new Error('the process stopped here');
      }
      results.push(await this.inner.append(request));
    }
    return results;
  }
}

const merchant = unsafeId.merchant('acme');
const value = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
};

/** A fresh process on the same stores: nothing is remembered in memory (idempotency records included). */
const processOn = (events: EventStore, vault: MemoryCardVault, network = new TestModeCardNetwork()) =>
  new Kessai({
    events,
    readModels: new MemoryReadModelStore(),
    vault,
    verifier: new TestModeCvcVerifier(),
    network,
    clock: new SimulatedClock(Date.UTC(2017, 5, 7, 3)),
    ids: new SeededIdGenerator(Math.floor(Math.random() * 1e9)),
  });

const typesOf = async (store: PerStreamStore) => (await store.readAll({ limit: 1000 })).map((e) => e.type);

describe('given a store that appends stream by stream', () => {
  it('when creating a customer with a card stops after the token stream, then the same key finishes it, once', async () => {
    const store = new PerStreamStore();
    const vault = new MemoryCardVault('recovery-test-fingerprint-secret');
    const first = processOn(store, vault);
    const token = value(await first.tokens.create(merchant, { card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' } }));

    store.crashAfter = 1;
    await expect(first.customers.create(merchant, { card: token.id, email: 'taro@example.jp' }, { idempotencyKey: 'signup-42' })).rejects.toThrow('stopped here');
    expect(await typesOf(store)).toEqual(['TokenCreated', 'TokenUsed']);
    // Without the key's recovery, the token is spent and nothing holds it:
    expect((await processOn(store, vault).customers.create(merchant, { card: token.id })).ok).toBe(false);

    const retried = value(await processOn(store, vault).customers.create(merchant, { card: token.id, email: 'taro@example.jp' }, { idempotencyKey: 'signup-42' }));
    expect(retried.cards.data.map((c) => [c.id, c.cvc_check])).toEqual([[token.card.id, 'passed']]);
    expect(await typesOf(store)).toEqual(['TokenCreated', 'TokenUsed', 'CardCreated', 'CustomerCreated', 'CardAttached', 'DefaultCardChanged']);

    // Once more, after it finished: the same customer, nothing new recorded.
    const again = value(await processOn(store, vault).customers.create(merchant, { card: token.id, email: 'taro@example.jp' }, { idempotencyKey: 'signup-42' }));
    expect(again.id).toBe(retried.id);
    expect((await typesOf(store)).length).toBe(6);
  });

  it('when a charge by token stops after the token stream, then the same key records the charge and asks the network no more than needed', async () => {
    const store = new PerStreamStore();
    const vault = new MemoryCardVault('recovery-test-fingerprint-secret');
    const token = value(await processOn(store, vault).tokens.create(merchant, { card: { number: '3530111333300000', exp_month: 12, exp_year: 2030, cvc: '123' } }));

    store.crashAfter = 1;
    const network = new TestModeCardNetwork();
    await expect(processOn(store, vault, network).charges.create(merchant, { amount: 1200, currency: 'jpy', card: token.id }, { idempotencyKey: 'order-7' })).rejects.toThrow();
    const charge = value(await processOn(store, vault, network).charges.create(merchant, { amount: 1200, currency: 'jpy', card: token.id }, { idempotencyKey: 'order-7' }));
    expect(charge).toMatchObject({ amount: 1200, paid: true, card: { id: token.card.id, cvc_check: 'passed' } });
    expect(await typesOf(store)).toEqual(['TokenCreated', 'TokenUsed', 'ChargeSucceeded']);

    // After it finished, a retry answers the same charge without a new authorization.
    const authorizations = network.calls.filter((c) => c.kind === 'authorize').length;
    expect(value(await processOn(store, vault, network).charges.create(merchant, { amount: 1200, currency: 'jpy', card: token.id }, { idempotencyKey: 'order-7' })).id).toBe(charge.id);
    expect(network.calls.filter((c) => c.kind === 'authorize').length).toBe(authorizations);
    expect((await typesOf(store)).length).toBe(3);
  });
});
