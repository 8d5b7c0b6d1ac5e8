import { jsonEvent, type EventData, type JSONType } from '@eventstore/db-client';
import type { EventMetadata, EventToAppend, ExpectedRevision, StoredEvent } from '@kessai/domain';
import { eventIdOf } from './event-id.js';
import { toSafeNumber } from './positions.js';

/**
 * How the port's events are written to and read from EventStoreDB. Streams map 1:1: the port's stream `s` is the
 * server stream `prefix + s` (the prefix is empty by default; tests give each store its own). Each event is a JSON
 * event with the port's `type`, its `data` as the JSON body, and as metadata the port's EventMetadata plus the
 * schema `eventVersion`, and the correlation and causation ids once more under EventStoreDB's own names (`$correlationId`,
 * `$causationId`), so that the server's `$by_correlation_id` projection groups the events of one command.
 */

/** Metadata keys the adapter adds; reading removes them again, so readers get the EventMetadata that was appended. */
const VERSION_KEY = 'eventVersion';
const ADDED_KEYS: ReadonlySet<string> = new Set([VERSION_KEY, '$correlationId', '$causationId']);

/** A prefix may not start a system stream (`$…`), whose events the store hides. */
export const checkStreamPrefix = (prefix: string): string => {
  if (typeof prefix !== 'string' || prefix.startsWith('$')) throw new TypeError(`EventStoreDB stream prefix must not start with $: ${String(prefix)}`);
  return prefix;
};

/** The server stream of the port's `stream`. System streams are refused: reads of the store would not show them. */
export const serverStreamOf = (prefix: string, stream: unknown): string => {
  if (typeof stream !== 'string' || stream === '') throw new TypeError('append: stream must be a non-empty string');
  const name = prefix + stream;
  if (name.startsWith('$')) throw new TypeError(`EventStoreDB: ${name} would be a system stream`);
  return name;
};

/** The fields of a recorded event the store needs (the client's RecordedEvent and AllStreamRecordedEvent have them). */
export interface RecordedLike {
  readonly streamId: string;
  readonly revision: bigint;
  readonly type: string;
  readonly created: Date;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly isJson: boolean;
}

/**
 * Whether an event read from the server belongs to the store: in a stream under the prefix, and not a system event
 * (a `$`-type such as the `$>` links of the standard projections, or anything in a `$` stream).
 */
export const belongsToStore = (prefix: string, recorded: Pick<RecordedLike, 'streamId' | 'type'>): boolean =>
  recorded.streamId.startsWith(prefix) && !recorded.streamId.startsWith('$') && !recorded.type.startsWith('$');

/** The same checks as the other stores, plus no `$` types: those are the server's own and hidden from reads. */
export const checkEvent = (event: EventToAppend): void => {
  if (typeof event.type !== 'string' || event.type === '') throw new TypeError('append: event type must be a non-empty string');
  if (event.type.startsWith('$')) throw new TypeError(`append: event type ${event.type} is reserved for EventStoreDB's system events`);
  if (!Number.isInteger(event.version) || event.version < 1)
    throw new TypeError(`append: event version must be an integer >= 1, got ${String(event.version)}`);
  if (typeof event.metadata !== 'object' || event.metadata === null) throw new TypeError('append: event metadata is missing');
};

export const encodeMetadata = (metadata: EventMetadata, version: number): Record<string, unknown> => ({
  ...metadata,
  [VERSION_KEY]: version,
  $correlationId: metadata.correlationId,
  ...(metadata.causationId === null ? {} : { $causationId: metadata.causationId }),
});

/** The schema version and the port's metadata of a stored event; a string says what is wrong with it. */
export const decodeMetadata = (raw: unknown): { readonly version: number; readonly metadata: EventMetadata } | string => {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || raw instanceof Uint8Array) return 'its metadata is not a JSON object';
  const version = (raw as Record<string, unknown>)[VERSION_KEY];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) return `its metadata has no ${VERSION_KEY} (an integer >= 1)`;
  const metadata = Object.fromEntries(Object.entries(raw).filter(([key]) => !ADDED_KEYS.has(key))) as unknown as EventMetadata;
  return { version, metadata };
};

/** One event of an append, with its deterministic id (see event-id.ts). */
export const encodeEvent = (serverStream: string, expected: ExpectedRevision, index: number, event: EventToAppend): EventData =>
  jsonEvent({
    id: eventIdOf(serverStream, expected, index, event),
    type: event.type,
    // The client only JSON.stringifies `data`; any JSON value round-trips, not only the objects its type names.
    data: (event.data ?? null) as JSONType,
    metadata: encodeMetadata(event.metadata, event.version),
  });

/**
 * A stored event of the store as the port's StoredEvent at store position `position`. An event the adapter could
 * not have written (binary data, no version) stops the reader with an error naming it; it is never skipped.
 */
export const decodeRecorded = (prefix: string, recorded: RecordedLike, position: number): StoredEvent => {
  const where = () => `EventStoreDB event ${recorded.streamId}@${recorded.revision} (store position ${position})`;
  if (!recorded.isJson) throw new Error(`${where()} is not JSON; the store writes only JSON events`);
  const decoded = decodeMetadata(recorded.metadata);
  if (typeof decoded === 'string') throw new Error(`${where()} cannot be read: ${decoded}`);
  return {
    stream: recorded.streamId.slice(prefix.length),
    revision: toSafeNumber(recorded.revision, 'revision'),
    position,
    type: recorded.type,
    version: decoded.version,
    data: recorded.data,
    metadata: decoded.metadata,
    recordedAt: recorded.created.getTime(),
  };
};
