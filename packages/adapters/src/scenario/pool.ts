import type { SeededRandom } from '../test-mode/seeded.js';

/**
 * A set of live objects to pick from at random in O(1): add, remove (swap with the last) and pick. With a
 * capacity, a full pool replaces a random member, so a million-event workload keeps a bounded working set; the
 * object replaced still exists in the store, the workload just stops touching it.
 */
export class Pool<T> {
  readonly #items: T[] = [];
  readonly #index = new Map<T, number>();
  readonly #capacity: number;
  readonly #random: SeededRandom;

  constructor(random: SeededRandom, capacity = Number.POSITIVE_INFINITY) {
    this.#random = random;
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#items.length;
  }

  has(item: T): boolean {
    return this.#index.has(item);
  }

  add(item: T): void {
    if (this.#index.has(item)) return;
    if (this.#items.length < this.#capacity) {
      this.#index.set(item, this.#items.length);
      this.#items.push(item);
      return;
    }
    const slot = this.#random.int(0, this.#items.length - 1);
    this.#index.delete(this.#items[slot]!);
    this.#items[slot] = item;
    this.#index.set(item, slot);
  }

  remove(item: T): void {
    const slot = this.#index.get(item);
    if (slot === undefined) return;
    const last = this.#items.pop()!;
    this.#index.delete(item);
    if (last !== item) {
      this.#items[slot] = last;
      this.#index.set(last, slot);
    }
  }

  /** A random member, or undefined when empty. */
  pick(): T | undefined {
    return this.#items.length === 0 ? undefined : this.#items[this.#random.int(0, this.#items.length - 1)];
  }

  /** Up to `tries` random members until one satisfies `accept`. */
  pickWhere(accept: (item: T) => boolean, tries = 4): T | undefined {
    for (let i = 0; i < tries; i++) {
      const item = this.pick();
      if (item === undefined) return undefined;
      if (accept(item)) return item;
    }
    return undefined;
  }
}

/**
 * A first-in first-out queue with O(1) push and shift (an array and a head index, compacted as it drains), for
 * authorizations in the order they lapse.
 */
export class Fifo<T> {
  #items: T[] = [];
  #head = 0;

  get size(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  peek(): T | undefined {
    return this.#items[this.#head];
  }

  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head++];
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }
}
