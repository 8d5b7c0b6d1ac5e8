import { decodeEvent, decodeFrozenEvent, type DomainEvent, type StoredEvent } from '@kessai/domain';

/** A domain event as projections see it: decoded, with where and when it was recorded. */
export interface ProjectedEvent {
  readonly event: DomainEvent;
  readonly stream: string;
  readonly revision: number;
  readonly position: number;
  readonly merchant: string;
  readonly correlationId: string;
  /** Epoch ms at which the fact happened (the command's time). */
  readonly occurredAt: number;
}

/**
 * What is remembered of frozen stored events (the memory store hands out the same deeply frozen object for an event
 * every time, so a decoding of it stays true): those at their current version whose data passed its schema, which
 * then serve as their own domain event (`type` and `data` are all a domain event is), and the decodings of older
 * versions, upcast once. A million events are thus parsed once per process, not once per rebuild, for a few bytes
 * each; the ProjectedEvent around them is made anew by each run and dies young. Stores that read fresh rows
 * (PostgreSQL) are parsed on every read.
 */
const validated = new WeakSet<StoredEvent>();
const upcast = new WeakMap<StoredEvent, DomainEvent>();

const domainEventOf = (stored: StoredEvent): DomainEvent => {
  if (validated.has(stored)) return stored as unknown as DomainEvent;
  const known = upcast.get(stored);
  if (known !== undefined) return known;
  if (!Object.isFrozen(stored) || !Object.isFrozen(stored.data)) return decodeEvent(stored);
  const event = decodeFrozenEvent(stored);
  if (event.data !== stored.data) {
    upcast.set(stored, event);
    return event;
  }
  validated.add(stored);
  return stored as unknown as DomainEvent;
};

/** Decodes a stored event (parsing and upcasting); throws EventDecodingError naming stream, revision, position. */
export const toProjected = (stored: StoredEvent): ProjectedEvent => ({
  event: domainEventOf(stored),
  stream: stored.stream,
  revision: stored.revision,
  position: stored.position,
  merchant: stored.metadata.merchant,
  correlationId: stored.metadata.correlationId,
  occurredAt: stored.metadata.occurredAt,
});
