/**
 * A set of document keys (collection, merchant, id) held as 52-bit hashes in an open-addressing table: about
 * 11 bytes a key, where a Set of key strings would take 60 or more. It answers "maybe" for a key it holds and, for
 * a key it does not, "no" except when another key has the same hash (about one in 10^9 for a million keys). Used by
 * the document cache to remember which documents it dropped from memory: a false "maybe" costs one store read that
 * finds nothing, never a wrong answer.
 */
export class KeySet {
  /** 0 marks an empty slot; a key hashing to 0 is stored as 1. */
  private slots = new Float64Array(1 << 16);
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(collection: string, merchant: string, id: string): void {
    if ((this.count + 1) * 4 > this.slots.length * 3) this.grow();
    if (this.insert(hash(collection, merchant, id))) this.count++;
  }

  has(collection: string, merchant: string, id: string): boolean {
    const h = hash(collection, merchant, id);
    const mask = this.slots.length - 1;
    for (let i = h % this.slots.length; ; i = (i + 1) & mask) {
      const slot = this.slots[i]!;
      if (slot === h) return true;
      if (slot === 0) return false;
    }
  }

  /** Stores a hash; false when it was there already. */
  private insert(h: number): boolean {
    const mask = this.slots.length - 1;
    for (let i = h % this.slots.length; ; i = (i + 1) & mask) {
      const slot = this.slots[i]!;
      if (slot === h) return false;
      if (slot === 0) {
        this.slots[i] = h;
        return true;
      }
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Float64Array(old.length * 2);
    for (const h of old) if (h !== 0) this.insert(h);
  }
}

/**
 * Two 32-bit FNV-1a-style hashes of the key's parts (different offsets and mixing, so they differ), combined into
 * 52 bits: exact in a double, no string built.
 */
const hash = (collection: string, merchant: string, id: string): number => {
  let a = 0x811c9dc5;
  let b = 0x9e3779b9;
  for (let part = 0; part < 3; part++) {
    const s = part === 0 ? collection : part === 1 ? merchant : id;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
    }
    // A separator, so that ("ab", "c") and ("a", "bc") differ.
    a = Math.imul(a ^ 0xff, 0x01000193);
    b = Math.imul(b ^ 0xff, 0x01000193) ^ (b >>> 15);
  }
  const h = (a >>> 0) * 0x100000 + ((b >>> 0) & 0xfffff);
  return h === 0 ? 1 : h;
};
