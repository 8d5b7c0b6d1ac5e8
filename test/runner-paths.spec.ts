/**
 * The projection runner has two ways to write a generation: straight into one that lives in its own process
 * (DirectDocuments, the memory store), and through its document cache and batch commits (any other store). Both
 * must build the same documents; the cache must also do so when it holds only a few documents at a time.
 */
import { generateScenario, MemoryEventStore, MemoryReadModelStore, testModeKessai } from '@kessai/adapters';
import { unsafeId, type EventStore } from '@kessai/domain';
import {
  collections,
  diffGenerations,
  eventRefCollections,
  lineageRefCollections,
  payjpViews,
  ProjectionRunner,
  type Generation,
  type ReadModelStore,
  type View,
} from '@kessai/projections';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The same memory store seen as a remote one: no direct access, so the runner goes through its cache.
 * `onRead` hears each document read that would be a round trip on a remote store.
 */
const withoutDirectAccess = (store: ReadModelStore, onRead: (collection: string, ids: readonly string[]) => void = () => undefined): ReadModelStore => {
  const hide = (g: Generation): Generation => ({
    name: g.name,
    get: (c, id) => (onRead(c, [id]), g.get(c, id)),
    getMany: (c, ids) => (onRead(c, ids), g.getMany(c, ids)),
    list: (q) => g.list(q),
    scan: (c) => g.scan(c),
    commit: (w, c) => g.commit(w, c),
    checkpoint: (p) => g.checkpoint(p),
  });
  return {
    active: async () => hide(await store.active()),
    generation: async (name) => hide(await store.generation(name)),
    activate: (name) => store.activate(name),
    drop: (name) => store.drop(name),
    generations: () => store.generations(),
  };
};

/** Every collection the views write, internal reference maps included: a resumed catch-up reads those too. */
const everyCollection = [...Object.values(collections), ...Object.values(eventRefCollections), ...Object.values(lineageRefCollections)];

describe('given a generated workload of a few thousand events', () => {
  let events: EventStore;
  let direct: Generation;
  beforeAll(async () => {
    const scenario = await generateScenario({ seed: 41, merchants: 2, targetEvents: 4000 });
    events = scenario.events;
    const store = new MemoryReadModelStore();
    await new ProjectionRunner({ events, readModels: store, views: payjpViews(), batchSize: 500 }).rebuild({ generation: 'direct', diff: false });
    direct = await store.generation('direct');
    expect(direct.direct).toBeDefined();
  });

  it.each([
    ['an unbounded cache', {}],
    ['a cache of 50 documents, so most are read back from the store', { cacheLimit: 50 }],
  ])('when rebuilt through %s, then every document equals the direct build', async (_, cache) => {
    const store = new MemoryReadModelStore();
    const runner = new ProjectionRunner({ events, readModels: withoutDirectAccess(store), views: payjpViews(), batchSize: 500, ...cache });
    const result = await runner.rebuild({ generation: 'cached', diff: false });
    if ('cacheLimit' in cache) expect(result.cache.dropped).toBeGreaterThan(0);
    const diff = await diffGenerations(direct, await store.generation('cached'), everyCollection);
    expect(diff.totals).toEqual({ added: 0, removed: 0, changed: 0 });
    let documents = 0;
    for await (const _doc of direct.scan(collections.charges)) documents++;
    expect(documents).toBeGreaterThan(100);
  });

  it.each([
    ['directly', (store: ReadModelStore) => store],
    ['through the cache (forgetting documents between batches)', withoutDirectAccess],
  ])('when a catch-up runs a few events at a time %s, then the live generation equals the rebuild', async (_, seen) => {
    const partial = new MemoryEventStore();
    const store = new MemoryReadModelStore();
    const runner = new ProjectionRunner({ events: partial, readModels: seen(store), views: payjpViews(), batchSize: 7 });
    const all = await events.readAll({ limit: Number.MAX_SAFE_INTEGER });
    for (let from = 0; from < all.length; from += 333) {
      partial.loadAll(all.slice(from, from + 333));
      await runner.catchUp();
    }
    const diff = await diffGenerations(direct, await store.active(), everyCollection);
    expect(diff.totals).toEqual({ added: 0, removed: 0, changed: 0 });
  });
});

describe('given two runners catching up one memory store at once', () => {
  it.each([
    ['directly', (store: ReadModelStore) => store],
    ['through their caches', withoutDirectAccess],
  ])('when they run %s, then each event is applied once', async (_, seen) => {
    const { events } = await generateScenario({ seed: 43, merchants: 2, targetEvents: 2000 });
    const all = await events.readAll({ limit: Number.MAX_SAFE_INTEGER });
    const clean = new MemoryReadModelStore();
    await new ProjectionRunner({ events, readModels: clean, views: payjpViews() }).catchUp();

    const growing = new MemoryEventStore();
    const store = new MemoryReadModelStore();
    const runners = [13, 29].map((batchSize) => new ProjectionRunner({ events: growing, readModels: seen(store), views: payjpViews(), batchSize }));
    for (let from = 0; from < all.length; from += 500) {
      growing.loadAll(all.slice(from, from + 500));
      await Promise.all(runners.map((runner) => runner.catchUp()));
    }
    expect(await (await store.active()).checkpoint('payjp')).toBe(all.length);
    expect((await diffGenerations(await clean.active(), await store.active(), everyCollection)).totals).toEqual({ added: 0, removed: 0, changed: 0 });
  });
});

