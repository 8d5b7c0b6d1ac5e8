import type { StoredEvent } from '@kessai/domain';
import type { Pool } from 'pg';
import { InvalidHistoryError } from '../memory/event-store.js';
import { checkEvent } from './event-rows.js';
import { sectionLockSql } from './event-store-schema.js';
import { ident, sqlState } from './sql.js';

export interface ImportOptions {
  /** Events per statement (default 5,000); the whole import is still one transaction. */
  readonly chunkSize?: number;
  /** Called after each statement with how many events are loaded so far (not yet committed). */
  readonly onProgress?: (imported: number) => void;
}

/**
 * Loads recorded events into a PostgreSQL store, keeping positions, revisions and recorded times (see
 * `PostgresEventStore.importEvents`). The transaction takes the positions section for its whole life, so appends
 * wait until the import commits, and transaction-id order stays position order (event-store-schema.ts).
 * The events may come as they are read (an async iterable): they are sent a chunk at a time.
 * Within the input, positions must rise (a store may have left some unused) and each stream's revisions follow one
 * another; where the input starts is checked against the store by the database. Any mismatch throws an
 * InvalidHistoryError and loads nothing.
 */
export const importEvents = async (
  pool: Pool,
  schema: string,
  events: Iterable<StoredEvent> | AsyncIterable<StoredEvent>,
  options: ImportOptions = {},
): Promise<{ readonly imported: number; readonly last: number }> => {
  const chunkSize = options.chunkSize ?? 5_000;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new RangeError(`chunkSize must be an integer >= 1, got ${chunkSize}`);
  const client = await pool.connect();
  let imported = 0;
  // The positions section is also held at session level, past the transaction: `import_events` moves the position
  // counter with setval, which a rollback does not undo, so a failed import puts the counter back before any append
  // can take a position from it (appends wait on the section).
  let locked = false;
  let counter: { readonly last_value: string; readonly is_called: boolean } | undefined;
  try {
    await client.query(`SELECT pg_advisory_lock(${sectionLockSql(schema)})`);
    locked = true;
    counter = (await client.query<{ last_value: string; is_called: boolean }>(`SELECT last_value, is_called FROM ${ident(schema)}.event_positions`)).rows[0];
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(${sectionLockSql(schema)})`);
    const sql = `SELECT ${ident(schema)}.import_events($1::jsonb)`;
    const revisions = new Map<string, number>();
    let previous: number | undefined;
    let chunk: unknown[] = [];
    let chunkStart: StoredEvent | undefined;
    const flush = async () => {
      if (chunk.length === 0) return;
      try {
        await client.query(sql, [JSON.stringify(chunk)]);
      } catch (e) {
        if (sqlState(e) === '22023' && chunkStart !== undefined) throw new InvalidHistoryError((e as Error).message, chunkStart);
        throw e;
      }
      imported += chunk.length;
      chunk = [];
      chunkStart = undefined;
      options.onProgress?.(imported);
    };
    // A file streams in (for await), so a million events are never held at once; the transaction holds them.
    for await (const event of events) {
      checkImported(event, previous, revisions.get(event.stream));
      previous = event.position;
      revisions.set(event.stream, event.revision);
      chunkStart ??= event;
      chunk.push([event.position, event.stream, event.revision, event.type, event.version, event.data ?? null, event.metadata, event.recordedAt]);
      if (chunk.length >= chunkSize) await flush();
    }
    await flush();
    await client.query('COMMIT');
    return { imported, last: previous ?? 0 };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (counter !== undefined)
      await client.query(`SELECT setval('${ident(schema)}.event_positions', $1::bigint, $2)`, [counter.last_value, counter.is_called]).catch(() => undefined);
    throw e;
  } finally {
    if (locked) await client.query(`SELECT pg_advisory_unlock(${sectionLockSql(schema)})`).catch(() => undefined);
    client.release();
  }
};

const checkImported = (event: StoredEvent, previousPosition: number | undefined, previousRevision: number | undefined): void => {
  if (!Number.isSafeInteger(event.position) || event.position < 1) throw new InvalidHistoryError('Position must be an integer >= 1', event);
  // Positions rise; a store may have left some unused (import-function.ts), so they need not follow one another.
  if (previousPosition !== undefined && event.position <= previousPosition) throw new InvalidHistoryError(`Expected a position above ${previousPosition}`, event);
  if (typeof event.stream !== 'string' || event.stream === '') throw new InvalidHistoryError('Missing stream name', event);
  if (!Number.isSafeInteger(event.revision) || event.revision < 0) throw new InvalidHistoryError('Revision must be an integer >= 0', event);
  if (previousRevision !== undefined && event.revision !== previousRevision + 1)
    throw new InvalidHistoryError(`Expected revision ${previousRevision + 1}`, event);
  if (!Number.isFinite(event.recordedAt)) throw new InvalidHistoryError('Missing recordedAt', event);
  try {
    checkEvent(event);
  } catch (e) {
    throw new InvalidHistoryError(e instanceof Error ? e.message : String(e), event);
  }
};
