import type { EventMetadata, EventToAppend, StoredEvent } from '@kessai/domain';
import { toSafeInteger } from './sql.js';

/** The columns every event read selects, in StoredEvent's terms (recorded time as epoch ms). */
export const EVENT_COLUMNS =
  'position, stream, revision, type, version, data, metadata, floor(extract(epoch FROM recorded_at) * 1000)::float8 AS recorded_at';

export interface EventRow {
  readonly position: string;
  readonly stream: string;
  readonly revision: string;
  readonly type: string;
  readonly version: number;
  readonly data: unknown;
  readonly metadata: EventMetadata;
  readonly recorded_at: number;
}

export const storedEventOf = (row: EventRow): StoredEvent => ({
  stream: row.stream,
  revision: toSafeInteger(row.revision, 'revision'),
  position: toSafeInteger(row.position, 'position'),
  type: row.type,
  version: row.version,
  data: row.data,
  metadata: row.metadata,
  recordedAt: row.recorded_at,
});

/** The same checks as the memory store, so that both refuse the same malformed events. */
export const checkEvent = (event: EventToAppend): void => {
  if (typeof event.type !== 'string' || event.type === '') throw new TypeError('append: event type must be a non-empty string');
  if (!Number.isInteger(event.version) || event.version < 1)
    throw new TypeError(`append: event version must be an integer >= 1, got ${String(event.version)}`);
  if (typeof event.metadata !== 'object' || event.metadata === null) throw new TypeError('append: event metadata is missing');
};

export const checkStream = (stream: unknown): string => {
  if (typeof stream !== 'string' || stream === '') throw new TypeError('append: stream must be a non-empty string');
  return stream;
};

/** A limit: an integer >= 0, or Infinity for none. Returns what SQL's LIMIT takes (null: no limit). */
export const sqlLimit = (limit: number): number | null => {
  if (limit === Number.POSITIVE_INFINITY) return null;
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`limit must be an integer >= 0, got ${limit}`);
  return limit;
};

export const checkRevision = (revision: number, name: 'from' | 'to'): number => {
  if (!Number.isInteger(revision) || revision < 0) throw new RangeError(`readStream: ${name} must be an integer >= 0, got ${revision}`);
  return revision;
};
