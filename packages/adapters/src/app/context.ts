import type { CardNetwork, CardVault, Clock, CvcVerifier, EventStore, IdGenerator, MerchantId } from '@kessai/domain';
import { DerivedIds } from './command-ids.js';
import { toAppendRequests, type StreamAppend } from './streams.js';

/** The ports a command needs. Test mode: seeded clock and ids, test-mode network and verifier, memory vault. */
export interface CommandPorts {
  readonly events: EventStore;
  readonly vault: CardVault;
  readonly verifier: CvcVerifier;
  readonly network: CardNetwork;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** kessai runs in test mode only: PAY.JP test cards, livemode false everywhere. */
  readonly livemode?: false;
}

export interface CommandOptions {
  /** Makes a retry of the same request safe (see Idempotency). Recorded in the events' metadata. */
  readonly idempotencyKey?: string;
}

/** What a command did: the object it is about, and the store position a reader must reach to see it. */
export interface Done {
  readonly id: string;
  readonly position: number;
}

/** The facts every event of one command shares, and where its new ids come from. Made once per command. */
export interface CommandRun {
  readonly merchant: MerchantId;
  readonly at: number;
  readonly correlationId: string;
  readonly idempotencyKey: string | null;
  /** Random ids, or ids derived from the idempotency key (so a re-run names the same objects). */
  readonly ids: IdGenerator;
}

export const startRun = (ports: CommandPorts, merchant: MerchantId, options: CommandOptions): CommandRun => {
  const key = options.idempotencyKey ?? null;
  const ids = key === null ? ports.ids : new DerivedIds(merchant, key);
  return { merchant, at: ports.clock.now(), correlationId: ids.next('request'), idempotencyKey: key, ids };
};

/** Appends one command's events; on the stores that can, all streams commit together. */
export const commit = async (ports: CommandPorts, run: CommandRun, appends: readonly StreamAppend[]): Promise<number> => {
  const requests = toAppendRequests(appends, {
    merchant: run.merchant,
    correlationId: run.correlationId,
    causationId: null,
    idempotencyKey: run.idempotencyKey,
    occurredAt: run.at,
  });
  if (requests.length === 0) return 0;
  const results = requests.length === 1 ? [await ports.events.append(requests[0]!)] : await ports.events.appendMany(requests);
  return Math.max(...results.map((r) => r.position));
};
