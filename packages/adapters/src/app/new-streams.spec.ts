import { isWrongExpectedRevision, unsafeId, type IdGenerator, type IdKind } from '@kessai/domain';
import { describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../memory/event-store.js';
import { MemoryReadModelStore } from '../memory/read-model-store.js';
import { MemoryCardVault } from '../test-mode/card-vault.js';
import { TestModeCardNetwork } from '../test-mode/card-network.js';
import { TestModeCvcVerifier } from '../test-mode/cvc-verifier.js';
import { RandomIdGenerator, SimulatedClock } from '../test-mode/seeded.js';
import { Kessai } from './kessai.js';

const acme = unsafeId.merchant('acme');
const tokenInput = { card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' } };

/** kessai on memory stores with `ids`, counting the streams its commands read. */
const kessaiWith = (ids: IdGenerator) => {
  const clock = new SimulatedClock(Date.UTC(2017, 5, 7));
  const events = new MemoryEventStore({ clock });
  const read: string[] = [];
  const readStream = events.readStream.bind(events);
  events.readStream = (stream, options) => {
    read.push(stream);
    return readStream(stream, options);
  };
  const kessai = new Kessai({
    events,
    readModels: new MemoryReadModelStore(),
    vault: new MemoryCardVault('a fingerprint secret for tests'),
    verifier: new TestModeCvcVerifier(),
    network: new TestModeCardNetwork(),
    clock,
    ids,
  });
  return { kessai, events, read };
};

describe('streams named by new ids that never repeat (IdGenerator.unique)', () => {
  it('given random ids, when a token, a customer with it and a charge are made, then none of their new streams is read first', async () => {
    const { kessai, read } = kessaiWith(new RandomIdGenerator());
    const token = await kessai.tokens.create(acme, tokenInput);
    if (!token.ok) throw new Error('token');
    const customer = await kessai.customers.create(acme, { card: token.value.id });
    if (!customer.ok) throw new Error('customer');
    const charge = await kessai.charges.create(acme, { amount: 1000, currency: 'jpy', customer: customer.value.id });
    if (!charge.ok) throw new Error('charge');
    // Read: the token to spend it, its card (made from it: its id is the token's card id, not new here), the customer
    // to charge and that card again. Never the new token, customer or charge streams.
    expect(read).toEqual([`token-${token.value.id}`, `card-${customer.value.default_card}`, `customer-acme-${customer.value.id}`, `card-${customer.value.default_card}`]);
  });

  it('given a merchant-chosen customer id, then that stream is read first (it may exist), and a second create is refused', async () => {
    const { kessai, read } = kessaiWith(new RandomIdGenerator());
    expect((await kessai.customers.create(acme, { id: 'taro' })).ok).toBe(true);
    expect(read).toEqual(['customer-acme-taro']);
    const again = await kessai.customers.create(acme, { id: 'taro' });
    expect(again.ok ? null : again.error.code).toBe('already_exist_id');
  });

  it('given a generator that claims unique ids yet repeats one, then the second token is refused as a conflict and nothing is recorded twice', async () => {
    const repeating: IdGenerator = { unique: true, next: (kind: IdKind) => `${kind === 'request' ? 'req' : kind === 'card' ? 'car' : 'tok'}_${'a'.repeat(28)}` };
    const { kessai, events } = kessaiWith(repeating);
    expect((await kessai.tokens.create(acme, tokenInput)).ok).toBe(true);
    const second = kessai.tokens.create(acme, tokenInput);
    await expect(second).rejects.toSatisfy(isWrongExpectedRevision);
    expect((await events.readAll({ limit: 10 })).map((e) => e.type)).toEqual(['TokenCreated']);
  });
});
