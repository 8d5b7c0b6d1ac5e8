import { CheckpointMovedError, type Checkpoint, type DocumentWrite, type Generation, type ListPage, type ListQuery } from '@kessai/projections';
import type { Pool, PoolClient } from 'pg';
import { foldCheckpoints, foldWrites, type DocumentChange } from './document-writes.js';
import { documentsTable } from './read-model-schema.js';
import { ident, inTransaction, sqlState, toSafeInteger } from './sql.js';

/** Documents per page of a scan: a large collection is read a page at a time, never whole. */
const SCAN_PAGE = 1_000;

/**
 * One generation: its documents in their own table (read-model-schema.ts), its checkpoints in `rm_checkpoints`.
 * A commit is one transaction of at most four statements whatever its size: deletions, upserts that set the
 * index columns, upserts that keep them (`index: null` on an update), and the checkpoints. Each statement takes
 * the whole batch as a few JSON arrays, one per column, zipped by `ROWS FROM (json_array_elements...)`, so the
 * cost per document is the database's work on the row, not a round trip or a parse.
 */
export class PostgresGeneration implements Generation {
  readonly name: string;
  readonly #pool: Pool;
  readonly #id: number;
  readonly #sql: ReturnType<typeof statements>;

  constructor(pool: Pool, schema: string, id: number, name: string) {
    this.#pool = pool;
    this.#id = id;
    this.name = name;
    this.#sql = statements(schema, id);
  }

  async get(collection: string, id: string): Promise<unknown | null> {
    const { rows } = await this.#query<{ doc: unknown }>(this.#sql.get, [collection, id]);
    return rows[0]?.doc ?? null;
  }

  async getMany(collection: string, ids: readonly string[]): Promise<ReadonlyMap<string, unknown>> {
    if (ids.length === 0) return new Map();
    const { rows } = await this.#query<{ id: string; doc: unknown }>(this.#sql.getMany, [collection, ids]);
    return new Map(rows.map((r) => [r.id, r.doc]));
  }

  async list(query: ListQuery): Promise<ListPage> {
    const { offset, limit } = query;
    if (!isCount(offset) || !isCount(limit)) throw new RangeError(`list: offset and limit must be integers >= 0, got ${offset} and ${limit}`);
    const values: unknown[] = [query.collection, query.merchant];
    const where = ['collection = $1', 'merchant = $2'];
    const param = (value: unknown) => `$${values.push(value)}`;
    if (query.since !== undefined) where.push(`created >= ${param(query.since)}`);
    if (query.until !== undefined) where.push(`created <= ${param(query.until)}`);
    if (query.where !== undefined && Object.keys(query.where).length > 0) where.push(`keys @> ${param(JSON.stringify(query.where))}::jsonb`);
    // One row more than asked says whether more follow.
    const sql = `SELECT doc FROM ${this.#sql.table} WHERE ${where.join(' AND ')}
      ORDER BY created DESC, seq DESC, id DESC OFFSET ${param(offset)} LIMIT ${param(limit + 1)}`;
    const { rows } = await this.#query<{ doc: unknown }>(sql, values);
    return { data: rows.slice(0, limit).map((r) => r.doc), hasMore: rows.length > limit };
  }

  /**
   * Pages through the collection by id (keyset paging, byte order = JavaScript order for kessai's ASCII ids) inside
   * one read-only repeatable-read transaction, so the whole scan sees one snapshot, as the memory store's does.
   * The transaction holds a pooled connection until the iteration ends or is abandoned.
   */
  async *scan(collection: string): AsyncIterable<readonly [id: string, doc: unknown]> {
    const client = await this.#pool.connect();
    let open = false;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      open = true;
      for (let after = ''; ; ) {
        const { rows } = await this.#queryOn<{ id: string; doc: unknown }>(client, this.#sql.scan, [collection, after, SCAN_PAGE]);
        for (const row of rows) yield [row.id, row.doc] as const;
        const last = rows[rows.length - 1];
        if (last === undefined || rows.length < SCAN_PAGE) break;
        after = last.id;
      }
    } finally {
      // Also when the caller stops iterating early: end the read-only transaction, give the connection back.
      if (open) await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
  }

