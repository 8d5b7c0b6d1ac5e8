/**
 * A deep, frozen copy of JSON-like data (plain objects, arrays, primitives). The memory store keeps history this way
 * so that it behaves like a durable store: what a caller appended, or later mutates, is not what the store holds.
 * Anything a JSON column could not hold faithfully (class instances, Dates, Maps, functions, symbols, bigints) is
 * refused rather than silently stored differently from PostgreSQL or EventStoreDB.
 */
export const frozenCopy = (value: unknown): unknown => {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'undefined':
      return value;
    case 'object':
      return Array.isArray(value) ? copyArray(value) : copyObject(value);
  }
  // bigint, symbol, function
  throw new TypeError(`Event data must be JSON-like; found a ${typeof value}`);
};

const copyArray = (array: readonly unknown[]): readonly unknown[] => {
  const out = new Array<unknown>(array.length);
  for (let i = 0; i < array.length; i++) out[i] = frozenCopy(array[i]);
  return Object.freeze(out);
};

const copyObject = (object: object): object => {
  const proto: unknown = Object.getPrototypeOf(object);
  if (proto !== Object.prototype && proto !== null) {
    const name = (object as { constructor?: { name?: unknown } }).constructor?.name;
    throw new TypeError(`Event data must be JSON-like; found an instance of ${String(name ?? 'an unknown class')}`);
  }
  const out: Record<string, unknown> = {};
  for (const key in object) out[key] = frozenCopy((object as Record<string, unknown>)[key]);
  return Object.freeze(out);
};
