/**
 * A deep, frozen copy of JSON-like data (plain objects, arrays, primitives). The memory store keeps history this way
 * so that it behaves like a durable store: what a caller appended, or later mutates, is not what the store holds.
 * Anything a JSON column could not hold faithfully (class instances, Dates, Maps, functions, symbols, bigints) is
 * refused rather than silently stored differently from PostgreSQL or EventStoreDB.
 *
 * With a `StringPool`, equal strings are kept once: a million events repeat the same merchant, brand, verifier and
 * check values, and every id comes back in later events (a token's id in the card and charges made from it). The
 * copy is frozen, so sharing is invisible to readers. Empty objects and arrays are shared the same way.
 */
export const frozenCopy = (value: unknown, strings?: StringPool): unknown => {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
      return strings === undefined ? value : strings.intern(value);
    case 'number':
    case 'boolean':
    case 'undefined':
      return value;
    case 'object':
      return Array.isArray(value) ? copyArray(value, strings) : copyObject(value, strings);
  }
  // bigint, symbol, function
  throw new TypeError(`Event data must be JSON-like; found a ${typeof value}`);
};

/** One copy of each string a store keeps (short ones only: long free text rarely repeats). */
export class StringPool {
  readonly #strings = new Map<string, string>();

  intern(value: string): string {
    if (value.length > MAX_POOLED_LENGTH) return value;
    const known = this.#strings.get(value);
    if (known !== undefined) return known;
    this.#strings.set(value, value);
    return value;
  }
}

/** Ids, fingerprints, names and codes are well under this; descriptions and metadata values may not be. */
const MAX_POOLED_LENGTH = 80;

const EMPTY_OBJECT = Object.freeze({});
const EMPTY_ARRAY: readonly unknown[] = Object.freeze([]);

const copyArray = (array: readonly unknown[], strings: StringPool | undefined): readonly unknown[] => {
  if (array.length === 0) return EMPTY_ARRAY;
  const out = new Array<unknown>(array.length);
  for (let i = 0; i < array.length; i++) out[i] = frozenCopy(array[i], strings);
  return Object.freeze(out);
};

const copyObject = (object: object, strings: StringPool | undefined): object => {
  const proto: unknown = Object.getPrototypeOf(object);
  if (proto !== Object.prototype && proto !== null) {
    const name = (object as { constructor?: { name?: unknown } }).constructor?.name;
    throw new TypeError(`Event data must be JSON-like; found an instance of ${String(name ?? 'an unknown class')}`);
  }
  let out: Record<string, unknown> | undefined;
  for (const key in object) {
    out ??= {};
    out[key] = frozenCopy((object as Record<string, unknown>)[key], strings);
  }
  return out === undefined ? EMPTY_OBJECT : Object.freeze(out);
};
