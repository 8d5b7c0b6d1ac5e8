import { checkCheckpoint, checkDocumentWrite, type Checkpoint, type DocumentIndex, type DocumentWrite } from '@kessai/projections';

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
    checkDocumentWrite(write, i);
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
  const folded = new Map<string, Checkpoint>();
  for (const checkpoint of checkpoints) {
    checkCheckpoint(checkpoint);
    const { projection, position } = checkpoint;
    // The last position wins; the first `from` is the one checked.
    const from = folded.get(projection)?.from ?? checkpoint.from;
    folded.set(projection, from === undefined ? { projection, position } : { projection, position, from });
  }
  return [...folded.values()];
};

