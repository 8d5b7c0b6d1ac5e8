import { decodeEvent, type DomainEvent, type StoredEvent } from '@kessai/domain';

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

/** Decodes a stored event (parsing and upcasting); throws EventDecodingError naming stream, revision, position. */
export const toProjected = (stored: StoredEvent): ProjectedEvent => ({
  event: decodeEvent(stored),
  stream: stored.stream,
  revision: stored.revision,
  position: stored.position,
  merchant: stored.metadata.merchant,
  correlationId: stored.metadata.correlationId,
  occurredAt: stored.metadata.occurredAt,
});
