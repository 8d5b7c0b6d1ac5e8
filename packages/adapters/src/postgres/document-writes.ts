import type { Checkpoint, DocumentIndex, DocumentWrite } from '@kessai/projections';

/**
 * A commit's writes reduced to one change per document, so that each can go into one bulk statement (an upsert
 * may not touch the same row twice). Writes apply in order, so the last write to an id decides the document; an
 * `index: null` write decides the index from what came before it in the batch:
 * - nothing before it in the batch: keep the stored index (`keep`);
 * - a write with an index: that index (`set`);
 * - a deletion: no index, as for a new document (`set` with null).
 */
export type DocumentChange =
  | { readonly kind: 'delete'; readonly collection: string; readonly id: string }
  | { readonly kind: 'set'; readonly collection: string; readonly id: string; readonly doc: unknown; readonly index: DocumentIndex | null }
  | { readonly kind: 'keep'; readonly collection: string; readonly id: string; readonly doc: unknown };

export const foldWrites = (writes: readonly DocumentWrite[]): DocumentChange[] => {
  const changes = new Map<string, DocumentChange>();
  writes.forEach((write, i) => {
    checkWrite(write, i);
    const { collection, id, doc, index } = write;
    const key = `${collection}\u0000${id}`;
    if (doc === null) {
      changes.set(key, { kind: 'delete', collection, id });
      return;
    }
    if (index !== null) {
      changes.set(key, { kind: 'set', collection, id, doc, index });
      return;
    }
    const before = changes.get(key);
    if (before === undefined || before.kind === 'keep') changes.set(key, { kind: 'keep', collection, id, doc });
    else changes.set(key, { kind: 'set', collection, id, doc, index: before.kind === 'set' ? before.index : null });
  });
  return [...changes.values()];
};

/** The last position per projection (a batch naming a projection twice keeps the later one). */
export const foldCheckpoints = (checkpoints: readonly Checkpoint[]): Checkpoint[] => {
  const last = new Map<string, number>();
  for (const checkpoint of checkpoints) {
    checkCheckpoint(checkpoint);
    last.set(checkpoint.projection, checkpoint.position);
  }
  return [...last].map(([projection, position]) => ({ projection, position }));
};

/** The memory store's checks: a batch with one bad write fails whole, before anything is sent. */
const checkWrite = (write: DocumentWrite, i: number): void => {
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

const checkCheckpoint = ({ projection, position }: Checkpoint): void => {
  if (typeof projection !== 'string' || projection === '') throw new TypeError('checkpoint: projection must be a non-empty string');
  if (!Number.isSafeInteger(position) || position < 0)
    throw new RangeError(`checkpoint ${projection}: position must be an integer >= 0, got ${position}`);
};
