import type { CardVault, EventStore } from '@kessai/domain';
import type { ReadModelStore, ViewSet } from '@kessai/projections';
import { MemoryEventStore } from '../memory/event-store.js';
import { MemoryReadModelStore } from '../memory/read-model-store.js';
import { MemoryCardVault } from '../test-mode/card-vault.js';
import { TestModeCardNetwork } from '../test-mode/card-network.js';
import { FaultWindowCvcVerifier, TestModeCvcVerifier, type TimeWindow } from '../test-mode/cvc-verifier.js';
import { SeededIdGenerator, SeededRandom, SimulatedClock } from '../test-mode/seeded.js';
import type { CardsWithEvents } from './context.js';
import { Kessai } from './kessai.js';

export interface TestModeOptions {
  /** Seeds ids; the same seed and the same calls give the same events, bit for bit. */
  readonly seed?: number;
  /** Where the simulated clock starts (epoch ms). */
  readonly startAt?: number;
  /** Run the faulty verifier of the 2017-06-07 incident in this window. */
  readonly faultWindow?: TimeWindow;
  readonly events?: EventStore;
  readonly readModels?: ReadModelStore;
  readonly views?: ViewSet;
  /** HMAC secret for card fingerprints (at least 16 bytes), for the default memory vault. */
  readonly vaultSecret?: string;
  /** Another vault (PostgreSQL's, for a workload stored there). */
  readonly vault?: CardVault;
  /** With a PostgreSQL vault and event store: a token's card number and events in one transaction. */
  readonly cardsWithEvents?: CardsWithEvents;
}

/**
 * kessai wired for tests, replays and the demo: memory stores, PAY.JP's test cards, a simulated clock, seeded ids.
 * The parts are returned too, so a test can move the clock or read the network's log.
 */
export const testModeKessai = (options: TestModeOptions = {}) => {
  const clock = new SimulatedClock(options.startAt ?? Date.UTC(2017, 5, 7, 0, 0));
  const random = new SeededRandom(options.seed ?? 1);
  const ids = new SeededIdGenerator(random.fork());
  const network = new TestModeCardNetwork();
  const plainVerifier = new TestModeCvcVerifier();
  const verifier = options.faultWindow === undefined ? plainVerifier : new FaultWindowCvcVerifier(plainVerifier, options.faultWindow);
  const vault = options.vault ?? new MemoryCardVault(options.vaultSecret ?? 'kessai-test-mode-fingerprint-secret');
  const events = options.events ?? new MemoryEventStore({ clock });
  const readModels = options.readModels ?? new MemoryReadModelStore();
  const kessai = new Kessai({
    events,
    readModels,
    vault,
    verifier,
    network,
    clock,
    ids,
    ...(options.views === undefined ? {} : { views: options.views }),
    ...(options.cardsWithEvents === undefined ? {} : { cardsWithEvents: options.cardsWithEvents }),
  });
  return { kessai, clock, ids, network, verifier, vault, events, readModels, random };
};
