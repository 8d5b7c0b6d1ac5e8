import { CheckpointMovedError, type Generation, type PayjpEvent, type ReadModelStore } from '@kessai/projections';
import { MemoryReadModelStore } from '../memory/read-model-store.js';

/**
 * The webhook reactor's own state: its checkpoint (a global position in the event store) and a record per API
 * event still being delivered. It is delivery state, not a projection of domain events, so it lives apart from the
 * read models' generations and no rebuild touches it.
 */

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface EndpointDelivery {
  readonly url: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  /** Wall-clock ms of the next attempt while pending. */
  readonly nextAttemptAt: number;
  /** HTTP status of the last answer, or null when there was none (timeout, refused connection). */
  readonly lastStatus: number | null;
}

export interface DeliveryRecord {
  readonly key: string;
  readonly merchant: string;
  readonly eventId: string;
  /** Global position of the domain event that made the API event. */
  readonly position: number;
  /** The event as it was when the reactor reached it (receivers deduplicate by id). */
  readonly event: PayjpEvent;
  readonly endpoints: readonly EndpointDelivery[];
}

/** Where the reactor keeps its checkpoint and the records not yet fully delivered. */
export interface DeliveryStateStore {
  /** The checkpoint (null before the first start) and the records still pending or failed. */
  load(): Promise<{ readonly checkpoint: number | null; readonly records: readonly DeliveryRecord[] }>;
  /**
   * Records `position` as the checkpoint unless one is saved, in one step among every process sharing this state;
   * answers the checkpoint saved (this one, or the one found). Servers call it when they start, so the first to
   * start decides where delivery begins, whichever of them later takes the lease.
   */
  begin(position: number): Promise<number>;
  /** Commits a checkpoint and record changes together. */
  save(change: { readonly checkpoint?: number; readonly put?: readonly DeliveryRecord[]; readonly remove?: readonly string[] }): Promise<void>;
}

const stateCollection = 'webhook_deliveries';
const checkpointCollection = 'webhook_reactor';
const checkpointId = 'checkpoint';
/** A generation checkpoint used as a claim: moved from 0 once, by the process whose `begin` saved the checkpoint. */
const beginClaim = 'webhook-reactor-begun';

/**
 * Delivery state in a read model store's generation of its own (never the live one, so never touched by a rebuild).
 * Give it a store of its own, or a generation name no rebuild or cleanup will drop. With a memory store it lives
 * as long as the process; with a durable store it survives restarts.
 */
export const readModelDeliveryState = (store: ReadModelStore = new MemoryReadModelStore(), generationName = 'webhook-deliveries'): DeliveryStateStore => ({
  async load() {
    const generation = await store.generation(generationName);
    const checkpoint = await savedCheckpoint(generation);
    const records: DeliveryRecord[] = [];
    for await (const [, doc] of generation.scan(stateCollection)) records.push(doc as DeliveryRecord);
    records.sort((a, b) => a.position - b.position);
    return { checkpoint, records };
  },
  async begin(position) {
    const generation = await store.generation(generationName);
    const saved = await savedCheckpoint(generation);
    if (saved !== null) return saved;
    try {
      // The document and the claim commit together; of two processes starting at once, the second finds the claim
      // moved and reads what the first saved. (State saved before the claim existed has its document: see above.)
      await generation.commit(
        [{ collection: checkpointCollection, id: checkpointId, doc: { position }, index: null }],
        [{ projection: beginClaim, position: 1, from: 0 }],
      );
      return position;
    } catch (e) {
      if (!(e instanceof CheckpointMovedError)) throw e;
      const found = await savedCheckpoint(generation);
      if (found === null) throw new Error('webhook delivery state: begun by another process, but no checkpoint is saved', { cause: e });
      return found;
    }
  },
  async save(change) {
    const generation = await store.generation(generationName);
    await generation.commit(
      [
        ...(change.put ?? []).map((record) => ({ collection: stateCollection, id: record.key, doc: record, index: null })),
        ...(change.remove ?? []).map((key) => ({ collection: stateCollection, id: key, doc: null, index: null })),
        ...(change.checkpoint === undefined ? [] : [{ collection: checkpointCollection, id: checkpointId, doc: { position: change.checkpoint }, index: null }]),
      ],
      [],
    );
  },
});

const savedCheckpoint = async (generation: Generation): Promise<number | null> =>
  ((await generation.get(checkpointCollection, checkpointId)) as { readonly position: number } | null)?.position ?? null;

/** PAY.JP's `pending_webhooks`: the endpoints that have not answered 2xx (still trying, or given up). */
export const pendingCount = (record: DeliveryRecord | undefined) => (record === undefined ? 0 : record.endpoints.filter((e) => e.status !== 'delivered').length);
