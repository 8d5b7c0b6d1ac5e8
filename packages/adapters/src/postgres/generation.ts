import { CheckpointMovedError, type Checkpoint, type DocumentWrite, type Generation, type ListPage, type ListQuery } from '@kessai/projections';
import type { Pool, PoolClient } from 'pg';
import { foldCheckpoints, foldWrites, type DocumentChange } from './document-writes.js';
import { documentsTable } from './read-model-schema.js';
import { ident, inTransaction, preparedName, sqlState, toSafeInteger } from './sql.js';

/** Documents per page of a scan: a large collection is read a page at a time, never whole. */
const SCAN_PAGE = 1_000;

/**
 * One generation: its documents in their own table (read-model-schema.ts), its checkpoints in `rm_checkpoints`.
 * A commit is, whatever its size, deletions, upserts that set the index columns, upserts that keep them
 * (`index: null` on an update), and the checkpoints: one statement for a runner's commit (one checked checkpoint,
 * see #commitOneStatement), else one transaction of at most four statements. Each part takes the whole batch as
 * a few JSON arrays, one per column, zipped by `ROWS FROM (json_array_elements...)`, so the cost per document is
 * the database's work on the row, not a round trip or a parse.
 */
export class PostgresGeneration implements Generation {
  readonly name: string;
  readonly #pool: Pool;
  readonly #id: number;
  readonly #sql: ReturnType<typeof statements>;
  readonly #synchronousCommit: boolean;

  /** `synchronousCommit`: see PostgresReadModelStoreOptions. */
  constructor(pool: Pool, schema: string, id: number, name: string, synchronousCommit = true) {
    this.#pool = pool;
    this.#id = id;
    this.name = name;
    this.#synchronousCommit = synchronousCommit;
    this.#sql = statements(schema, id, synchronousCommit);
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
    const only = positions.length === 1 ? positions[0]! : undefined;
    if (only?.from !== undefined) return this.#commitOneStatement(changes, only.projection, only.from, only.position);
    await inTransaction(this.#pool, async (client) => {
      if (!this.#synchronousCommit) await client.query(`SELECT ${ASYNCHRONOUS_COMMIT}`);
      // Checked checkpoints first: their row lock makes a second runner committing the same events wait here,
      // then find the checkpoint moved, before it writes any document.
      for (const { projection, position, from } of positions) if (from !== undefined) await this.#moveCheckpoint(client, projection, from, position);
      await this.#applyChanges(client, changes);
      const unchecked = positions.filter((c) => c.from === undefined);
      if (unchecked.length > 0)
        await this.#queryOn(client, this.#sql.checkpoints, [this.#id, unchecked.map((c) => c.projection), unchecked.map((c) => c.position)]);
    });
  }

  /**
   * A runner's commit (one checkpoint, checked) as one statement, so one round trip and no transaction block:
   * the checkpoint moves first (`moved`, or `first` for a projection's first commit), and each document write
   * applies only if it did. All the parts of one statement commit together or not at all, and a concurrent
   * committer of the same events waits on the checkpoint row, then finds it moved and writes nothing.
   */
  async #commitOneStatement(changes: readonly DocumentChange[], projection: string, from: number, position: number): Promise<void> {
    const { rows } = await this.#query<{ moved: boolean }>(this.#sql.commitOne, [this.#id, projection, from, position, ...changeValues(changes)]);
    if (rows[0]?.moved === true) return;
    const { rows: stored } = await this.#query<{ position: string }>(this.#sql.checkpoint, [this.#id, projection]);
    throw new CheckpointMovedError(projection, from, stored[0] === undefined ? 0 : toSafeInteger(stored[0].position, 'checkpoint'));
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
    // The generation's row, with the checkpoint if it has one: no row at all means it was dropped.
    const { rows } = await this.#query<{ position: string | null }>(this.#sql.generationCheckpoint, [this.#id, projection]);
    if (rows[0] === undefined) throw new Error(`Generation ${this.name} was dropped`);
    return rows[0].position === null ? 0 : toSafeInteger(rows[0].position, 'checkpoint');
  }

  async #applyChanges(client: PoolClient, changes: readonly DocumentChange[]): Promise<void> {
    const [deleteCollections, deleteIds, setCollections, setIds, setDocs, merchants, created, seqs, keys, keepCollections, keepIds, keepDocs] =
      changeValues(changes);
    if (deleteIds !== '[]') await this.#queryOn(client, this.#sql.delete, [deleteCollections, deleteIds]);
    if (setIds !== '[]') await this.#queryOn(client, this.#sql.upsertIndexed, [setCollections, setIds, setDocs, merchants, created, seqs, keys]);
    if (keepIds !== '[]') await this.#queryOn(client, this.#sql.upsertKeepingIndex, [keepCollections, keepIds, keepDocs]);
  }

  #query<Row extends object>(sql: Statement, values: unknown[]) {
    return this.#queryOn<Row>(this.#pool, sql, values);
  }

  /** A missing table or generation row means the generation was dropped while this handle was open. */
  async #queryOn<Row extends object>(db: Pick<Pool, 'query'>, sql: Statement, values: unknown[]) {
    try {
      return await (typeof sql === 'string' ? db.query<Row>(sql, values) : db.query<Row>({ ...sql, values }));
    } catch (e) {
      const state = sqlState(e);
      if (state === '42P01' || state === '23503') throw new Error(`Generation ${this.name} was dropped`, { cause: e });
      throw e;
    }
  }
}