describe('given ten callers asking for a catch-up while events keep arriving', () => {
  it('then callers who ask before a run starts share it, and each sees its own events projected', async () => {
    const { events: source } = await generateScenario({ seed: 44, merchants: 1, targetEvents: 300 });
    const all = await source.readAll({ limit: Number.MAX_SAFE_INTEGER });
    const growing = new MemoryEventStore();
    const store = new MemoryReadModelStore();
    let runs = 0;
    const counting: ReadModelStore = { ...withoutDirectAccess(store), active: () => (runs++, store.active()) };
    const runner = new ProjectionRunner({ events: growing, readModels: counting, views: payjpViews() });

    // Ten commands land and ask at once: one run covers all of them.
    const step = Math.ceil(all.length / 20);
    const first = Array.from({ length: 10 }, (_, i) => {
      growing.loadAll(all.slice(i * step, (i + 1) * step));
      return runner.catchUp();
    });
    expect(new Set(first).size).toBe(1);
    expect((await Promise.all(first)).map((p) => p.position)).toEqual(Array(10).fill(10 * step));
    expect(runs).toBe(1);

    // While a run is going, later callers queue one run behind it, which covers what they appended.
    growing.loadAll(all.slice(10 * step, 15 * step));
    const during = runner.catchUp();
    await Promise.resolve();
    growing.loadAll(all.slice(15 * step));
    const after = runner.catchUp();
    expect(runner.catchUp()).toBe(after);
    expect(after).not.toBe(during);
    expect((await during).position).toBeGreaterThanOrEqual(15 * step);
    expect((await after).position).toBe(all.length);
    expect(runs).toBe(3);

    const clean = new MemoryReadModelStore();
    await new ProjectionRunner({ events: source, readModels: clean, views: payjpViews() }).catchUp();
    expect((await diffGenerations(await clean.active(), await store.active(), everyCollection)).totals).toEqual({ added: 0, removed: 0, changed: 0 });
  });
});

describe('given a view that throws half-way through a batch applied directly', () => {
  it('then the rebuild fails with its error, and the half-written generation refuses reads and resumes', async () => {
    const scenario = await generateScenario({ seed: 42, merchants: 1, targetEvents: 300 });
    const { events } = scenario;
    let seen = 0;
    const broken: View = { name: 'broken', collections: [], handles: new Set(['TokenCreated']), apply: () => {
      if (++seen === 20) throw new Error('view bug');
    } };
    const readModels = new MemoryReadModelStore();
    const views = { name: 'payjp', views: [...payjpViews().views, broken] };
    const runner = new ProjectionRunner({ events, readModels, views, batchSize: 1000 });

    await expect(runner.rebuild({ generation: 'blue-2' })).rejects.toThrow('view bug');
    const generation = await readModels.generation('blue-2');
    await expect(generation.get(collections.tokens, 'x')).rejects.toThrow(/applied to it only in part/);
    await expect(generation.list({ collection: collections.tokens, merchant: 'm', offset: 0, limit: 1 })).rejects.toThrow(/only in part/);
    await expect(runner.rebuild({ generation: 'blue-2' })).rejects.toThrow(/only in part/);
    // The live generation was never touched, and a rebuild with the views fixed succeeds beside it.
    expect((await readModels.active()).name).toBe('live-1');
    const fixed = await new ProjectionRunner({ events, readModels, views: payjpViews() }).rebuild({ generation: 'blue-3' });
    expect(fixed).toMatchObject({ activated: true, position: await events.headPosition() });
  });
});

describe('given a live generation a few events behind (an inline catch-up after a command)', () => {
  /** The event store's reads, counted. */
  const counted = (inner: EventStore) => {
    const calls = { readAll: 0, headPosition: 0 };
    const store: EventStore = {
      atomicMultiStreamAppend: inner.atomicMultiStreamAppend,
      append: (r) => inner.append(r),
      appendMany: (r) => inner.appendMany(r),
      readStream: (s, o) => inner.readStream(s, o),
      readAll: (o) => (calls.readAll++, inner.readAll(o)),
      headPosition: () => (calls.headPosition++, inner.headPosition()),
    };
    return { store, calls };
  };

  it.each([
    ['direct', (s: ReadModelStore) => s],
    ['through the cache', withoutDirectAccess],
  ])('when it catches up (%s), then it reads the log once, not the head, and reports where it ended', async (_, wrap) => {
    const scenario = await generateScenario({ seed: 43, merchants: 1, targetEvents: 200 });
    const all = await scenario.events.readAll({ limit: 1000 });
    const source = new MemoryEventStore({ events: all.slice(0, 150) });
    const { store, calls } = counted(source);
    const readModels = wrap(new MemoryReadModelStore());
    const runner = new ProjectionRunner({ events: store, readModels, views: payjpViews(), batchSize: 100 });
    // 150 events: a full batch, then a short one that ends the run.
    expect(await runner.catchUp()).toEqual({ processed: 150, position: 150, head: 150 });
    expect(calls).toEqual({ readAll: 2, headPosition: 0 });

    for (const e of all.slice(150, 153)) await source.append({ stream: e.stream, expected: 'any', events: [{ type: e.type, version: e.version, data: e.data, metadata: e.metadata }] });
    calls.readAll = 0;
    expect(await runner.catchUp()).toEqual({ processed: 3, position: 153, head: 153 });
    expect(calls).toEqual({ readAll: 1, headPosition: 0 });
    // Nothing new: one read, nothing processed.
    calls.readAll = 0;
    expect(await runner.catchUp()).toEqual({ processed: 0, position: 153, head: 153 });
    expect(calls.readAll).toBe(1);
    // Progress reports still get the store's head.
    const heads: number[] = [];
    await runner.catchUp((p) => heads.push(p.head));
    expect(calls.headPosition).toBe(1);
  });
});