  async commit(writes: readonly DocumentWrite[], checkpoints: readonly Checkpoint[]): Promise<void> {
    const changes = foldWrites(writes);
    const positions = foldCheckpoints(checkpoints);
    await inTransaction(this.#pool, async (client) => {
      // Checked checkpoints first: their row lock makes a second runner committing the same events wait here,
      // then find the checkpoint moved, before it writes any document.
      for (const { projection, position, from } of positions) if (from !== undefined) await this.#moveCheckpoint(client, projection, from, position);
      await this.#applyChanges(client, changes);
      const unchecked = positions.filter((c) => c.from === undefined);
      if (unchecked.length > 0)
        await this.#queryOn(client, this.#sql.checkpoints, [this.#id, unchecked.map((c) => c.projection), unchecked.map((c) => c.position)]);
    });
  }

  /** Moves a checkpoint from `from` to `position`, or throws CheckpointMovedError if it is no longer at `from`. */
  async #moveCheckpoint(client: PoolClient, projection: string, from: number, position: number): Promise<void> {
    const moved = await this.#queryOn(client, this.#sql.moveCheckpoint, [this.#id, projection, from, position]);
    if (moved.rowCount === 1) return;
    // No row yet counts as 0; of two first commits, the second waits on the first's row, then inserts nothing.
    if (from === 0 && (await this.#queryOn(client, this.#sql.firstCheckpoint, [this.#id, projection, position])).rowCount === 1) return;
    const { rows } = await this.#queryOn<{ position: string }>(client, this.#sql.checkpoint, [this.#id, projection]);
    throw new CheckpointMovedError(projection, from, rows[0] === undefined ? 0 : toSafeInteger(rows[0].position, 'checkpoint'));
  }

  async checkpoint(projection: string): Promise<number> {
    const { rows } = await this.#query<{ position: string }>(this.#sql.checkpoint, [this.#id, projection]);
    return rows[0] === undefined ? 0 : toSafeInteger(rows[0].position, 'checkpoint');
  }

  async #applyChanges(client: PoolClient, changes: readonly DocumentChange[]): Promise<void> {
    // Every column goes as one JSON array: JSON.stringify is native, where pg's text-array encoding escapes each
    // element in JavaScript.
    const deletes = { collections: [] as string[], ids: [] as string[] };
    const sets = { collections: [] as string[], ids: [] as string[], docs: [] as unknown[], merchants: [] as (string | null)[], created: [] as (number | null)[], seqs: [] as (number | null)[], keys: [] as unknown[] };
    const keeps = { collections: [] as string[], ids: [] as string[], docs: [] as unknown[] };
    for (const change of changes) {
      if (change.kind === 'delete') {
        deletes.collections.push(change.collection);
        deletes.ids.push(change.id);
      } else if (change.kind === 'set') {
        const { index } = change;
        sets.collections.push(change.collection);
        sets.ids.push(change.id);
        sets.docs.push(change.doc);
        sets.merchants.push(index?.merchant ?? null);
        sets.created.push(index?.created ?? null);
        sets.seqs.push(index?.seq ?? null);
        sets.keys.push(index?.keys ?? null);
      } else {
        keeps.collections.push(change.collection);
        keeps.ids.push(change.id);
        keeps.docs.push(change.doc);
      }
    }
    const json = JSON.stringify;
    if (deletes.ids.length > 0) await this.#queryOn(client, this.#sql.delete, [json(deletes.collections), json(deletes.ids)]);
    if (sets.ids.length > 0)
      await this.#queryOn(client, this.#sql.upsertIndexed, [
        json(sets.collections),
        json(sets.ids),
        json(sets.docs),
        json(sets.merchants),
        json(sets.created),
        json(sets.seqs),
        json(sets.keys),
      ]);
    if (keeps.ids.length > 0) await this.#queryOn(client, this.#sql.upsertKeepingIndex, [json(keeps.collections), json(keeps.ids), json(keeps.docs)]);
  }

  #query<Row extends object>(sql: string, values: unknown[]) {
    return this.#queryOn<Row>(this.#pool, sql, values);
  }

  /** A missing table or generation row means the generation was dropped while this handle was open. */
  async #queryOn<Row extends object>(db: Pick<Pool, 'query'>, sql: string, values: unknown[]) {
    try {
      return await db.query<Row>(sql, values);
    } catch (e) {
      const state = sqlState(e);
      if (state === '42P01' || state === '23503') throw new Error(`Generation ${this.name} was dropped`, { cause: e });
      throw e;
    }
  }
}

const isCount = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;

const statements = (schema: string, id: number) => {
  const table = documentsTable(schema, id);
  return {
    table,
    get: `SELECT doc FROM ${table} WHERE collection = $1 AND id = $2`,
    // A join on the ids, not `id = ANY (...)`: a generation being rebuilt has no statistics yet, and the planner
    // then reads the whole collection through a bitmap scan and filters it, instead of looking up each id.
    getMany: `SELECT t.id, t.doc FROM unnest($2::text[]) AS k(id) JOIN ${table} AS t ON t.collection = $1 AND t.id = k.id`,
    scan: `SELECT id, doc FROM ${table} WHERE collection = $1 AND id > $2 ORDER BY id LIMIT $3`,
    delete: `DELETE FROM ${table} AS t USING ROWS FROM (json_array_elements_text($1::json), json_array_elements_text($2::json)) AS w(collection, id)
      WHERE t.collection = w.collection AND t.id = w.id`,
    upsertIndexed: `INSERT INTO ${table} (collection, id, doc, merchant, created, seq, keys)
      SELECT w.collection, w.id, w.doc, w.merchant, w.created::bigint, w.seq::bigint, nullif(w.keys, 'null'::jsonb)
      FROM ROWS FROM (json_array_elements_text($1::json), json_array_elements_text($2::json), json_array_elements($3::json),
                      json_array_elements_text($4::json), json_array_elements_text($5::json), json_array_elements_text($6::json),
                      jsonb_array_elements($7::jsonb))
        AS w(collection, id, doc, merchant, created, seq, keys)
      ON CONFLICT (collection, id) DO UPDATE SET doc = excluded.doc, merchant = excluded.merchant,
        created = excluded.created, seq = excluded.seq, keys = excluded.keys`,
    upsertKeepingIndex: `INSERT INTO ${table} (collection, id, doc)
      SELECT w.collection, w.id, w.doc
      FROM ROWS FROM (json_array_elements_text($1::json), json_array_elements_text($2::json), json_array_elements($3::json)) AS w(collection, id, doc)
      ON CONFLICT (collection, id) DO UPDATE SET doc = excluded.doc`,
    checkpoints: `INSERT INTO ${ident(schema)}.rm_checkpoints (generation, projection, position)
      SELECT $1, c.projection, c.position FROM unnest($2::text[], $3::bigint[]) AS c(projection, position)
      ON CONFLICT (generation, projection) DO UPDATE SET position = excluded.position`,
    checkpoint: `SELECT position FROM ${ident(schema)}.rm_checkpoints WHERE generation = $1 AND projection = $2`,
    moveCheckpoint: `UPDATE ${ident(schema)}.rm_checkpoints SET position = $4 WHERE generation = $1 AND projection = $2 AND position = $3`,
    firstCheckpoint: `INSERT INTO ${ident(schema)}.rm_checkpoints (generation, projection, position) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
  };
};
