import { createHash } from 'node:crypto';
import type { EventToAppend, ExpectedRevision } from '@kessai/domain';

/**
 * Event ids. EventStoreDB takes the event id as its idempotency key: when an append names an expected revision (or
 * NO_STREAM) that the stream has already passed, the server compares the incoming ids with the events stored right
 * after that revision and, when they all match, answers success with the original result and writes nothing. With
 * ANY / STREAM_EXISTS it only checks a cache of recently written ids (best effort, lost on restart). The client's
 * default id is a random UUID, which defeats all of that: a retry after a lost answer would write the events twice.
 *
 * So each id is a UUIDv5 of the append itself: the server stream, the expectation, the event's index in the append,
 * and the event (type, version, data, metadata; the metadata holds the command's correlation id, idempotency key
 * and occurred-at time). For a numeric or NO_STREAM expectation, (expectation, index) is the revision the event is
 * to get, so this is (stream, revision-to-be, correlation) plus the content. Why the content too:
 * - a retried append of the same command (same request, sent again after a timeout or a dropped connection) has
 *   the same ids, so the server recognises it and nothing is written twice;
 * - a different event can never share an id with a stored one. If it could, the server would answer "success"
 *   for an event it never wrote (say a command re-decided at the same revision with a later clock), and the
 *   caller would believe in a write that did not happen. With the content in the id it gets a conflict instead,
 *   reloads and decides again, as the port promises.
 * Under ANY, the same batch appended twice within the server's cache window counts as a retry: identical events
 * with identical metadata (same correlation id and time) are one fact, not two.
 */
export const eventIdOf = (serverStream: string, expected: ExpectedRevision, index: number, event: EventToAppend): string =>
  uuidV5(EVENT_ID_NAMESPACE, stableJson([serverStream, expected, index, event.type, event.version, event.data ?? null, event.metadata]));

/** uuid5(NAMESPACE_URL, "urn:kessai:eventstoredb:event-id"): fixed forever, or retries across a change would not match. */
export const EVENT_ID_NAMESPACE = '96c2a683-9473-5ad4-9135-1a429d22f7f5';

/** JSON with object keys sorted, so that the same value always gives the same text, whatever built it. */
export const stableJson = (value: unknown): string =>
  JSON.stringify(value, (_, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );

/** A name-based UUID (RFC 9562 version 5: SHA-1 of namespace bytes and name, version and variant bits set). */
export const uuidV5 = (namespace: string, name: string): string => {
  const hex = namespace.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new TypeError(`Not a UUID: ${namespace}`);
  const bytes = createHash('sha1').update(Buffer.from(hex, 'hex')).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};
