import type { AppendRequest, AppendResult, CardNetwork, CardVault, Clock, CvcVerifier, EventStore, IdGenerator, MerchantId, Sensitive, VaultRef } from '@kessai/domain';
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
  /**
   * Stores whose vault and event store share a database (PostgreSQL) record a token's card number and its events
   * in one transaction, so that no card number is kept for a token that was never recorded. Without it, the
   * number is stored first, then the events appended.
   */
  readonly cardsWithEvents?: CardsWithEvents;
}

/** A card number and the events that refer to it, committed together (see PostgresCardsWithEvents). */
export interface CardsWithEvents {
  append(requests: readonly AppendRequest[], card: { readonly ref: VaultRef; readonly pan: Sensitive }): Promise<readonly AppendResult[]>;
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

const requestsOf = (run: CommandRun, appends: readonly StreamAppend[]): AppendRequest[] =>
  toAppendRequests(appends, {
    merchant: run.merchant,
    correlationId: run.correlationId,
    causationId: null,
    idempotencyKey: run.idempotencyKey,
    occurredAt: run.at,
  });

/** Appends one command's events; on the stores that can, all streams commit together. */
export const commit = async (ports: CommandPorts, run: CommandRun, appends: readonly StreamAppend[]): Promise<number> => {
  const requests = requestsOf(run, appends);
  if (requests.length === 0) return 0;
  const results = requests.length === 1 ? [await ports.events.append(requests[0]!)] : await ports.events.appendMany(requests);
  return Math.max(...results.map((r) => r.position));
};

/** Stores a card number and appends the events that refer to it: together where the stores can, else number first. */
export const commitWithCard = async (ports: CommandPorts, run: CommandRun, card: { readonly ref: VaultRef; readonly pan: Sensitive }, appends: readonly StreamAppend[]): Promise<number> => {
  if (ports.cardsWithEvents === undefined) {
    await ports.vault.store(card.ref, card.pan);
    return commit(ports, run, appends);
  }
  const results = await ports.cardsWithEvents.append(requestsOf(run, appends), card);
  return Math.max(0, ...results.map((r) => r.position));
};
