import type { Position } from '@eventstore/db-client';

/**
 * Positions. The port numbers the store's events 1, 2, 3, … without gaps (the contract suite checks it, and the
 * projection runner does arithmetic on it); `$all` positions are `{commit, prepare}` byte offsets in the server's
 * transaction log: increasing but sparse, and shared with system events and with every other user of the server.
 * So the adapter keeps a `PositionIndex`: the store's n-th event in `$all` order has position n, and the index
 * remembers where in `$all` each one lies. It is a pure function of the log (every process computes the same
 * numbers), built by reading `$all` forwards; see event-store.ts for when.
 */

/** Orders two `$all` positions: commit first, prepare to break ties (they differ only for old TCP transactions). */
export const comparePositions = (a: Position, b: Position): number =>
  a.commit < b.commit ? -1 : a.commit > b.commit ? 1 : a.prepare < b.prepare ? -1 : a.prepare > b.prepare ? 1 : 0;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A server bigint as the port's number. Revisions and counts stay far below 2^53; beyond it this refuses. */
export const toSafeNumber = (value: bigint, what: string): number => {
  if (value > MAX_SAFE || value < -MAX_SAFE) throw new RangeError(`EventStoreDB ${what} ${value} does not fit in a JavaScript number`);
  return Number(value);
};

/**
 * The log under the index changed: the event at a position this process already numbered now lies elsewhere in
 * `$all`. Happens only if events of the store were removed (a deleted or truncated stream, then a scavenge).
 */
export class LogChangedError extends Error {
  readonly _tag = 'EventStoreDbLogChanged';
  constructor(ordinal: number, known: Position, seen: Position) {
    super(
      `EventStoreDB: the store's event ${ordinal} was at $all ${formatPosition(known)} and is now read at ${formatPosition(seen)}; ` +
        'were events of this store deleted and scavenged? Positions are only stable on an append-only log.',
    );
    this.name = 'LogChangedError';
  }
}

export const formatPosition = (p: Position): string => `${p.commit}/${p.prepare}`;

/**
 * Store position n (1-based) ↔ the `$all` position of the store's n-th event. Two growable 64-bit arrays: 16
 * bytes per event (a million events: 16 MB). Several readers may extend it at once: they read the same log, so a
 * number recorded twice must name the same `$all` position, and a mismatch is a `LogChangedError`.
 */
export class PositionIndex {
  #commit = new BigUint64Array(1024);
  #prepare = new BigUint64Array(1024);
  #count = 0;

  /** How many of the store's events are numbered: the highest position known. */
  get count(): number {
    return this.#count;
  }

  /** The `$all` position of the store's event `ordinal`; undefined for 0 (before the first event). */
  positionAt(ordinal: number): Position | undefined {
    if (!Number.isSafeInteger(ordinal) || ordinal < 0 || ordinal > this.#count) throw new RangeError(`position ${ordinal} is not indexed (indexed: ${this.#count})`);
    if (ordinal === 0) return undefined;
    return { commit: this.#commit[ordinal - 1] as bigint, prepare: this.#prepare[ordinal - 1] as bigint };
  }

  /** The last numbered event's `$all` position; undefined while none is. */
  get last(): Position | undefined {
    return this.positionAt(this.#count);
  }

  /** Numbers the event at `position` as `ordinal`: the next number, or one already given to that same position. */
  record(ordinal: number, position: Position): void {
    if (ordinal <= this.#count) {
      const known = this.positionAt(ordinal) as Position;
      if (comparePositions(known, position) !== 0) throw new LogChangedError(ordinal, known, position);
      return;
    }
    if (ordinal !== this.#count + 1) throw new RangeError(`position ${ordinal} recorded after ${this.#count}: numbers must be given in order`);
    if (position.commit < 0n || position.prepare < 0n) throw new RangeError(`$all position ${formatPosition(position)} is not a stored event's`);
    const last = this.last;
    if (last !== undefined && comparePositions(last, position) >= 0)
      throw new RangeError(`$all position ${formatPosition(position)} does not follow ${formatPosition(last)}`);
    if (this.#count === this.#commit.length) this.#grow();
    this.#commit[this.#count] = position.commit;
    this.#prepare[this.#count] = position.prepare;
    this.#count++;
  }

  /** The number of the event at exactly `position`; undefined when no numbered event is there. */
  ordinalOf(position: Position): number | undefined {
    let low = 0;
    let high = this.#count - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const order = comparePositions({ commit: this.#commit[mid] as bigint, prepare: this.#prepare[mid] as bigint }, position);
      if (order === 0) return mid + 1;
      if (order < 0) low = mid + 1;
      else high = mid - 1;
    }
    return undefined;
  }

  #grow(): void {
    const commit = new BigUint64Array(this.#commit.length * 2);
    const prepare = new BigUint64Array(this.#prepare.length * 2);
    commit.set(this.#commit);
    prepare.set(this.#prepare);
    this.#commit = commit;
    this.#prepare = prepare;
  }
}
