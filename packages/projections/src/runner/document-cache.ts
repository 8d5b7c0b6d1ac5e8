import type { DocumentIndex, DocumentWrite, Generation } from '../read-model-store.js';
import { docKey, type DocumentAccess } from '../view.js';
import { KeySet } from './key-set.js';
import { Probe } from './probe.js';
import { Recency } from './recency.js';

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
  readonly collection: string;
  readonly merchant: string;
  readonly id: string;
  doc: unknown;
  index: DocumentIndex | null;
  /** Written since the last `takeWrites` (and already queued in `dirty`). */
  dirty: boolean;
  /** The `takeWrites` call that took its last write (0: none): it may leave memory once that batch is committed. */
  taken: number;
  /** The batch that last used it (-1: it left memory). */
  used: number;
  /** Used in two batches or more (or read back from the store): kept in memory before those used once. */
  reused: boolean;
}

/**
 * The writes of the event being applied, with what each entry held before, to undo them on a miss. Parallel
 * arrays reused from event to event: a rebuild journals millions of writes, and none of them should allocate.
 */
class Journal {
  length = 0;
  readonly entries: Entry[] = [];
  readonly docs: unknown[] = [];
  readonly indexes: (DocumentIndex | null)[] = [];
  /** What `dirty` was, or NEW when the entry did not exist before this event. */
  readonly states: number[] = [];

  record(entry: Entry, state: number): void {
    const i = this.length++;
    this.entries[i] = entry;
    this.docs[i] = entry.doc;
    this.indexes[i] = entry.index;
    this.states[i] = state;
  }

  /** Forgets the entries (so that they can be collected), keeping the arrays. */
  clear(): void {
    for (let i = 0; i < this.length; i++) {
      this.docs[i] = undefined;
      this.indexes[i] = null;
    }
    this.length = 0;
  }
}

const CLEAN = 0;
const DIRTY = 1;
const NEW = 2;

type Documents = Map<string, Map<string, Map<string, Entry>>>;

/** Rounds of `prefetch`: a document, the reference it holds, and the document that one names. */
const PREFETCH_ROUNDS = 4;

/** The share of the limit that documents used more than once may keep when others need room. */
const REUSED_SHARE = 0.8;

export interface DocumentCacheOptions {
  /**
   * How many documents stay in memory between batches (default: no limit). Past it, documents whose writes are
   * committed leave memory: first those used in one batch only, least recently used first, then the others.
   */
  readonly limit?: number;
}

/** What a cache did, for benchmarks and tests. */
export interface DocumentCacheStats {
  /** Documents that left memory. */
  readonly dropped: number;
  /** Documents read back by `prefetch`. */
  readonly prefetched: number;
  /** Reads that stopped an event and fetched one document. */
  readonly misses: number;
}

/**
 * The documents a batch works on, with the writes it has made, keyed collection -> merchant -> id so that no key
 * string is built per access.
 *
 * In a fresh generation (a rebuild from position 0) memory is the whole truth: a document that is not in memory
 * and never left it does not exist, and needs no store read. Elsewhere, and for a document that left memory, a
 * miss is fetched from the store, after undoing the writes the interrupted event had made, and the event is
 * applied again; `prefetch` fetches most of them beforehand, a batch at a time.
 *
 * With a limit, memory holds the documents in use only (a million-event rebuild makes millions of them): after
 * each committed batch, documents leave memory, never one whose latest write is not committed yet, since a store
 * read would then miss it. The keys that left are remembered compactly (KeySet) so that the truth stays known.
 */
export class DocumentCache implements DocumentAccess {
  readonly authoritative: boolean;
  private readonly limit: number;
  private readonly documents: Documents = new Map();
  private size = 0;
  /** Entries with `reused` set. */
  private reusedCount = 0;
  private dirty: Entry[] = [];
  /** The current event's writes, to undo on a miss; only kept while a miss can happen. */
  private readonly journal = new Journal();
  /** Keys that left memory (a fresh generation only: elsewhere every miss is read from the store). */
  private dropped: KeySet | null = null;
  /** The batch being applied: `takeWrites` calls so far, plus one. */
  private batch = 1;
  /** The last `takeWrites` call whose batch is committed. */
  private committedUpTo = 0;
  private readonly usedOnce = new Recency<Entry>(1);
  private readonly usedMore = new Recency<Entry>(1);
  private counts = { dropped: 0, prefetched: 0, misses: 0 };

  constructor(authoritative: boolean, options: DocumentCacheOptions = {}) {
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    if (!(limit >= 0)) throw new RangeError(`DocumentCache limit must be >= 0, got ${limit}`);
    this.authoritative = authoritative;
    this.limit = limit;
  }

  /** Whether a view can meet a miss, so that events must be applied through `applyEvent`. */
  get missesPossible(): boolean {
    return !this.authoritative || this.dropped !== null;
  }

