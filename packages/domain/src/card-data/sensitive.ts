/**
 * A card number or CVC held in memory for the moment it is needed. It never serialises: JSON, string conversion
 * and Node's inspect all print a placeholder, so a careless log line or error cannot carry it.
 */
export interface Sensitive {
  readonly reveal: () => string;
  readonly toJSON: () => string;
  readonly toString: () => string;
}

const REDACTED = '[redacted]';
const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

export const sensitive = (value: string): Sensitive =>
  Object.freeze({
    reveal: () => value,
    toJSON: () => REDACTED,
    toString: () => REDACTED,
    [inspectSymbol]: () => REDACTED,
  });
