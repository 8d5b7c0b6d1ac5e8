import type { Generation, ReadModelStore } from '@kessai/projections';
import type { Pool } from 'pg';
import { DEFAULT_GENERATION } from '../memory/read-model-store.js';
import { PostgresGeneration } from './generation.js';
import { documentsIndexesDdl, documentsTable, documentsTableDdl } from './read-model-schema.js';
import { checkSchemaName, DEFAULT_SCHEMA, ident, inTransaction, preparedName, toSafeInteger } from './sql.js';

export interface PostgresReadModelStoreOptions {
  readonly pool: Pool;
  /** Where `migrate` created the tables. Default `kessai`. */
  readonly schema?: string;
  /**
   * Whether a commit of documents waits for its WAL to reach the disk (default true). The projections' documents
   * and checkpoints are derived from the events: with `false`, a server crash can lose the last commits (at most
   * three times `wal_writer_delay`, 0.6 s by default), always whole, documents with their checkpoint, and the next
   * catch-up makes them again from the events, the same. Commands then wait for one flush (their events'), not two.
   * `connection.kessaiStores()` sets it for the read models. Keep it true for a store holding state that is not
   * derived from events, such as the webhook delivery state. Switching the live generation always waits.
   */
  readonly synchronousCommit?: boolean;
}

/**
 * Read models in PostgreSQL, by generation (blue/green): each generation is a row in `rm_generations` and a table
 * of documents; `rm_active` names the live one, and `activate` switches it with one statement. Every call asks
 * the database, so a switch made by another process is seen at the next `active()`.
 */
export class PostgresReadModelStore implements ReadModelStore {
  readonly schema: string;
  readonly #pool: Pool;
  readonly #sql: ReturnType<typeof statements>;
  readonly #synchronousCommit: boolean;

  constructor(options: PostgresReadModelStoreOptions) {
    this.#pool = options.pool;
    this.#synchronousCommit = options.synchronousCommit ?? true;
    this.schema = checkSchemaName(options.schema ?? DEFAULT_SCHEMA);
    this.#sql = statements(this.schema);
  }

  async active(): Promise<Generation> {
    const live = await this.#live();
    if (live !== undefined) return live;
    // First use: the default generation goes live, unless another process made one live meanwhile.
    await this.#open(DEFAULT_GENERATION);
    await this.#switchTo(DEFAULT_GENERATION, false);
    const now = await this.#live();
    if (now === undefined) throw new Error('No live generation after making one live');
    return now;
  }

  async activeWithCheckpoint(projection: string): Promise<{ readonly generation: Generation; readonly checkpoint: number }> {
    const { rows } = await this.#pool.query<{ id: string; name: string; position: string | null }>({ ...this.#sql.liveWithCheckpoint, values: [projection] });
    const row = rows[0];
    if (row === undefined) {
      // Nothing live yet: the first use makes a generation live (this process's default, or another's made meanwhile).
      const generation = await this.active();
      return { generation, checkpoint: await generation.checkpoint(projection) };
    }
    const generation = this.#handle({ id: toSafeInteger(row.id, 'generation id'), name: row.name });
    return { generation, checkpoint: row.position === null ? 0 : toSafeInteger(row.position, 'checkpoint') };
  }

  async generation(name: string): Promise<Generation> {
    if (typeof name !== 'string' || name === '') throw new TypeError('A generation needs a name');
    return this.#handle(await this.#open(name));
  }

