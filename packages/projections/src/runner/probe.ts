import type { DocumentIndex } from '../read-model-store.js';
import type { DocumentAccess } from '../view.js';

/** What memory knows of a document: it, null (absent), or undefined when only the store can say. */
export type Peek = (collection: string, merchant: string, id: string) => unknown;

/**
 * The document access of a probed event (DocumentCache.prefetch): memory's answer when it has one, else null, with
 * the key recorded as wanted. Writes stay in the probe (a view reads what an earlier view, or an earlier event,
 * wrote), never in the cache: probing changes nothing.
 */
export class Probe implements DocumentAccess {
  /** Keys memory could not answer: collection -> merchant -> ids. */
  readonly wanted = new Map<string, Map<string, Set<string>>>();
  /** How many keys `wanted` holds. */
  count = 0;
  /** Reads memory could not answer, counting a key each time it is read (so each event can tell it wanted one). */
  unanswered = 0;
  private readonly written = new Map<string, unknown>();
  private readonly peek: Peek;

  constructor(peek: Peek) {
    this.peek = peek;
  }

  /** Starts recording anew (the documents wanted so far are being fetched); the writes stay. */
  nextRound(): void {
    this.wanted.clear();
    this.count = 0;
  }

  get<Doc>(collection: string, merchant: string, id: string): Doc | null {
    if (this.written.size > 0) {
      const own = this.written.get(key(collection, merchant, id));
      if (own !== undefined) return own as Doc | null;
    }
    const known = this.peek(collection, merchant, id);
    if (known !== undefined) return known as Doc | null;
    this.unanswered++;
    let byMerchant = this.wanted.get(collection);
    if (byMerchant === undefined) this.wanted.set(collection, (byMerchant = new Map()));
    let ids = byMerchant.get(merchant);
    if (ids === undefined) byMerchant.set(merchant, (ids = new Set()));
    if (!ids.has(id)) {
      ids.add(id);
      this.count++;
    }
    return null;
  }

  put(collection: string, merchant: string, id: string, doc: unknown, _index: DocumentIndex | null): void {
    this.written.set(key(collection, merchant, id), doc);
  }

  delete(collection: string, merchant: string, id: string): void {
    this.written.set(key(collection, merchant, id), null);
  }
}

const key = (collection: string, merchant: string, id: string) => `${collection}\u0000${merchant}\u0000${id}`;
