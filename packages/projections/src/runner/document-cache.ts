import type { DocumentIndex, DocumentWrite, Generation } from '../read-model-store.js';
import type { DocumentAccess } from '../view.js';

/** Thrown inside a view when a document is not in memory yet; the runner fetches it and applies the event again. */
class CacheMiss {
  readonly collection: string;
  readonly id: string;
  constructor(collection: string, id: string) {
    this.collection = collection;
    this.id = id;
  }
}

interface Entry {
  readonly doc: unknown;
  readonly index: DocumentIndex | null;
}

const ABSENT: Entry = { doc: null, index: null };

/**
 * The documents a batch works on, with the writes it has made. In a fresh generation (a rebuild from position 0)
 * memory is the whole truth, so a miss is simply an absent document; elsewhere a miss is fetched from the store.
 * Writes of one event are journaled so an event interrupted by a miss can be undone and applied again whole.
 */
export class DocumentCache implements DocumentAccess {
  private readonly entries = new Map<string, Map<string, Entry>>();
  private readonly dirty = new Map<string, Set<string>>();
  private journal: Array<readonly [collection: string, id: string, previous: Entry | undefined]> = [];
  private readonly authoritative: boolean;

  constructor(authoritative: boolean) {
    this.authoritative = authoritative;
  }

  get<Doc>(collection: string, id: string): Doc | null {
    const entry = this.entries.get(collection)?.get(id);
    if (entry !== undefined) return entry.doc as Doc | null;
    if (this.authoritative) return null;
    throw new CacheMiss(collection, id);
  }

  put(collection: string, id: string, doc: unknown, index: DocumentIndex | null): void {
    this.write(collection, id, { doc, index: index ?? this.entries.get(collection)?.get(id)?.index ?? null });
  }

  delete(collection: string, id: string): void {
    this.write(collection, id, ABSENT);
  }

  private write(collection: string, id: string, entry: Entry): void {
    let docs = this.entries.get(collection);
    if (docs === undefined) this.entries.set(collection, (docs = new Map()));
    this.journal.push([collection, id, docs.get(id)]);
    docs.set(id, entry);
    let ids = this.dirty.get(collection);
    if (ids === undefined) this.dirty.set(collection, (ids = new Set()));
    ids.add(id);
  }

  /**
   * Applies one event's views; on a miss, undoes that event's writes, fetches the document and tries again.
   * The dirty set may keep an id whose write was undone; flushing it writes the (unchanged) cached value.
   */
  async applyEvent(generation: Generation, apply: () => void): Promise<void> {
    for (;;) {
      this.journal = [];
      try {
        apply();
        return;
      } catch (e) {
        if (!(e instanceof CacheMiss)) throw e;
        for (let i = this.journal.length - 1; i >= 0; i--) {
          const [collection, id, previous] = this.journal[i]!;
          const docs = this.entries.get(collection)!;
          if (previous === undefined) docs.delete(id);
          else docs.set(id, previous);
        }
        const doc = await generation.get(e.collection, e.id);
        let docs = this.entries.get(e.collection);
        if (docs === undefined) this.entries.set(e.collection, (docs = new Map()));
        // The index is unknown here; a later put with index null keeps the stored one (port contract).
        docs.set(e.id, { doc, index: null });
      }
    }
  }

  /** The writes made since the last flush, and forgets them (the cached documents stay for the next batch). */
  takeWrites(): DocumentWrite[] {
    const writes: DocumentWrite[] = [];
    for (const [collection, ids] of this.dirty) {
      const docs = this.entries.get(collection);
      for (const id of ids) {
        const entry = docs?.get(id);
        if (entry === undefined) continue;
        writes.push({ collection, id, doc: entry.doc, index: entry.index });
      }
    }
    this.dirty.clear();
    return writes;
  }

  /** Drops cached documents (for a live generation, where other writers may change them between batches). */
  clear(): void {
    this.entries.clear();
    this.dirty.clear();
  }
}
