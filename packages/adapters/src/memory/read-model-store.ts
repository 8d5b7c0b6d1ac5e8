import {
  checkCheckpoint,
  checkDocumentWrite,
  CheckpointMovedError,
  type Checkpoint,
  type DirectDocuments,
  type DocumentIndex,
  type DocumentWrite,
  type Generation,
  type ListPage,
  type ListQuery,
  type ReadModelStore,
} from '@kessai/projections';
import { keptKeys, keyOf, newEntry, SortedEntries, WHOLE, type Entry, type Prefix } from './sorted-entries.js';

/** The generation `active()` opens when nothing was activated yet. */
export const DEFAULT_GENERATION = 'live-1';

/**
 * The embedded read model store. Each generation is a set of maps; `activate` swaps one name, so readers see the old
 * generation or the new one, never a mix.
 *
 * Documents are kept as the projection gave them, not copied: a projection returns a fresh object for each change,
 * and a structuredClone of a charge document costs about 4 µs, ten times what storing it costs, which would put a
 * rebuild far below its target. `get`, `getMany`, `list` and `scan` hand out those same objects, so callers must
 * treat them as read-only.
 */
export class MemoryReadModelStore implements ReadModelStore {
  readonly #generations = new Map<string, MemoryGeneration>();
  #active = DEFAULT_GENERATION;

