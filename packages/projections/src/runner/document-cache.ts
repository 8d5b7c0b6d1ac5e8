import type { DocumentIndex, DocumentWrite, Generation } from '../read-model-store.js';
import { docKey, type DocumentAccess } from '../view.js';

/** Thrown inside a view when a document is not in memory yet; the runner fetches it and applies the event again. */
class CacheMiss {
  readonly collection: string;
  readonly merchant: string;
  readonly id: string;
  constructor(collection: string, merchant: string, id: string) {
    this.collection = collection;
    this.merchant = merchant;
    this.id = id;
  }
}

/** A cached document. Mutable on purpose: a rebuild writes millions of times, and each write must be cheap. */
interface Entry {
  doc: unknown;
  index: DocumentIndex | null;
  /** Written since the last flush (and already queued in `dirty`). */
  dirty: boolean;
}

interface Pending {
  readonly collection: string;
  readonly merchant: string;
  readonly id: string;
  readonly entry: Entry;
}

/** One write of the event being applied, and what the entry held before. */
interface Undo {
  readonly collection: string;
  readonly merchant: string;
  readonly id: string;
  /** null: the entry did not exist before this event. */
  readonly before: { readonly doc: unknown; readonly index: DocumentIndex | null; readonly dirty: boolean } | null;
}

type Documents = Map<string, Map<string, Map<string, Entry>>>;

/**
 * The documents a batch works on, with the writes it has made, keyed collection -> merchant -> id so that no key
 * string is built per access. In a fresh generation (a rebuild from position 0) memory is the whole truth, so a
 * miss is simply an absent document and nothing needs undoing; elsewhere a miss is fetched from the store, after
 * undoing the writes the interrupted event had made, and the event is applied again.
 */
export class DocumentCache implements DocumentAccess {
  readonly authoritative: boolean;
  private readonly documents: Documents = new Map();
  private dirty: Pending[] = [];
  /** The current event's writes, to undo on a miss; never kept when authoritative (a miss cannot happen). */
  private journal: Undo[] = [];

  constructor(authoritative: boolean) {
    this.authoritative = authoritative;
  }

  private entries(collection: string, merchant: string): Map<string, Entry> {
    let byMerchant = this.documents.get(collection);
    if (byMerchant === undefined) this.documents.set(collection, (byMerchant = new Map()));
    let byId = byMerchant.get(merchant);
    if (byId === undefined) byMerchant.set(merchant, (byId = new Map()));
    return byId;
  }

  get<Doc>(collection: string, merchant: string, id: string): Doc | null {
    const entry = this.documents.get(collection)?.get(merchant)?.get(id);
    if (entry !== undefined) return entry.doc as Doc | null;
    if (this.authoritative) return null;
    throw new CacheMiss(collection, merchant, id);
  }

  put(collection: string, merchant: string, id: string, doc: unknown, index: DocumentIndex | null): void {
    this.write(collection, merchant, id, doc, index, false);
  }

  delete(collection: string, merchant: string, id: string): void {
    this.write(collection, merchant, id, null, null, true);
  }

  private write(collection: string, merchant: string, id: string, doc: unknown, index: DocumentIndex | null, deleting: boolean): void {
    const entries = this.entries(collection, merchant);
    let entry = entries.get(id);
    if (!this.authoritative)
      this.journal.push({ collection, merchant, id, before: entry === undefined ? null : { doc: entry.doc, index: entry.index, dirty: entry.dirty } });
    if (entry === undefined) entries.set(id, (entry = { doc, index, dirty: false }));
    entry.doc = doc;
    // null keeps the index a document has (port contract); a deleted document has none.
    if (index !== null || deleting) entry.index = index;
    if (!entry.dirty) {
      entry.dirty = true;
      this.dirty.push({ collection, merchant, id, entry });
    }
  }

  /** Applies one event's views; on a miss, undoes that event's writes, fetches the document and tries again. */
  async applyEvent(generation: Generation, apply: () => void): Promise<void> {
    for (;;) {
      this.journal = [];
      try {
        apply();
        return;
      } catch (e) {
        if (!(e instanceof CacheMiss)) throw e;
        for (let i = this.journal.length - 1; i >= 0; i--) {
          const { collection, merchant, id, before } = this.journal[i]!;
          const entries = this.entries(collection, merchant);
          const entry = entries.get(id)!;
          if (before === null) entries.delete(id);
          else Object.assign(entry, before);
          if (before === null || !before.dirty) this.dirty = this.dirty.filter((p) => p.entry !== entry);
        }
        // The index is unknown here; a later put with index null keeps the stored one (port contract).
        const doc = await generation.get(e.collection, docKey(e.merchant, e.id));
        this.entries(e.collection, e.merchant).set(e.id, { doc, index: null, dirty: false });
      }
    }
  }

  /** The writes made since the last call, and forgets them (the cached documents stay for the next batch). */
  takeWrites(): DocumentWrite[] {
    const writes = new Array<DocumentWrite>(this.dirty.length);
    for (let i = 0; i < this.dirty.length; i++) {
      const { collection, merchant, id, entry } = this.dirty[i]!;
      entry.dirty = false;
      writes[i] = { collection, id: docKey(merchant, id), doc: entry.doc, index: entry.index };
    }
    this.dirty = [];
    return writes;
  }

  /** Drops cached documents (for a live generation, where other writers may change them between batches). */
  clear(): void {
    this.documents.clear();
    this.dirty = [];
  }
}
