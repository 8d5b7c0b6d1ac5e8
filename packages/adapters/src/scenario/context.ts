import type { Kessai } from '../app/kessai.js';
import type { TimeWindow } from '../test-mode/cvc-verifier.js';
import type { SeededRandom, SimulatedClock } from '../test-mode/seeded.js';
import type { ScenarioApi } from './api.js';
import type { MerchantModel, TokenRecord } from './model.js';

/** What every scene needs: the API, the workload's randomness, and the clock it moves between calls. */
export interface SceneContext {
  readonly kessai: Kessai;
  readonly api: ScenarioApi;
  readonly clock: SimulatedClock;
  readonly random: SeededRandom;
  readonly window: TimeWindow;
  /** Moves the clock one jittered step forward; every scene calls it before each API call. */
  readonly pace: () => void;
  /** Told of every token created (the generator lists the ones made inside the window). */
  readonly tokenCreated: (merchant: MerchantModel, token: TokenRecord) => void;
}
