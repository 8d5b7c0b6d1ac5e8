import type { Generation } from '../read-model-store.js';

export interface ChangedDocument {
  readonly id: string;
  /** Paths of the leaves that differ, e.g. `card.cvc_check`, `cards.data.0.cvc_check`. */
  readonly paths: readonly string[];
}

export interface CollectionDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly ChangedDocument[];
}

/** What a rebuild changed: per collection, the documents added, removed and changed (with the fields). */
export interface DiffReport {
  readonly collections: Readonly<Record<string, CollectionDiff>>;
  readonly totals: { readonly added: number; readonly removed: number; readonly changed: number };
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

/** The leaf paths at which two JSON values differ (arrays compared index by index). */
export const differingPaths = (a: unknown, b: unknown, prefix = ''): string[] => {
  if (a === b) return [];
  if (isObject(a) && isObject(b) && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    const paths: string[] = [];
    for (const key of keys) paths.push(...differingPaths(a[key], b[key], prefix === '' ? key : `${prefix}.${key}`));
    return paths;
  }
  return [prefix === '' ? '(document)' : prefix];
};

/**
 * Whether two JSON values are equal (a key or element missing on one side equals undefined on the other, as in
 * `differingPaths`). It allocates nothing: a diff compares every document of both generations, and almost all of
 * them are equal, so the paths are only worked out for the few that are not.
 */
export const sameJson = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (!isObject(a) || !isObject(b)) return false;
  if (Array.isArray(a)) {
    // Index by index, a missing element equal to undefined, as `differingPaths` compares arrays.
    if (!Array.isArray(b)) return false;
    for (let i = 0; i < Math.max(a.length, b.length); i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  for (const key in a) if (!sameJson(a[key], b[key])) return false;
  for (const key in b) if (!Object.hasOwn(a, key) && b[key] !== undefined) return false;
  return true;
};

/** Merge-joins two generations collection by collection (both scans are ordered by id). */
export const diffGenerations = async (before: Generation, after: Generation, collections: readonly string[]): Promise<DiffReport> => {
  const report: Record<string, CollectionDiff> = {};
  const totals = { added: 0, removed: 0, changed: 0 };
  for (const collection of collections) {
    const added: string[] = [];
    const removed: string[] = [];
    const changed: ChangedDocument[] = [];
    const left = before.scan(collection)[Symbol.asyncIterator]();
    const right = after.scan(collection)[Symbol.asyncIterator]();
    let l = await left.next();
    let r = await right.next();
    while (!l.done || !r.done) {
      if (r.done || (!l.done && l.value[0] < r.value[0])) {
        removed.push(l.value![0]);
        l = await left.next();
      } else if (l.done || r.value[0] < l.value[0]) {
        added.push(r.value[0]);
        r = await right.next();
      } else {
        if (!sameJson(l.value[1], r.value[1])) changed.push({ id: l.value[0], paths: differingPaths(l.value[1], r.value[1]) });
        l = await left.next();
        r = await right.next();
      }
    }
    report[collection] = { added, removed, changed };
    totals.added += added.length;
    totals.removed += removed.length;
    totals.changed += changed.length;
  }
  return { collections: report, totals };
};