  active(): Promise<Generation> {
    return this.generation(this.#active);
  }

  async activeWithCheckpoint(projection: string): Promise<{ readonly generation: Generation; readonly checkpoint: number }> {
    const generation = await this.active();
    return { generation, checkpoint: await generation.checkpoint(projection) };
  }

  generation(name: string): Promise<Generation> {
    if (typeof name !== 'string' || name === '') return Promise.reject(new TypeError('A generation needs a name'));
    let generation = this.#generations.get(name);
    if (generation === undefined) {
      generation = new MemoryGeneration(name);
      this.#generations.set(name, generation);
    }
    return Promise.resolve(generation);
  }

  /** Refuses a name that was never opened: switching readers to an empty set of documents is never what was meant. */
  activate(name: string): Promise<void> {
    if (!this.#generations.has(name)) return Promise.reject(new Error(`No generation named ${name} to activate`));
    this.#active = name;
    return Promise.resolve();
  }

  /**
   * Forgets a generation that is not live (dropping an unknown name does nothing). Readers still holding it keep
   * reading what it had; a commit to it fails, so a runner writing into a dropped generation finds out.
   */
  drop(name: string): Promise<void> {
    if (name === this.#active) return Promise.reject(new Error(`Generation ${name} is live; activate another before dropping it`));
    this.#generations.get(name)?.markDropped();
    this.#generations.delete(name);
    return Promise.resolve();
  }

  /** The generations opened and not dropped, by name. */
  generations(): Promise<readonly string[]> {
    return Promise.resolve([...this.#generations.keys()].sort());
  }
}

/** A store key in its two parts: `merchant/id` (docKey; merchant ids never hold a '/') splits at its first '/'; a key without one stays whole. */
const splitKey = (key: string): readonly [Prefix, string] => {
  const slash = key.indexOf('/');
  return slash < 0 ? [WHOLE, key] : [key.slice(0, slash), key.slice(slash + 1)];
};

/**
 * A collection's documents by store key, kept by the key's two parts. Views address documents by (merchant, id)
 * and the store key is `merchant/id`; holding them by the parts lets the runner's direct access find one without
 * building that key, and building and hashing a new string per lookup was the largest single cost of a rebuild.
 */
class Documents {
  readonly #byPrefix = new Map<Prefix, Map<string, Entry>>();

  get(prefix: Prefix, rest: string): Entry | undefined {
    return this.#byPrefix.get(prefix)?.get(rest);
  }

  set(prefix: Prefix, rest: string, entry: Entry): void {
    let docs = this.#byPrefix.get(prefix);
    if (docs === undefined) {
      docs = new Map();
      this.#byPrefix.set(prefix, docs);
    }
    docs.set(rest, entry);
  }

  delete(prefix: Prefix, rest: string): void {
    this.#byPrefix.get(prefix)?.delete(rest);
  }

  *values(): IterableIterator<Entry> {
    for (const docs of this.#byPrefix.values()) yield* docs.values();
  }
}

interface Collection {
  readonly docs: Documents;
  /** Listable documents (those with an index) by merchant. */
  readonly lists: Map<string, SortedEntries>;
}

class MemoryGeneration implements Generation {
  readonly name: string;
  readonly #collections = new Map<string, Collection>();
  readonly #checkpoints = new Map<string, number>();
  #dropped = false;
  /** Why the generation can no longer be used (a batch applied directly failed half-way), if it cannot. */
  #broken: Error | undefined;

  constructor(name: string) {
    this.name = name;
  }

  markDropped(): void {
    this.#dropped = true;
  }

  get(collection: string, id: string): Promise<unknown | null> {
    if (this.#broken !== undefined) return Promise.reject(this.#broken);
    const docs = this.#collections.get(collection)?.docs;
    return Promise.resolve(docs === undefined ? null : (docs.get(...splitKey(id))?.doc ?? null));
  }

  /**
   * The views write here directly (see DirectDocuments): the same maps and lists a commit fills, without the
   * write objects, the batch checks and the second pass a commit costs. Documents are addressed as in a commit.
   */
  readonly direct = (): DirectDocuments => {
    this.#usable();
    return {
      get: <Doc>(collection: string, merchant: string, id: string): Doc | null =>
        (this.#collections.get(collection)?.docs.get(merchant, id)?.doc ?? null) as Doc | null,
      put: (collection, merchant, id, doc, index) => this.#apply(collection, merchant, id, doc, index),
      delete: (collection, merchant, id) => this.#apply(collection, merchant, id, null, null),
      checkpoint: (projection) => {
        this.#usable();
        return this.#checkpoints.get(projection) ?? 0;
      },
      setCheckpoint: (projection, position) => {
        this.#usable();
        checkCheckpoint({ projection, position });
        this.#checkpoints.set(projection, position);
      },
      fail: (cause) => {
        this.#broken = new Error(`Generation ${this.name} cannot be used: a batch of events was applied to it only in part`, { cause });
      },
    };
  };

  getMany(collection: string, ids: readonly string[]): Promise<ReadonlyMap<string, unknown>> {
    if (this.#broken !== undefined) return Promise.reject(this.#broken);
    const found = new Map<string, unknown>();
    const docs = this.#collections.get(collection)?.docs;
    if (docs !== undefined)
      for (const id of ids) {
        const entry = docs.get(...splitKey(id));
        if (entry !== undefined) found.set(id, entry.doc);
      }
    return Promise.resolve(found);
  }

  list(query: ListQuery): Promise<ListPage> {
    if (this.#broken !== undefined) return Promise.reject(this.#broken);
    const { offset, limit } = query;
    if (!isCount(offset) || !isCount(limit))
      return Promise.reject(new RangeError(`list: offset and limit must be integers >= 0, got ${offset} and ${limit}`));
    const list = this.#collections.get(query.collection)?.lists.get(query.merchant);
    if (list === undefined) return Promise.resolve({ data: [], hasMore: false });
    const range = list.read(query);
    const where = query.where === undefined ? [] : Object.entries(query.where);
    return Promise.resolve(where.length === 0 ? page(range, offset, limit) : filteredPage(range, where, offset, limit));
  }

  async *scan(collection: string): AsyncIterable<readonly [id: string, doc: unknown]> {
    this.#usable();
    const docs = this.#collections.get(collection)?.docs;
    if (docs === undefined) return;
    // A snapshot taken now: later commits do not show up half-way through the iteration.
    const snapshot = Array.from(docs.values(), (entry) => [keyOf(entry), entry.doc] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    yield* snapshot;
  }

  commit(writes: readonly DocumentWrite[], checkpoints: readonly Checkpoint[]): Promise<void> {
    try {
      this.#usable();
      // Check everything first: a bad write must not leave half a batch applied.
      writes.forEach(checkDocumentWrite);
      checkpoints.forEach(checkCheckpoint);
      // Each projection's first `from` is the one checked (as PostgreSQL folds a batch's checkpoints).
      const checked = new Set<string>();
      for (const { projection, from } of checkpoints) {
        if (from === undefined || checked.has(projection)) continue;
        checked.add(projection);
        const actual = this.#checkpoints.get(projection) ?? 0;
        if (from !== actual) throw new CheckpointMovedError(projection, from, actual);
      }
    } catch (e) {
      return Promise.reject(e as Error);
    }
    for (const { collection, id, doc, index } of writes) {
      const [prefix, rest] = splitKey(id);
      this.#apply(collection, prefix, rest, doc, index);
    }
    for (const { projection, position } of checkpoints) this.#checkpoints.set(projection, position);
    return Promise.resolve();
  }

  checkpoint(projection: string): Promise<number> {
    if (this.#broken !== undefined) return Promise.reject(this.#broken);
    return Promise.resolve(this.#checkpoints.get(projection) ?? 0);
  }

  #usable(): void {
    if (this.#broken !== undefined) throw this.#broken;
    if (this.#dropped) throw new Error(`Generation ${this.name} was dropped`);
  }

  /** Writes one document, kept under its key's two parts. */
  #apply(name: string, prefix: Prefix, rest: string, doc: unknown, index: DocumentIndex | null): void {
    let collection = this.#collections.get(name);
    if (collection === undefined) {
      collection = { docs: new Documents(), lists: new Map() };
      this.#collections.set(name, collection);
    }
    const old = collection.docs.get(prefix, rest);
    if (doc === null) {
      if (old === undefined) return;
      if (old.merchant !== null) collection.lists.get(old.merchant)?.remove(old);
      collection.docs.delete(prefix, rest);
      return;
    }
    if (old !== undefined && (index === null || sameSlot(old, index))) {
      // The usual update: same place in its list (or none), so only the document and its filter keys change.
      // index null keeps the index the document has.
      old.doc = doc;
      if (index !== null) old.keys = keptKeys(index.keys);
      return;
    }
    if (old !== undefined && old.merchant !== null) collection.lists.get(old.merchant)?.remove(old);
    const entry = newEntry(prefix, rest, doc, index);
    collection.docs.set(prefix, rest, entry);
    if (entry.merchant === null) return;
    let list = collection.lists.get(entry.merchant);
    if (list === undefined) {
      list = new SortedEntries();
      collection.lists.set(entry.merchant, list);
    }
    list.add(entry);
  }
}

type Range = ReturnType<SortedEntries['read']>;

/** No filters: the page is a slice counted from the newest end. */
const page = ({ entries, lo, hi }: Range, offset: number, limit: number): ListPage => {
  const start = hi - 1 - offset;
  const data: unknown[] = [];
  for (let i = start; i >= lo && data.length < limit; i--) data.push((entries[i] as Entry).doc);
  return { data, hasMore: start - data.length >= lo };
};

const filteredPage = (
  { entries, lo, hi }: Range,
  where: readonly (readonly [string, string])[],
  offset: number,
  limit: number,
): ListPage => {
  const data: unknown[] = [];
  let skip = offset;
  for (let i = hi - 1; i >= lo; i--) {
    const entry = entries[i] as Entry;
    if (!matches(entry.keys, where)) continue;
    if (skip > 0) skip--;
    else if (data.length === limit) return { data, hasMore: true };
    else data.push(entry.doc);
  }
  return { data, hasMore: false };
};

const matches = (keys: Readonly<Record<string, string>>, where: readonly (readonly [string, string])[]): boolean => {
  for (const [key, value] of where) if (keys[key] !== value) return false;
  return true;
};

/** Whether a listed document keeps its place: listed for the same merchant at the same created and seq. */
const sameSlot = (entry: Entry, index: DocumentIndex): boolean =>
  entry.merchant === index.merchant && entry.created === index.created && entry.seq === index.seq;

const isCount = (n: number): boolean => Number.isInteger(n) && n >= 0;