  /**
   * Makes `name` live: builds its list indexes if it has none yet, then switches the pointer, in one transaction.
   * Refuses a name that was never opened: switching readers to an empty set of documents is never what was meant.
   */
  async activate(name: string): Promise<void> {
    if (!(await this.#switchTo(name, true))) throw new Error(`No generation named ${name} to activate`);
  }

  /** Removes a generation that is not live, with its documents and checkpoints; an unknown name does nothing. */
  async drop(name: string): Promise<void> {
    await inTransaction(this.#pool, async (client) => {
      // Locking the pointer row orders this against a concurrent activate.
      const { rows } = await client.query<{ name: string }>(this.#sql.liveNameForUpdate);
      if ((rows[0]?.name ?? DEFAULT_GENERATION) === name)
        throw new Error(`Generation ${name} is live; activate another before dropping it`);
      const dropped = await client.query<{ id: string }>(this.#sql.deleteGeneration, [name]);
      const id = dropped.rows[0]?.id;
      if (id !== undefined) await client.query(`DROP TABLE IF EXISTS ${documentsTable(this.schema, toSafeInteger(id, 'generation id'))}`);
    });
  }

  async generations(): Promise<readonly string[]> {
    const { rows } = await this.#pool.query<{ name: string }>(this.#sql.names);
    return rows.map((r) => r.name);
  }

  async #live(): Promise<Generation | undefined> {
    const { rows } = await this.#pool.query<{ id: string; name: string }>(this.#sql.live);
    const row = rows[0];
    return row === undefined ? undefined : this.#handle({ id: toSafeInteger(row.id, 'generation id'), name: row.name });
  }

  /** Points `rm_active` at the generation (or only if nothing is live yet), its indexes built first. */
  async #switchTo(name: string, replace: boolean): Promise<boolean> {
    return inTransaction(this.#pool, async (client) => {
      // Pointer first, then the generation's row (as drop does: no lock-order deadlock). The generation's row lock
      // keeps a concurrent drop out until the switch commits, and makes two processes switching to it at once (two
      // servers starting on an empty schema, when no pointer row exists yet to lock) build its indexes one after
      // the other: the second waits, then finds them built.
      await client.query(this.#sql.lockPointer);
      const { rows } = await client.query<{ id: string }>(this.#sql.idByNameForUpdate, [name]);
      // No such generation: nothing was changed, the transaction only held locks.
      if (rows[0] === undefined) return false;
      const id = toSafeInteger(rows[0].id, 'generation id');
      await client.query(documentsIndexesDdl(this.schema, id));
      await client.query(replace ? this.#sql.activate : this.#sql.activateIfNone, [id]);
      return true;
    });
  }

  /** The generation's row and table, created together in one transaction when the name is new. */
  async #open(name: string): Promise<{ readonly id: number; readonly name: string }> {
    const found = await this.#pool.query<{ id: string }>(this.#sql.idByName, [name]);
    if (found.rows[0] !== undefined) return { id: toSafeInteger(found.rows[0].id, 'generation id'), name };
    const created = await inTransaction(this.#pool, async (client) => {
      // A concurrent creator of the same name makes this wait, then insert nothing; its table exists by then.
      const inserted = await client.query<{ id: string }>(this.#sql.insertGeneration, [name]);
      const id = inserted.rows[0]?.id;
      if (id !== undefined) await client.query(documentsTableDdl(this.schema, toSafeInteger(id, 'generation id')));
      return id;
    });
    return created === undefined ? this.#open(name) : { id: toSafeInteger(created, 'generation id'), name };
  }

  #handle({ id, name }: { readonly id: number; readonly name: string }): Generation {
    return new PostgresGeneration(this.#pool, this.schema, id, name, this.#synchronousCommit);
  }
}

const statements = (schema: string) => {
  const s = ident(schema);
  return {
    // Asked before every catch-up: prepared once per connection.
    live: { name: preparedName(schema, 'rm_live'), text: `SELECT g.id, g.name FROM ${s}.rm_active AS a JOIN ${s}.rm_generations AS g ON g.id = a.generation` },
    liveWithCheckpoint: {
      name: preparedName(schema, 'rm_live_checkpoint'),
      text: `SELECT g.id, g.name, c.position FROM ${s}.rm_active AS a JOIN ${s}.rm_generations AS g ON g.id = a.generation
        LEFT JOIN ${s}.rm_checkpoints AS c ON c.generation = g.id AND c.projection = $1`,
    },
    liveNameForUpdate: `SELECT g.name FROM ${s}.rm_active AS a JOIN ${s}.rm_generations AS g ON g.id = a.generation FOR UPDATE OF a`,
    activateIfNone: `INSERT INTO ${s}.rm_active (singleton, generation) VALUES (true, $1) ON CONFLICT (singleton) DO NOTHING`,
    activate: `INSERT INTO ${s}.rm_active (singleton, generation) VALUES (true, $1)
      ON CONFLICT (singleton) DO UPDATE SET generation = excluded.generation`,
    lockPointer: `SELECT generation FROM ${s}.rm_active FOR UPDATE`,
    idByNameForUpdate: `SELECT id FROM ${s}.rm_generations WHERE name = $1 FOR UPDATE`,
    idByName: `SELECT id FROM ${s}.rm_generations WHERE name = $1`,
    insertGeneration: `INSERT INTO ${s}.rm_generations (name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING id`,
    deleteGeneration: `DELETE FROM ${s}.rm_generations WHERE name = $1 RETURNING id`,
    names: `SELECT name FROM ${s}.rm_generations ORDER BY name`,
  };
};