const isCount = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;

/**
 * A commit's changes as twelve JSON arrays, one per column of each kind of write: deletions (collection, id),
 * upserts that set the index columns (collection, id, doc, merchant, created, seq, keys) and upserts that keep
 * them (collection, id, doc). JSON.stringify is native, where pg's text-array encoding escapes each element in
 * JavaScript.
 */
const changeValues = (changes: readonly DocumentChange[]): string[] => {
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
  return [
    json(deletes.collections),
    json(deletes.ids),
    json(sets.collections),
    json(sets.ids),
    json(sets.docs),
    json(sets.merchants),
    json(sets.created),
    json(sets.seqs),
    json(sets.keys),
    json(keeps.collections),
    json(keeps.ids),
    json(keeps.docs),
  ];
};

/**
 * A statement's text, or its text and a name for one prepared once per connection. Only statements on the small
 * bookkeeping tables are prepared. Those on a generation's documents are planned at each call: a prepared
 * statement's plan, once cached, is kept for the connection's life, and one cached while the table was still small
 * made `get` a scan of it, 15-42 ms a call a few thousand documents later (seen in the server's log under
 * `bench/http.ts --pg`).
 */
type Statement = string | { readonly name: string; readonly text: string };

/** For this transaction only: its commit returns before its WAL reaches the disk (see PostgresReadModelStoreOptions). */
const ASYNCHRONOUS_COMMIT = "set_config('synchronous_commit', 'off', true)";

const statements = (schema: string, id: number, synchronousCommit: boolean) => {
  const table = documentsTable(schema, id);
  const checkpoints = `${ident(schema)}.rm_checkpoints`;
  const prepared = (statement: string, text: string) => ({ name: preparedName(schema, `g${id}_${statement}`), text });
  return {
    // $1 generation, $2 projection, $3 from, $4 position, then the twelve arrays of changeValues ($5 .. $16).
    // Data-modifying WITH parts all run, on one snapshot, whether or not anything reads them; `ok` holds a row only
    // if the checkpoint moved, and every write is filtered on it.
    commitOne: `WITH moved AS (
        UPDATE ${checkpoints} SET position = $4 WHERE generation = $1 AND projection = $2 AND position = $3 RETURNING 1
      ), first AS (
        INSERT INTO ${checkpoints} (generation, projection, position) SELECT $1, $2, $4 WHERE $3 = 0 AND NOT EXISTS (SELECT 1 FROM moved)
        ON CONFLICT DO NOTHING RETURNING 1
      ), ok AS (
        SELECT 1 FROM moved UNION ALL SELECT 1 FROM first
      ), deleted AS (
        DELETE FROM ${table} AS t USING ROWS FROM (json_array_elements_text($5::json), json_array_elements_text($6::json)) AS w(collection, id)
        WHERE t.collection = w.collection AND t.id = w.id AND EXISTS (SELECT 1 FROM ok)
      ), indexed AS (
        INSERT INTO ${table} (collection, id, doc, merchant, created, seq, keys)
        SELECT w.collection, w.id, w.doc, w.merchant, w.created::bigint, w.seq::bigint, nullif(w.keys, 'null'::jsonb)
        FROM ROWS FROM (json_array_elements_text($7::json), json_array_elements_text($8::json), json_array_elements($9::json),
                        json_array_elements_text($10::json), json_array_elements_text($11::json), json_array_elements_text($12::json),
                        jsonb_array_elements($13::jsonb))
          AS w(collection, id, doc, merchant, created, seq, keys)
        WHERE EXISTS (SELECT 1 FROM ok)
        ON CONFLICT (collection, id) DO UPDATE SET doc = excluded.doc, merchant = excluded.merchant,
          created = excluded.created, seq = excluded.seq, keys = excluded.keys
      ), kept AS (
        INSERT INTO ${table} (collection, id, doc)
        SELECT w.collection, w.id, w.doc
        FROM ROWS FROM (json_array_elements_text($14::json), json_array_elements_text($15::json), json_array_elements($16::json)) AS w(collection, id, doc)
        WHERE EXISTS (SELECT 1 FROM ok)
        ON CONFLICT (collection, id) DO UPDATE SET doc = excluded.doc
      )
      SELECT EXISTS (SELECT 1 FROM ok) AS moved${synchronousCommit ? '' : `, ${ASYNCHRONOUS_COMMIT} AS asynchronous`}`,
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
    generationCheckpoint: prepared('checkpoint', `SELECT c.position FROM ${ident(schema)}.rm_generations AS g
      LEFT JOIN ${ident(schema)}.rm_checkpoints AS c ON c.generation = g.id AND c.projection = $2 WHERE g.id = $1`),
    moveCheckpoint: `UPDATE ${ident(schema)}.rm_checkpoints SET position = $4 WHERE generation = $1 AND projection = $2 AND position = $3`,
    firstCheckpoint: `INSERT INTO ${ident(schema)}.rm_checkpoints (generation, projection, position) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
  };
};
