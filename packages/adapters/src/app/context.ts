import type { CardNetwork, CardVault, Clock, CvcVerifier, EventStore, IdGenerator, MerchantId } from '@kessai/domain';
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

/** The facts every event of one command shares. */
export interface CommandRun {
  readonly merchant: MerchantId;
  readonly at: number;
  readonly correlationId: string;
  readonly idempotencyKey: string | null;
}

export const startRun = (ports: CommandPorts, merchant: MerchantId, options: CommandOptions): CommandRun => ({
  merchant,
  at: ports.clock.now(),
  correlationId: ports.ids.next('request'),
  idempotencyKey: options.idempotencyKey ?? null,
});

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
