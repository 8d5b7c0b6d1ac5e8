import type { DomainEventType } from '@kessai/domain';
import type { ProjectedEvent } from './event.js';
import type { DocumentIndex } from './read-model-store.js';

/**
 * What a view reads and writes while it applies one event. Reads see the writes of the views applied before it
 * for the same event (views run in a fixed order), so an embedded object is the same document its own view holds.
 */
export interface DocumentAccess {
  get<Doc>(collection: string, merchant: string, id: string): Doc | null;
  put(collection: string, merchant: string, id: string, doc: unknown, index: DocumentIndex | null): void;
  delete(collection: string, merchant: string, id: string): void;
}

/**
 * A pure view: given one event and access to documents, it writes documents. It never throws over a recorded
 * fact: an event that does not fit (a card update for a card it never saw) is ignored, and tests prove no such
 * event occurs in generated workloads.
 */
export interface View {
  readonly name: string;
  readonly collections: readonly string[];
  readonly handles: ReadonlySet<DomainEventType>;
  readonly apply: (event: ProjectedEvent, docs: DocumentAccess) => void;
}

/**
 * Documents of every merchant share a collection; the store key keeps merchants apart (customer ids repeat across
 * them). Views address documents by (merchant, id); only the store sees this key.
 */
export const docKey = (merchant: string, id: string) => `${merchant}/${id}`;
