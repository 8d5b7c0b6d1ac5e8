import type { AppendRequest, AppendResult, EventMetadata } from '@kessai/domain';
import { describe, expect, it } from 'vitest';
import { AppendQueue, type PendingAppend } from './append-queue.js';

const metadata = { merchant: 'mer_q', correlationId: 'c', causationId: null, idempotencyKey: null, occurredAt: 0 } as unknown as EventMetadata;
const request = (stream: string, events = 1): AppendRequest => ({
  stream,
  expected: 'any',
  events: Array.from({ length: events }, () => ({ type: 'QueueSpecEvent', version: 1, data: {}, metadata })),
});

/** A sender that records each group and answers when told to. */
const recordingSender = () => {
  const groups: string[][] = [];
  const release: (() => void)[] = [];
  const send = (group: readonly PendingAppend[]) => {
    groups.push(group.flatMap((p) => p.requests.map((r) => r.stream)));
    return new Promise<void>((resolve) =>
      release.push(() => {
        for (const p of group) p.resolve(p.requests.map((r): AppendResult => ({ stream: r.stream, revision: 0, position: 1 })));
        resolve();
      }),
    );
  };
  return { groups, release, send };
};

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('AppendQueue', () => {
  it('given one statement allowed in flight, when five appends arrive while it runs, then they go together in the next one', async () => {
    const { groups, release, send } = recordingSender();
    const queue = new AppendQueue(1, send);
    const first = queue.enqueue([request('a')], null);
    const rest = ['b', 'c', 'd', 'e', 'f'].map((s) => queue.enqueue([request(s)], null));
    await tick();
    expect(groups).toEqual([['a']]);
    release.shift()!();
    await first;
    await tick();
    expect(groups).toEqual([['a'], ['b', 'c', 'd', 'e', 'f']]);
    release.shift()!();
    expect((await Promise.all(rest)).map((r) => r[0]!.stream)).toEqual(['b', 'c', 'd', 'e', 'f']);
  });

  it('given a free slot, when an append arrives, then it is sent at once, alone', async () => {
    const { groups, release, send } = recordingSender();
    const queue = new AppendQueue(2, send);
    const a = queue.enqueue([request('a')], null);
    const b = queue.enqueue([request('b')], null);
    await tick();
    expect(groups).toEqual([['a'], ['b']]);
    release.forEach((r) => r());
    await Promise.all([a, b]);
  });

  it('given appends stamped with different clock times, then only those with the same time share a statement', async () => {
    const { groups, release, send } = recordingSender();
    const queue = new AppendQueue(1, send);
    const all = [queue.enqueue([request('a')], 1), queue.enqueue([request('b')], 2), queue.enqueue([request('c')], 3), queue.enqueue([request('d')], 2)];
    for (let i = 0; i < 3; i++) {
      await tick();
      release.shift()!();
    }
    await Promise.all(all);
    expect(groups).toEqual([['a'], ['b', 'd'], ['c']]);
  });

  it('given a burst larger than one statement may carry, then it is split', async () => {
    const { groups, release, send } = recordingSender();
    const queue = new AppendQueue(1, send);
    const all = [queue.enqueue([request('first')], null), ...Array.from({ length: 12 }, (_, i) => queue.enqueue([request(`s${i}`, 1_000)], null))];
    for (let i = 0; i < 4; i++) {
      await tick();
      release.shift()?.();
    }
    await Promise.all(all);
    expect(groups.map((g) => g.length)).toEqual([1, 5, 5, 2]);
  });

  it('given a sender that fails, then every append of its group fails with that error, and later ones still go', async () => {
    let calls = 0;
    const queue = new AppendQueue(1, async (group) => {
      calls++;
      if (calls === 1) throw new Error('connection lost');
      for (const p of group) p.resolve([]);
    });
    await expect(queue.enqueue([request('a')], null)).rejects.toThrow('connection lost');
    await expect(queue.enqueue([request('b')], null)).resolves.toEqual([]);
  });
});