describe('given a catch-up that fails', () => {
  it('then callers of catchUpLive get the error, and nothing is left rejected unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const readModels = new MemoryReadModelStore();
      const failing: ReadModelStore = { ...readModels, active: () => Promise.reject(new Error('database gone')), generation: (n) => readModels.generation(n), activate: (n) => readModels.activate(n), drop: (n) => readModels.drop(n), generations: () => readModels.generations() };
      const runner = new ProjectionRunner({ events: new MemoryEventStore(), readModels: failing, views: payjpViews() });
      await expect(runner.catchUpLive()).rejects.toThrow('database gone');
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
      // The runner is still usable: the next catch-up runs (and fails the same way, not stuck behind the first).
      await expect(runner.catchUp()).rejects.toThrow('database gone');
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('given a live generation on a store the runner must ask for what it does not hold', () => {
  it('when a token is created, then nothing is read from the store: a stream\'s first event has no API event to refresh, and the answer is the document just committed', async () => {
    const reads: string[] = [];
    const { kessai } = testModeKessai({ seed: 7, readModels: withoutDirectAccess(new MemoryReadModelStore(), (c, ids) => reads.push(...ids.map((id) => `${c}/${id}`))) });
    const merchant = unsafeId.merchant('merchant_reads');
    const card = { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' };
    // The first command leaves a checkpoint, so the generation is live and no longer known to be empty.
    expect((await kessai.tokens.create(merchant, { card })).ok).toBe(true);
    reads.length = 0;
    const token = await kessai.tokens.create(merchant, { card });
    if (!token.ok) throw new Error('token refused');
    expect(reads).toEqual([]);
    expect(token.value.card.cvc_check).toBe('passed');
    // The same document as the store holds.
    expect(await kessai.tokens.retrieve(merchant, token.value.id)).toEqual(token);
    expect(reads).toEqual([`tokens/merchant_reads/${token.value.id}`]);
  });

  it('when a catch-up runs several batches, then its generation answers the last batch\'s documents from memory and the others from the store, alike', async () => {
    const scenario = await generateScenario({ seed: 5, merchants: 1, targetEvents: 40 });
    const reads: string[] = [];
    const store = new MemoryReadModelStore();
    const readModels = withoutDirectAccess(store, (c, ids) => reads.push(...ids.map((id) => `${c}/${id}`)));
    // A first event leaves a checkpoint, so the next catch-up is on a live generation.
    const runner = new ProjectionRunner({ events: scenario.events, readModels, views: payjpViews(), batchSize: 10 });
    await new ProjectionRunner({ events: scenario.events, readModels, views: payjpViews() }).buildAsOf(readModels, { position: 1 });
    const { generation, progress } = await runner.catchUpLive();
    expect(progress.position).toBe(await scenario.events.headPosition());
    const lastBatch = await scenario.events.readAll({ after: Math.floor((progress.position - 1) / 10) * 10, limit: 10 });
    const firstTokenCreated = (await scenario.events.readAll({ limit: 1_000 })).find((e) => e.type === 'TokenCreated')!;
    const lastTokenCreated = [...lastBatch].reverse().find((e) => e.type === 'TokenCreated' || e.type === 'ChargeSucceeded')!;
    const keyOf = (e: typeof firstTokenCreated) => {
      const data = e.data as { merchant: string; tokenId?: string; chargeId?: string };
      return e.type === 'TokenCreated' ? (['tokens', `${data.merchant}/${data.tokenId!}`] as const) : (['charges', `${data.merchant}/${data.chargeId!}`] as const);
    };
    const stored = await store.active();
    reads.length = 0;
    const [lastCollection, lastId] = keyOf(lastTokenCreated);
    expect(await generation.get(lastCollection, lastId)).toEqual(await stored.get(lastCollection, lastId));
    expect(reads).toEqual([]);
    const [firstCollection, firstId] = keyOf(firstTokenCreated);
    expect(await generation.get(firstCollection, firstId)).toEqual(await stored.get(firstCollection, firstId));
    expect(reads).toEqual([`${firstCollection}/${firstId}`]);
  });
});