  /** Documents in memory. */
  get documentCount(): number {
    return this.size;
  }

  get stats(): DocumentCacheStats {
    return { ...this.counts };
  }

  private entries(collection: string, merchant: string): Map<string, Entry> {
    let byMerchant = this.documents.get(collection);
    if (byMerchant === undefined) this.documents.set(collection, (byMerchant = new Map()));
    let byId = byMerchant.get(merchant);
    if (byId === undefined) byMerchant.set(merchant, (byId = new Map()));
    return byId;
  }

  private touch(entry: Entry): void {
    if (entry.used === this.batch) return;
    if (entry.used > 0 && !entry.reused) {
      entry.reused = true;
      this.reusedCount++;
    }
    entry.used = this.batch;
    if (this.limit !== Number.POSITIVE_INFINITY) (entry.reused ? this.usedMore : this.usedOnce).push(entry);
  }

  get<Doc>(collection: string, merchant: string, id: string): Doc | null {
    const entry = this.documents.get(collection)?.get(merchant)?.get(id);
    if (entry !== undefined) {
      this.touch(entry);
      return entry.doc as Doc | null;
    }
    if (this.absent(collection, merchant, id)) return null;
    throw new CacheMiss(collection, merchant, id);
  }

  /** Whether a document not in memory is known not to exist. */
  private absent(collection: string, merchant: string, id: string): boolean {
    return this.authoritative && (this.dropped === null || !this.dropped.has(collection, merchant, id));
  }

  put(collection: string, merchant: string, id: string, doc: unknown, index: DocumentIndex | null): void {
    this.write(collection, merchant, id, doc, index, false);
  }

  delete(collection: string, merchant: string, id: string): void {
    this.write(collection, merchant, id, null, null, true);
  }

  private write(collection: string, merchant: string, id: string, doc: unknown, index: DocumentIndex | null, deleting: boolean): void {
    const entries = this.entries(collection, merchant);
    const found = entries.get(id);
    const entry = found ?? this.add(entries, collection, merchant, id, doc, index, false);
    if (this.missesPossible) this.journal.record(entry, found === undefined ? NEW : found.dirty ? DIRTY : CLEAN);
    this.touch(entry);
    entry.doc = doc;
    // null keeps the index a document has (port contract); a deleted document has none.
    if (index !== null || deleting) entry.index = index;
    if (!entry.dirty) {
      entry.dirty = true;
      this.dirty.push(entry);
    }
  }

  private add(
    entries: Map<string, Entry>,
    collection: string,
    merchant: string,
    id: string,
    doc: unknown,
    index: DocumentIndex | null,
    reused: boolean,
  ): Entry {
    const entry: Entry = { collection, merchant, id, doc, index, dirty: false, taken: 0, used: 0, reused };
    entries.set(id, entry);
    this.size++;
    if (reused) this.reusedCount++;
    return entry;
  }

  /** A document read from the store: used again, so it is kept before the documents used once. */
  private addFetched(collection: string, merchant: string, id: string, doc: unknown): void {
    const entries = this.entries(collection, merchant);
    // The index is unknown here; a later put with index null keeps the stored one (port contract).
    if (!entries.has(id)) this.touch(this.add(entries, collection, merchant, id, doc, null, true));
  }

  /** Takes the entry out of memory; false when it was not there (undone, or replaced since). */
  private remove(entry: Entry): boolean {
    const byId = this.documents.get(entry.collection)?.get(entry.merchant);
    if (byId === undefined || byId.get(entry.id) !== entry) return false;
    byId.delete(entry.id);
    this.size--;
    if (entry.reused) this.reusedCount--;
    // Recency lists may still hold it: this marks it as last used by none of them.
    entry.used = -1;
    return true;
  }

  /**
   * Applies one event's views. Returns nothing when they ran without a miss (no await needed), else a promise that
   * undoes that event's writes, fetches the missing document and applies the event again, until it succeeds.
   */
  applyEvent(generation: Generation, apply: () => void): Promise<void> | undefined {
    this.journal.clear();
    try {
      apply();
      return undefined;
    } catch (e) {
      if (!(e instanceof CacheMiss)) throw e;
      return this.recover(generation, apply, e);
    }
  }

  private async recover(generation: Generation, apply: () => void, miss: CacheMiss): Promise<void> {
    for (let e: CacheMiss | undefined = miss; e !== undefined; ) {
      this.counts.misses++;
      this.undo();
      this.addFetched(e.collection, e.merchant, e.id, await generation.get(e.collection, docKey(e.merchant, e.id)));
      this.journal.clear();
      e = undefined;
      try {
        apply();
      } catch (again) {
        if (!(again instanceof CacheMiss)) throw again;
        e = again;
      }
    }
  }

