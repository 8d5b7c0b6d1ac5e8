import { invalidParam } from './errors.js';
import { err, ok, type Result } from './result.js';

/** PAY.JP metadata: string keys to string values. */
export type Metadata = Readonly<Record<string, string>>;

export const MAX_METADATA_KEYS = 20;
export const MAX_METADATA_KEY_LENGTH = 40;
export const MAX_METADATA_VALUE_LENGTH = 500;

/** Checks a metadata object against PAY.JP's limits (20 keys, values up to 500 characters). */
export const validateMetadata = (metadata: Metadata): Result<Metadata> => {
  const keys = Object.keys(metadata);
  if (keys.length > MAX_METADATA_KEYS)
    return err(invalidParam('too_many_metadata_keys', 'metadata', `Metadata may hold at most ${MAX_METADATA_KEYS} keys.`));
  for (const key of keys) {
    if (key.length === 0 || key.length > MAX_METADATA_KEY_LENGTH)
      return err(
        invalidParam('invalid_metadata_key', `metadata[${key.slice(0, 40)}]`, `Metadata keys hold 1 to ${MAX_METADATA_KEY_LENGTH} characters.`),
      );
    const value = metadata[key];
    if (typeof value !== 'string' || value.length > MAX_METADATA_VALUE_LENGTH)
      return err(
        invalidParam('invalid_metadata_value', `metadata[${key}]`, `Metadata values are strings of at most ${MAX_METADATA_VALUE_LENGTH} characters.`),
      );
  }
  return ok(metadata);
};

/**
 * Merges an update into existing metadata the PAY.JP way: a key sent with an empty value is removed.
 * The result is checked against the limits again, since a merge can exceed them.
 */
export const mergeMetadata = (current: Metadata, update: Metadata): Result<Metadata> => {
  const merged: Record<string, string> = { ...current };
  for (const [key, value] of Object.entries(update)) {
    if (value === '') delete merged[key];
    else merged[key] = value;
  }
  return validateMetadata(merged);
};
