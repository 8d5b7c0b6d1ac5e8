/**
 * The read model store port: PAY.JP-shaped documents by collection and id, list queries, and per-projection
 * checkpoints written atomically with the documents they cover. Documents live in generations: a rebuild writes a
 * new generation beside the live one, then `activate` switches readers to it in one step (blue/green).
 * One contract suite (test/read-model-store-contract) runs against every implementation.
 */
import type { DocumentAccess } from './view.js';

/** What list queries filter and sort on; kept beside the document so no store has to look inside it. */
export interface DocumentIndex {
  readonly merchant: string;
  /** Unix seconds, as PAY.JP's `created`. */
  readonly created: number;
  /** Tie-breaker among documents created in the same second: the global position of the creating event. */
  readonly seq: number;
  /** Equality filters a list may use (`customer`, `type`, `object`, `resource_id`, ...). */
  readonly keys: Readonly<Record<string, string>>;
}

export interface DocumentWrite {
  readonly collection: string;
  readonly id: string;
  /** null deletes the document. */
  readonly doc: unknown;
  /**
   * The list index. null on a write keeps the index the document already has (an update that does not change
   * what lists sort and filter on), or gives none (internal collections that are only read by id).
   */
  readonly index: DocumentIndex | null;
}

export interface ListQuery {
  readonly collection: string;
  readonly merchant: string;
  /** Every key must equal the document's index key. */
  readonly where?: Readonly<Record<string, string>>;
  /** Inclusive bounds on `created` (Unix seconds). */
  readonly since?: number;
  readonly until?: number;
  readonly offset: number;
  readonly limit: number;
}

export interface ListPage {
  /** Newest first: `created` descending, then `seq` descending, then id descending (so offset paging is stable). */
  readonly data: readonly unknown[];
  readonly hasMore: boolean;
}

export interface Checkpoint {
  readonly projection: string;
  readonly position: number;
  /**
   * Where the batch started. When given, the commit applies only if the stored checkpoint is still there (0 when
   * there is none) and otherwise fails with CheckpointMovedError, writing nothing: two runners (two processes)
   * catching up one generation never apply the same events twice, since the slower one's commit fails and it starts
   * again from where the other got to. When absent, the checkpoint is set whatever it was.
   */
  readonly from?: number;
}

/** A commit's checkpoint had moved since its batch started: another runner committed those events first. */
export class CheckpointMovedError extends Error {
  readonly _tag = 'CheckpointMoved';
  readonly projection: string;
  readonly expected: number;
  readonly actual: number;
  constructor(projection: string, expected: number, actual: number) {
    super(`Checkpoint ${projection} is at ${actual}, not ${expected}: another runner committed these events first`);
    this.name = 'CheckpointMovedError';
    this.projection = projection;
    this.expected = expected;
    this.actual = actual;
  }
}

/**
 * Synchronous access to a generation that lives in the runner's own process (the memory store). A runner applies
 * the views straight to it, one batch at a time without yielding, then moves the checkpoint: no document cache, no
 * list of writes to commit, each write lands once. Readers run between batches only, so they never see half of one.
 */
export interface DirectDocuments extends DocumentAccess {
  checkpoint(projection: string): number;
  setCheckpoint(projection: string, position: number): void;
  /**
   * Marks the generation unusable after a batch failed half-way (a view threw): its documents no longer match any
   * checkpoint, so every later read, write or resume fails with `cause` instead of serving or extending them.
   */
  fail(cause: unknown): void;
}

/** A named set of documents and checkpoints: the live one, or one being rebuilt beside it. */
export interface Generation {
  readonly name: string;
  /** Present on generations in the runner's own memory (see DirectDocuments). */
  readonly direct?: () => DirectDocuments;
  get(collection: string, id: string): Promise<unknown | null>;
  /** Many at once, for projection batches; missing ids are absent from the map. */
  getMany(collection: string, ids: readonly string[]): Promise<ReadonlyMap<string, unknown>>;
  list(query: ListQuery): Promise<ListPage>;
  /** Every document of a collection, ordered by id (used by diff reports and time-travel comparisons). */
  scan(collection: string): AsyncIterable<readonly [id: string, doc: unknown]>;
  /** The documents and the checkpoints commit together or not at all. */
  commit(writes: readonly DocumentWrite[], checkpoints: readonly Checkpoint[]): Promise<void>;
  checkpoint(projection: string): Promise<number>;
}

export interface ReadModelStore {
  /** The generation readers use now (created empty on first use). */
  active(): Promise<Generation>;
  /**
   * `active()` and that generation's checkpoint for `projection`, in one step where the store can (one round trip
   * on PostgreSQL instead of two; a live catch-up asks for both after every command). Optional: without it the
   * runner asks for them one after the other, which answers the same.
   */
  activeWithCheckpoint?(projection: string): Promise<{ readonly generation: Generation; readonly checkpoint: number }>;
  /** Opens (creating if needed) a generation by name, live or not. */
  generation(name: string): Promise<Generation>;
  /**
   * Makes `name` the live generation in one atomic step; readers see either the old or the new, never a mix.
   * Fails for a generation that was never opened.
   */
  activate(name: string): Promise<void>;
  /** Removes a generation that is not live (refuses the live one; an unknown name is a no-op). */
  drop(name: string): Promise<void>;
  generations(): Promise<readonly string[]>;
}

/**
 * The port's checks on a batch, shared by every store so they refuse the same things: a batch with one bad write or
 * checkpoint fails whole, before anything is stored.
 */
export const checkDocumentWrite = (write: DocumentWrite, i: number): void => {
  const { collection, id, doc, index } = write;
  const at = `write ${i} (${String(collection)}/${String(id)})`;
  if (typeof collection !== 'string' || collection === '') throw new TypeError(`${at}: collection must be a non-empty string`);
  if (typeof id !== 'string' || id === '') throw new TypeError(`${at}: id must be a non-empty string`);
  if (doc === undefined) throw new TypeError(`${at}: doc is undefined (null deletes)`);
  if (doc === null || index === null) return;
  if (typeof index.merchant !== 'string' || index.merchant === '') throw new TypeError(`${at}: index.merchant must be a non-empty string`);
  if (!Number.isSafeInteger(index.created)) throw new TypeError(`${at}: index.created must be an integer, got ${index.created}`);
  if (!Number.isSafeInteger(index.seq)) throw new TypeError(`${at}: index.seq must be an integer, got ${index.seq}`);
  if (typeof index.keys !== 'object' || index.keys === null) throw new TypeError(`${at}: index.keys must be an object`);
  for (const [key, value] of Object.entries(index.keys))
    if (typeof value !== 'string') throw new TypeError(`${at}: index.keys.${key} must be a string`);
};

export const checkCheckpoint = ({ projection, position, from }: Checkpoint): void => {
  if (typeof projection !== 'string' || projection === '') throw new TypeError('checkpoint: projection must be a non-empty string');
  if (!Number.isSafeInteger(position) || position < 0)
    throw new RangeError(`checkpoint ${projection}: position must be an integer >= 0, got ${position}`);
  if (from !== undefined && (!Number.isSafeInteger(from) || from < 0 || from > position))
    throw new RangeError(`checkpoint ${projection}: from must be an integer from 0 to the position, got ${from}`);
};
