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
 * Decoded events by stored object. A store that hands out the same frozen object for the same event every time
 * (the memory store) is parsed once per process, not once per rebuild; stores that read fresh rows each time
 * (PostgreSQL) are parsed on every read. Frozen objects cannot change, so a cached decoding stays true.
 */
const decoded = new WeakMap<StoredEvent, ProjectedEvent>();

/** Decodes a stored event (parsing and upcasting); throws EventDecodingError naming stream, revision, position. */
export const toProjected = (stored: StoredEvent): ProjectedEvent => {
  const cached = decoded.get(stored);
  if (cached !== undefined) return cached;
  const frozen = Object.isFrozen(stored) && Object.isFrozen(stored.data);
  const projected: ProjectedEvent = {
    // Frozen data (the memory store deep-freezes what it keeps) is shared with the decoded event, not copied.
    event: frozen ? decodeFrozenEvent(stored) : decodeEvent(stored),
    stream: stored.stream,
    revision: stored.revision,
    position: stored.position,
    merchant: stored.metadata.merchant,
    correlationId: stored.metadata.correlationId,
    occurredAt: stored.metadata.occurredAt,
  };
  if (frozen) decoded.set(stored, projected);
  return projected;
};
