import { createPool, InvalidHistoryError, MemoryEventStore, migrate, PostgresEventStore, PostgresReadModelStore, testModeKessai } from '@kessai/adapters';
import { isWrongExpectedRevision, unsafeId, type EventToAppend, type ExpectedRevision, type StoredEvent } from '@kessai/domain';
import { beforeEach, describe, expect, it } from 'vitest';
import type { TestPostgres } from '../support/postgres.js';

const merchant = unsafeId.merchant('mer_pg');

export const event = (id: string): EventToAppend => ({
  type: 'PostgresSpecEventRecorded',
  version: 1,
  data: { id },
  metadata: { merchant, correlationId: `corr-${id}`, causationId: null, idempotencyKey: null, occurredAt: 1_496_800_000_000 },
});

export const idOf = (e: StoredEvent): string => (e.data as { id: string }).id;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What only a PostgreSQL store has to prove: reads that never skip under concurrent commits, atomic appendMany. */
export const postgresEventStoreSpecs = (db: () => TestPostgres): void => {
  let store: PostgresEventStore;
  beforeEach(async () => {
    await db().reset();
    store = new PostgresEventStore({ pool: db().pool, schema: db().schema });
  });

  describe('given a transaction that took position 1 and has not committed', () => {
    it('a reader sees neither it nor the later position 2 already committed, then both once it commits', async () => {
      // Another instance reads: the writing instance would wait to see its own append (next test).
      const reader = new PostgresEventStore({ pool: db().pool, schema: db().schema });
      const client = await db().pool.connect();
      try {
        await client.query('BEGIN');
        const [held] = await store.appendWithin(client, [{ stream: 'held', expected: 'no_stream', events: [event('first')] }]);
        const later = await store.append({ stream: 'other', expected: 'no_stream', events: [event('second')] });
        expect([held?.position, later.position]).toEqual([1, 2]);
        expect(await reader.readAll({ limit: 10 })).toEqual([]);
        expect(await reader.headPosition()).toBe(0);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
      expect((await reader.readAll({ limit: 10 })).map((e) => [e.position, idOf(e)])).toEqual([[1, 'first'], [2, 'second']]);
      expect(await reader.headPosition()).toBe(2);
    });

    it('if it rolls back, its position stays a hole that readers step over', async () => {
      await store.append({ stream: 'a', expected: 'no_stream', events: [event('a')] });
      const client = await db().pool.connect();
      try {
        await client.query('BEGIN');
        await store.appendWithin(client, [{ stream: 'b', expected: 'no_stream', events: [event('lost')] }]);
        await client.query('ROLLBACK');
      } finally {
        client.release();
      }
      await store.append({ stream: 'c', expected: 'no_stream', events: [event('c')] });
      expect((await store.readAll({ limit: 10 })).map((e) => [e.position, idOf(e)])).toEqual([[1, 'a'], [3, 'c']]);
      expect(await store.readStream('b')).toEqual([]);
    });
  });

  describe('given an older event-writing transaction still open', () => {
    it('the appending instance waits until its own append is in view; another instance does not see it yet', async () => {
      const client = await db().pool.connect();
      try {
        await client.query('BEGIN');
        await store.appendWithin(client, [{ stream: 'held', expected: 'no_stream', events: [event('held')] }]);
        await store.append({ stream: 'mine', expected: 'no_stream', events: [event('mine')] });
        const impatient = new PostgresEventStore({ pool: db().pool, schema: db().schema, readYourWritesTimeoutMs: 0 });
        expect(await impatient.readAll({ limit: 10 })).toEqual([]);
        const started = Date.now();
        setTimeout(() => void client.query('COMMIT'), 100);
        expect((await store.readAll({ limit: 10 })).map(idOf)).toEqual(['held', 'mine']);
        expect(Date.now() - started).toBeGreaterThanOrEqual(90);
        expect(await store.headPosition()).toBe(2);
      } finally {
        await client.query('ROLLBACK').catch(() => undefined);
        client.release();
      }
    });
  });

  describe('given older transactions open on the server that write no events of this schema', () => {
    /** A transaction with an id, left open: in another database, or one that wrote another kessai schema's events. */
    const heldOpen = async (how: 'another database' | 'another schema') => {
      if (how === 'another database') {
        const pool = createPool(db().url.replace(/\/[^/?]+(\?|$)/, '/postgres$1'), { max: 1 });
        const other = await pool.connect();
        await other.query('BEGIN');
        await other.query('SELECT pg_current_xact_id()');
        return async () => {
          await other.query('ROLLBACK');
          other.release();
          await pool.end();
        };
      }
      const otherSchema = `${db().schema}_other`;
      await migrate(db().pool, { schema: otherSchema });
      const elsewhere = new PostgresEventStore({ pool: db().pool, schema: otherSchema });
      const client = await db().pool.connect();
      await client.query('BEGIN');
      await elsewhere.appendWithin(client, [{ stream: 'elsewhere', expected: 'any', events: [event('elsewhere')] }]);
      return async () => {
        await client.query('ROLLBACK');
        client.release();
        await db().pool.query(`DROP SCHEMA "${otherSchema}" CASCADE`);
      };
    };

    it.each(['another database', 'another schema'] as const)('they hold no reader back (%s): every instance sees a new append at once', async (how) => {
      const release = await heldOpen(how);
      try {
        const started = Date.now();
        await store.append({ stream: 'mine', expected: 'no_stream', events: [event('mine')] });
        const other = new PostgresEventStore({ pool: db().pool, schema: db().schema, readYourWritesTimeoutMs: 0 });
        expect((await other.readAll({ limit: 10 })).map(idOf)).toEqual(['mine']);
        expect(await other.headPosition()).toBe(1);
        expect((await store.readAll({ limit: 10 })).map(idOf)).toEqual(['mine']);
        // Before, the appending instance waited its 5 s for its own event, then answered without it.
        expect(Date.now() - started).toBeLessThan(1_000);
      } finally {
        await release();
      }
    });

    it('a token created through kessai meanwhile is answered at once, as created (it was "No such token" after 5 s)', async () => {
      const release = await heldOpen('another database');
      try {
        const { kessai } = testModeKessai({ seed: 4, events: store, readModels: new PostgresReadModelStore({ pool: db().pool, schema: db().schema }) });
        const started = Date.now();
        const token = await kessai.tokens.create(merchant, { card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' } });
        expect(Date.now() - started).toBeLessThan(1_000);
        expect(token.ok && { object: token.value.object, used: token.value.used, cvc_check: token.value.card.cvc_check }).toEqual({
          object: 'token',
          used: false,
          cvc_check: 'passed',
        });
      } finally {
        await release();
      }
    });

    it('the horizon is the id of the oldest event writer of this schema still running, and passes older ids of others', async () => {
      const horizon = async () => BigInt((await db().pool.query<{ h: string }>(`SELECT "${db().schema}".events_horizon()::text AS h`)).rows[0]!.h);
      // Older: a transaction of another database with an id. Younger: an append of this schema, not committed.
      const release = await heldOpen('another database');
      const writer = await db().pool.connect();
      try {
        await writer.query('BEGIN');
        await store.appendWithin(writer, [{ stream: 'held', expected: 'no_stream', events: [event('held')] }]);
        const writerId = BigInt((await writer.query<{ x: string }>('SELECT pg_current_xact_id()::text AS x')).rows[0]!.x);
        // A later append commits, so every snapshot from now on lists the writer among the running ids.
        await store.append({ stream: 'later', expected: 'no_stream', events: [event('later')] });
        expect(await horizon()).toBe(writerId);
        await writer.query('COMMIT');
        // The older transaction of the other database still runs, below the writer's id: it holds nothing back.
        expect(await horizon()).toBeGreaterThan(writerId);
        expect((await store.readAll({ limit: 10 })).map(idOf)).toEqual(['held', 'later']);
      } finally {
        await writer.query('ROLLBACK').catch(() => undefined);
        writer.release();
        await release();
      }
    });

    it('a read under REPEATABLE READ keeps the server-wide horizon: its one snapshot predates the look at the locks', async () => {
      const release = await heldOpen('another database');
      const client = await db().pool.connect();
      try {
        await store.append({ stream: 'mine', expected: 'no_stream', events: [event('mine')] });
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
        const { rows } = await client.query<{ head: string }>(`SELECT "${db().schema}".head_position() AS head`);
        expect(rows[0]!.head).toBe('0');
      } finally {
        await client.query('ROLLBACK');
        client.release();
        await release();
      }
      expect(await store.headPosition()).toBe(1);
    });
  });

  it('one event (append_event) and two events (append_events) get the same answer for every kind of expected revision', async () => {
    // What an append answers: its revision and position, or the conflict's expected and actual revisions.
    const outcome = async (stream: string, expected: ExpectedRevision, events: readonly EventToAppend[]) => {
      try {
        const { revision, position } = await store.append({ stream, expected, events });
        return { revision, position: position > 0 };
      } catch (e) {
        if (!isWrongExpectedRevision(e)) throw e;
        return { conflict: { expected: e.expected, actual: e.actual } };
      }
    };
    const cases: readonly ExpectedRevision[] = ['any', 'no_stream', 'stream_exists', -1, 0, 1, 2, 1.5, -2];
    const answers: { expected: ExpectedRevision; absent: unknown; existing: unknown }[] = [];
    for (const [n, expected] of cases.entries()) {
      // Each case on a stream that does not exist and on one at revision 1, once with one event, once with two.
      const byCount = await Promise.all(
        [1, 2].map(async (count) => {
          const events = Array.from({ length: count }, (_, i) => event(`${n}-${count}-${i}`));
          const existing = `existing-${n}-${count}`;
          await store.append({ stream: existing, expected: 'no_stream', events: [event(`${existing}-a`), event(`${existing}-b`)] });
          const absentOutcome = await outcome(`absent-${n}-${count}`, expected, events);
          const existingOutcome = await outcome(existing, expected, events);
          // Revisions differ by the count; shift the two-event answer back to compare.
          const shift = (o: Awaited<ReturnType<typeof outcome>>) => ('revision' in o ? { ...o, revision: o.revision - (count - 1) } : o);
          return { absent: shift(absentOutcome), existing: shift(existingOutcome) };
        }),
      );
      expect(byCount[1]).toEqual(byCount[0]);
      answers.push({ expected, ...byCount[0]! });
    }
    // And the answers themselves are the port's.
    expect(answers).toEqual([
      { expected: 'any', absent: { revision: 0, position: true }, existing: { revision: 2, position: true } },
      { expected: 'no_stream', absent: { revision: 0, position: true }, existing: { conflict: { expected: 'no_stream', actual: 1 } } },
      { expected: 'stream_exists', absent: { conflict: { expected: 'stream_exists', actual: -1 } }, existing: { revision: 2, position: true } },
      { expected: -1, absent: { revision: 0, position: true }, existing: { conflict: { expected: -1, actual: 1 } } },
      { expected: 0, absent: { conflict: { expected: 0, actual: -1 } }, existing: { conflict: { expected: 0, actual: 1 } } },
      { expected: 1, absent: { conflict: { expected: 1, actual: -1 } }, existing: { revision: 2, position: true } },
      { expected: 2, absent: { conflict: { expected: 2, actual: -1 } }, existing: { conflict: { expected: 2, actual: 1 } } },
      { expected: 1.5, absent: { conflict: { expected: 1.5, actual: -1 } }, existing: { conflict: { expected: 1.5, actual: 1 } } },
      { expected: -2, absent: { conflict: { expected: -2, actual: -1 } }, existing: { conflict: { expected: -2, actual: 1 } } },
    ]);
  });

  // One event goes through append_event, two through append_events: both functions refuse.
  it.each([
    ['one event', [event('x')]],
    ['two events', [event('x'), event('y')]],
  ])('refuses an append that is not the first write of its transaction (it could break position order): %s', async (_, events) => {
    const client = await db().pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_current_xact_id()');
      await expect(store.appendWithin(client, [{ stream: 'a', expected: 'any', events }])).rejects.toThrow(/first write/);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('8 writers for 2 s, some holding their transaction open after the insert, some rolling back: a reader catching up sees every committed event once, in position order', async () => {
    const deadline = Date.now() + 2_000;
    const committed: { readonly first: number; readonly last: number; readonly ids: readonly string[] }[] = [];
    let rolledBack = 0;
    let writing = true;
    let failed = false;

    const writer = async (w: number) => {
      const client = await db().pool.connect();
      try {
        for (let i = 0; Date.now() < deadline && !failed; i++) {
          const ids = [`w${w}-${i}-a`, `w${w}-${i}-b`];
          const own = `gapfree-${w}`;
          const kind = i % 8;
          if (kind === 3 || kind === 6) {
            // Positions taken now, commit later: writers behind it commit higher positions first.
            await client.query('BEGIN');
            const [result] = await store.appendWithin(client, [{ stream: own, expected: 'any', events: ids.map(event) }]);
            await client.query('SELECT pg_sleep($1)', [0.01 + ((w + i) % 4) * 0.01]);
            if (kind === 6 && w % 2 === 0) {
              await client.query('ROLLBACK');
              rolledBack++;
              continue;
            }
            await client.query('COMMIT');
            committed.push({ first: result!.position - 1, last: result!.position, ids });
          } else if (kind === 5) {
            const results = await store.appendWithin(client, [
              { stream: own, expected: 'any', events: [event(ids[0]!)] },
              { stream: 'gapfree-shared', expected: 'any', events: [event(ids[1]!)] },
            ]);
            committed.push({ first: results[0]!.position, last: results[1]!.position, ids });
          } else {
            const [result] = await store.appendWithin(client, [{ stream: own, expected: 'any', events: ids.map(event) }]);
            committed.push({ first: result!.position - 1, last: result!.position, ids });
          }
        }
      } catch (e) {
        failed = true;
        throw e;
      } finally {
        client.release();
      }
    };

    const seen: StoredEvent[] = [];
    let readsWhileWriting = 0;
    const reader = async () => {
      let checkpoint = 0;
      const giveUp = deadline + 5_000;
      for (let i = 0; ; i++) {
        const page = await store.readAll({ after: checkpoint, limit: 25 });
        for (const e of page) {
          expect(e.position).toBeGreaterThan(checkpoint);
          checkpoint = e.position;
          seen.push(e);
        }
        if (writing) readsWhileWriting++;
        if (i % 20 === 0) expect(await store.headPosition()).toBeGreaterThanOrEqual(checkpoint);
        const expected = committed.reduce((n, c) => n + c.ids.length, 0);
        if (!writing && seen.length >= expected) return;
        if (Date.now() > giveUp) return;
        if (page.length === 0) await sleep(1);
      }
    };

    const reading = reader();
    // Every writer ends before the test does, even when one fails (no writes into the next test's schema).
    const written = await Promise.allSettled(Array.from({ length: 8 }, (_, w) => writer(w)));
    writing = false;
    await reading;
    for (const outcome of written) if (outcome.status === 'rejected') throw outcome.reason;

    expect(await store.readAll({ after: seen.at(-1)?.position ?? 0, limit: 10 })).toEqual([]);
    const seenIds = seen.map(idOf);
    expect(new Set(seenIds).size).toBe(seenIds.length);
    expect([...seenIds].sort()).toEqual(committed.flatMap((c) => c.ids).sort());
    const positions = seen.map((e) => e.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    // The situation the test is about did happen: commits out of position order, and holes from rollbacks.
    let highest = 0;
    let overtaken = 0;
    for (const c of committed) {
      if (c.first < highest) overtaken++;
      highest = Math.max(highest, c.last);
    }
    expect(overtaken).toBeGreaterThan(0);
    // The invariant behind it: in transaction-id order, positions only grow.
    const { rows } = await db().pool.query<{ inversions: string }>(
      `SELECT count(*) AS inversions FROM (SELECT position, lag(position) OVER (ORDER BY transaction_id, position) AS previous
       FROM ${db().schema}.events) AS e WHERE previous > position`,
    );
    expect(Number(rows[0]?.inversions)).toBe(0);
    expect(rolledBack).toBeGreaterThan(0);
    expect(readsWhileWriting).toBeGreaterThan(10);
  }, 30_000);

  it('two appendMany racing for one stream revision: one commits all its streams, the other none, and no position is lost', async () => {
    const contested = 'race-contested';
    await store.append({ stream: contested, expected: 'no_stream', events: [event('c0')] });
    const rounds = 20;
    for (let round = 0; round < rounds; round++) {
      const attempt = (side: string) =>
        store.appendMany([
          { stream: `race-${side}-${round}`, expected: 'no_stream', events: [event(`${side}-${round}`)] },
          { stream: contested, expected: round, events: [event(`contested-${side}-${round}`)] },
        ]);
      const outcomes = await Promise.allSettled([attempt('a'), attempt('b')]);
      const lost = outcomes.findIndex((o) => o.status === 'rejected');
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const reason = (outcomes[lost] as PromiseRejectedResult).reason as unknown;
      expect(isWrongExpectedRevision(reason)).toBe(true);
      expect(reason).toMatchObject({ stream: contested, expected: round, actual: round + 1 });
      expect(await store.readStream(`race-${lost === 0 ? 'a' : 'b'}-${round}`)).toEqual([]);
    }
    const all = await store.readAll({ limit: 1_000 });
    expect(all.map((e) => e.position)).toEqual(Array.from({ length: 1 + 2 * rounds }, (_, i) => i + 1));
    expect((await store.readStream(contested)).map((e) => e.revision)).toEqual(Array.from({ length: rounds + 1 }, (_, i) => i));
  });

  it('calls sent together in one statement still fail one at a time: a conflict or data that does not encode refuses only its own call', async () => {
    await store.append({ stream: 'existing', expected: 'no_stream', events: [event('e0')] });
    // Every append statement the grouping store sends (append_events, or append_event for a lone call of one
    // event), counted on the way to the pool.
    let statements = 0;
    const pool = new Proxy(db().pool, {
      get(target, key) {
        const value: unknown = Reflect.get(target, key);
        if (key !== 'query' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
        return (query: string | { text: string }, values?: unknown[]) => {
          if (/\.append_events?\(/.test(typeof query === 'string' ? query : query.text)) statements++;
          return Reflect.apply(value, target, [query, values]);
        };
      },
    });
    // One statement in flight: the calls made while the first one runs wait, then go together in the next.
    const grouping = new PostgresEventStore({ pool, schema: db().schema, appendsInFlight: 1 });
    const fresh = (i: number) => grouping.append({ stream: `group-${i}`, expected: 'no_stream', events: [event(`g${i}`)] });

    const conflictRound = await Promise.allSettled([fresh(0), fresh(1), grouping.append({ stream: 'existing', expected: 'no_stream', events: [event('conflict')] }), fresh(2), fresh(3)]);
    // The first alone; the other four in one statement, refused by the conflict; then each of the four alone.
    expect(statements).toBe(1 + 1 + 4);
    expect(conflictRound.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    const conflict = (conflictRound[2] as PromiseRejectedResult).reason as unknown;
    expect(isWrongExpectedRevision(conflict)).toBe(true);
    expect(conflict).toMatchObject({ stream: 'existing', expected: 'no_stream', actual: 0 });

    statements = 0;
    const bad: EventToAppend = { ...event('bad'), data: { id: 'bad', amount: 10n } };
    const badDataRound = await Promise.allSettled([fresh(4), fresh(5), grouping.append({ stream: 'group-bad', expected: 'no_stream', events: [bad] }), fresh(6)]);
    // The first alone; the other three do not encode together, so each goes alone and the bad one is never sent.
    expect(statements).toBe(1 + 2);
    expect(badDataRound.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((badDataRound[2] as PromiseRejectedResult).reason).toBeInstanceOf(TypeError);

    const all = await store.readAll({ limit: 100 });
    expect(all.map(idOf)).toEqual(['e0', 'g0', 'g1', 'g2', 'g3', 'g4', 'g5', 'g6']);
    expect(all.map((e) => e.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await store.readStream('group-bad')).toEqual([]);
  });

  describe('importEvents', () => {
    const recorded = (position: number, stream: string, revision: number): StoredEvent => ({
      ...event(`${stream}-${revision}`),
      stream,
      revision,
      position,
      recordedAt: 1_496_800_000_123 + position,
    });

    it('keeps positions, revisions and recorded times, and appends continue after them', async () => {
      const events = [recorded(1, 'a', 0), recorded(2, 'b', 0), recorded(3, 'a', 1)];
      expect(await store.importEvents(events, { chunkSize: 2 })).toBe(3);
      expect(await store.readAll({ limit: 10 })).toEqual(events);
      expect(await store.append({ stream: 'a', expected: 1, events: [event('next')] })).toEqual({ stream: 'a', revision: 2, position: 4 });
    });

    it('refuses a history that does not continue the store, and loads none of it', async () => {
      await store.importEvents([recorded(1, 'a', 0)]);
      await expect(store.importEvents([recorded(1, 'b', 0)])).rejects.toBeInstanceOf(InvalidHistoryError);
      await expect(store.importEvents([recorded(2, 'b', 0), recorded(3, 'a', 0)], { chunkSize: 1 })).rejects.toBeInstanceOf(InvalidHistoryError);
      await expect(store.importEvents([recorded(2, 'b', 0), recorded(2, 'b', 1)])).rejects.toBeInstanceOf(InvalidHistoryError);
      await expect(store.importEvents([recorded(2, 'b', 0), recorded(3, 'b', 2)])).rejects.toBeInstanceOf(InvalidHistoryError);
      expect((await store.readAll({ limit: 10 })).map((e) => e.position)).toEqual([1]);
      // A stream read as it comes fails after its first chunk went in: nothing of it stays, not even in the position
      // counter (setval is not undone by a rollback), so the next import and append continue at position 2.
      async function* failing() {
        yield recorded(2, 'b', 0);
        yield recorded(3, 'b', 1);
        throw new Error('the file could not be read further');
      }
      await expect(store.importEvents(failing(), { chunkSize: 1 })).rejects.toThrow('could not be read further');
      expect(await store.importEvents([recorded(2, 'b', 0)])).toBe(1);
      expect(await store.append({ stream: 'c', expected: 'no_stream', events: [event('next')] })).toEqual({ stream: 'c', revision: 0, position: 3 });
    });

    it('takes the positions another store left unused, as an export of this one has them', async () => {
      // An append whose transaction rolls back (the card vault's write failed) leaves its position unused.
      const source = new PostgresEventStore({ pool: db().pool, schema: db().schema });
      await source.append({ stream: 's-1', expected: 'no_stream', events: [event('a')] });
      await expect(source.appendWith([{ stream: 's-2', expected: 'no_stream', events: [event('b')] }], () => Promise.reject(new Error('vault write failed')))).rejects.toThrow(
        'vault write failed',
      );
      await source.append({ stream: 's-3', expected: 'no_stream', events: [event('c')] });
      const history = await source.readAll({ limit: 10 });
      expect(history.map((e) => e.position)).toEqual([1, 3]);
      // Into another schema, and into memory: the same positions, and appends go on after the last.
      const other = `${db().schema}_copy`;
      await migrate(db().pool, { schema: other });
      try {
        const copy = new PostgresEventStore({ pool: db().pool, schema: other });
        expect(await copy.importEvents(history)).toBe(2);
        expect(await copy.readAll({ limit: 10 })).toEqual(history);
        expect(await copy.append({ stream: 's-4', expected: 'no_stream', events: [event('d')] })).toMatchObject({ position: 4 });
        const memory = new MemoryEventStore({ events: history });
        expect(await memory.readAll({ after: 1, limit: 10 })).toEqual(history.slice(1));
        expect(await memory.headPosition()).toBe(3);
      } finally {
        await db().pool.query(`DROP SCHEMA ${other} CASCADE`);
      }
    });
  });
};
