/** What Recency needs of an entry: the batch that used it last (-1: gone). */
export interface Used {
  used: number;
}

/**
 * Entries by the batch that last used them, oldest batch first: least-recently-used order at the granularity of a
 * batch, for one array push per entry and batch (no list to relink on every read). An entry used in several
 * batches sits in several lists; only the list of its last batch counts, the others are skipped when drained.
 */
export class Recency<T extends Used> {
  private lists: T[][] = [[]];
  /** The batch of lists[0]. */
  private first: number;

  constructor(batch: number) {
    this.first = batch;
  }

  /** Records a use in the current batch (call once per entry and batch). */
  push(entry: T): void {
    this.lists[this.lists.length - 1]!.push(entry);
  }

  /** The next uses belong to the next batch. */
  nextBatch(): void {
    this.lists.push([]);
  }

  /**
   * Hands `take` the entries last used in batches up to `upTo`, oldest batch first, while `more()` says so. The
   * current batch's list is never drained.
   */
  drain(upTo: number, more: () => boolean, take: (entry: T) => void): void {
    while (this.first <= upTo && this.lists.length > 1 && more()) {
      const list = this.lists[0]!;
      while (list.length > 0 && more()) {
        const entry = list.pop()!;
        if (entry.used === this.first) take(entry);
      }
      if (list.length === 0) {
        this.lists.shift();
        this.first++;
      }
    }
  }

  /** Forgets every use (the entries left memory); the next ones belong to `batch`. */
  reset(batch: number): void {
    this.lists = [[]];
    this.first = batch;
  }
}