  private undo(): void {
    const journal = this.journal;
    // The entries this event made dirty were appended to `dirty` in order, one per entry: they are its tail.
    let madeDirty = 0;
    for (let i = journal.length - 1; i >= 0; i--) {
      const entry = journal.entries[i]!;
      const state = journal.states[i]!;
      if (state === NEW) this.remove(entry);
      else {
        entry.doc = journal.docs[i];
        entry.index = journal.indexes[i]!;
        entry.dirty = state === DIRTY;
      }
      if (state !== DIRTY) madeDirty++;
    }
    this.dirty.length -= madeDirty;
    journal.clear();
  }

  /**
   * Fetches beforehand, for a batch about to be applied, the documents its events would miss: each event is
   * applied to a probe that records the reads memory cannot answer (its writes never reach the cache); the
   * recorded documents are then read with one `getMany` per collection. A document read that way can lead to
   * another one (a reference, then the document it names), so the events that wanted something are probed again, a
   * few rounds at most. Probing is a guess (an event that read a missing document as absent may have written
   * something else than it will); whatever it does not foresee is still fetched, exactly, when the batch is applied.
   */
  async prefetch(generation: Generation, count: number, apply: (i: number, docs: DocumentAccess) => void): Promise<void> {
    if (!this.missesPossible) return;
    const peek = (collection: string, merchant: string, id: string): unknown => {
      const entry = this.documents.get(collection)?.get(merchant)?.get(id);
      if (entry !== undefined) return entry.doc;
      return this.absent(collection, merchant, id) ? null : undefined;
    };
    let pending = Array.from({ length: count }, (_, i) => i);
    // One probe for every round: its writes stay, so an event probed again still sees what the events before it
    // wrote (and, being a guess, also what the events after it wrote in an earlier round).
    const probe = new Probe(peek);
    for (let round = 0; round < PREFETCH_ROUNDS && pending.length > 0; round++) {
      probe.nextRound();
      const again: number[] = [];
      for (const i of pending) {
        const before = probe.unanswered;
        apply(i, probe);
        if (probe.unanswered > before) again.push(i);
      }
      if (probe.count === 0) return;
      await Promise.all(
        [...probe.wanted].map(async ([collection, byMerchant]) => {
          const keys: string[] = [];
          for (const [merchant, ids] of byMerchant) for (const id of ids) keys.push(docKey(merchant, id));
          const found = await generation.getMany(collection, keys);
          for (const [merchant, ids] of byMerchant)
            for (const id of ids) {
              this.counts.prefetched++;
              this.addFetched(collection, merchant, id, found.get(docKey(merchant, id)) ?? null);
            }
        }),
      );
      pending = again;
    }
  }

  /**
   * The writes made since the last call, and forgets them (the cached documents stay for the next batch). They are
   * batch `nextBatch` (read it before the call); say `committed` with that number once they are stored.
   */
  takeWrites(): DocumentWrite[] {
    const writes = new Array<DocumentWrite>(this.dirty.length);
    const taken = this.batch;
    for (let i = 0; i < this.dirty.length; i++) {
      const entry = this.dirty[i]!;
      entry.dirty = false;
      entry.taken = taken;
      writes[i] = { collection: entry.collection, id: docKey(entry.merchant, entry.id), doc: entry.doc, index: entry.index };
    }
    this.dirty = [];
    this.batch++;
    if (this.limit !== Number.POSITIVE_INFINITY) {
      this.usedOnce.nextBatch();
      this.usedMore.nextBatch();
    }
    return writes;
  }

  /** The number of the batch the next `takeWrites` call takes. */
  get nextBatch(): number {
    return this.batch;
  }

  /**
   * Says the writes of `takeWrites` call `batch` (and of every earlier one) are stored, then brings memory back
   * under the limit. Documents used more than once give up room first while they hold more than their share of
   * the limit, then documents used once leave, least recently used first, then the others.
   */
  committed(batch: number): void {
    this.committedUpTo = Math.max(this.committedUpTo, batch);
    if (this.size <= this.limit) return;
    const upTo = this.committedUpTo;
    const drop = (entry: Entry) => {
      // An entry last used in a committed batch was last written there or before: its writes are stored.
      if (entry.dirty || entry.taken > upTo || !this.remove(entry)) return;
      this.counts.dropped++;
      if (this.authoritative) (this.dropped ??= new KeySet()).add(entry.collection, entry.merchant, entry.id);
    };
    this.usedMore.drain(upTo, () => this.size > this.limit && this.reusedCount > this.limit * REUSED_SHARE, drop);
    this.usedOnce.drain(upTo, () => this.size > this.limit, drop);
    this.usedMore.drain(upTo, () => this.size > this.limit, drop);
  }

  /** Drops cached documents (for a live generation, where other writers may change them between batches). */
  clear(): void {
    this.documents.clear();
    this.size = 0;
    this.reusedCount = 0;
    this.dirty = [];
    this.usedOnce.reset(this.batch);
    this.usedMore.reset(this.batch);
  }
}
