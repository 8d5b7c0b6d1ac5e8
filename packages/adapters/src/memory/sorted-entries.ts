import type { DocumentIndex } from '@kessai/projections';

/** Where keys without a '/' are kept (a symbol, so that no split key can meet them). */
export const WHOLE: unique symbol = Symbol('whole key');
export type Prefix = string | typeof WHOLE;

/**
 * One stored document, under its store key's two parts (see `Documents` in read-model-store.ts). An entry's place
 * in a list never changes: a new `created`/`seq`/merchant makes a new entry. It holds the parts, not the whole key,
 * and the list fields, not the index object the view gave: a million documents would otherwise keep a million key
 * strings and index objects that nothing reads.
 */
export interface Entry {
  readonly prefix: Prefix;
  readonly rest: string;
  doc: unknown;
  /** The merchant whose list holds it; null: the document is stored but never listed. */
  readonly merchant: string | null;
  readonly created: number;
  readonly seq: number;
  /** The list filters' keys; may change in place. */
  keys: Readonly<Record<string, string>>;
  /** Set when the document was deleted or moved; the list drops it lazily. */
  removed: boolean;
}

/** The store key an entry is kept under. */
export const keyOf = (entry: Entry): string => (entry.prefix === WHOLE ? entry.rest : `${entry.prefix}/${entry.rest}`);

const NO_KEYS: Readonly<Record<string, string>> = Object.freeze({});

/** The keys to keep: a shared empty object for the many documents listed without filter keys. */
export const keptKeys = (keys: Readonly<Record<string, string>>): Readonly<Record<string, string>> => {
  for (const _ in keys) return keys;
  return NO_KEYS;
};

export const newEntry = (prefix: Prefix, rest: string, doc: unknown, index: DocumentIndex | null): Entry => ({
  prefix,
  rest,
  doc,
  merchant: index?.merchant ?? null,
  created: index?.created ?? 0,
  seq: index?.seq ?? 0,
  keys: index === null ? NO_KEYS : keptKeys(index.keys),
  removed: false,
});

export interface Range {
  readonly since?: number;
  readonly until?: number;
}

/**
 * The documents of one merchant in one collection, oldest first: `created`, then `seq`, then `id` ascending (id only
 * breaks exact ties, so that paging with offsets is deterministic). Lists read it from the end, newest first.
 *
 * Projections mostly create documents in order, so `add` is usually a push that keeps the array sorted. An
 * out-of-order add or a removal only marks the array; the next read sorts it once (TimSort is near-linear on an
 * almost-sorted array) and drops removed entries. A rebuild therefore never sorts per write, and a read after a
 * normal write costs nothing extra.
 */
export class SortedEntries {
  #entries: Entry[] = [];
  #sorted = true;
  #removed = 0;

  add(entry: Entry): void {
    const last = this.#entries[this.#entries.length - 1];
    if (this.#sorted && last !== undefined && compareEntries(last, entry) > 0) this.#sorted = false;
    this.#entries.push(entry);
  }

  /** The entry must be one this list holds; it is marked, and left out from the next read on. */
  remove(entry: Entry): void {
    entry.removed = true;
    this.#removed++;
  }

  /** The live entries, oldest first, and the index range `[lo, hi)` of those whose `created` lies in the range. */
  read(range: Range): { readonly entries: readonly Entry[]; readonly lo: number; readonly hi: number } {
    this.#settle();
    const entries = this.#entries;
    const lo = range.since === undefined ? 0 : firstIndex(entries, (e) => e.created >= (range.since as number));
    const hi = range.until === undefined ? entries.length : firstIndex(entries, (e) => e.created > (range.until as number));
    return { entries, lo, hi: Math.max(lo, hi) };
  }

  #settle(): void {
    if (this.#removed > 0) {
      this.#entries = this.#entries.filter((e) => !e.removed);
      this.#removed = 0;
    }
    if (!this.#sorted) {
      this.#entries.sort(compareEntries);
      this.#sorted = true;
    }
  }
}

export const compareEntries = (a: Entry, b: Entry): number => {
  if (a.created !== b.created) return a.created - b.created;
  if (a.seq !== b.seq) return a.seq - b.seq;
  // Exact ties only (rare): the whole keys, made just for this comparison.
  const x = keyOf(a);
  const y = keyOf(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

/** The first index at which `pred` holds, for a predicate that is false then true along the array. */
const firstIndex = (entries: readonly Entry[], pred: (e: Entry) => boolean): number => {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pred(entries[mid] as Entry)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
};
