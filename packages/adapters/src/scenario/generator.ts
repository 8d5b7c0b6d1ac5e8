import { unsafeId, type MerchantId } from '@kessai/domain';
import { testModeKessai } from '../app/test-mode-kessai.js';
import { INCIDENT_WINDOW, type TimeWindow } from '../test-mode/cvc-verifier.js';
import { SeededRandom } from '../test-mode/seeded.js';
import { ScenarioApi, type OperationCounts } from './api.js';
import { expireCharge } from './charge-scenes.js';
import type { SceneContext } from './context.js';
import { coverageFlows, type CoverageFlow } from './coverage.js';
import { randomScene } from './mix.js';
import { MerchantModel } from './model.js';
import { chance } from './values.js';

export type TestModeKessai = ReturnType<typeof testModeKessai>;

export interface GenerateScenarioOptions {
  readonly seed: number;
  /** How many merchants (merchant_a, merchant_b, ...). Default 3. */
  readonly merchants?: number;
  /** Stop once the store holds at least this many events (the coverage flows always run in full). Default 5,000. */
  readonly targetEvents?: number;
  /** The fault window. Default: the incident's, 2017-06-07 16:55 to 21:55 JST. */
  readonly window?: TimeWindow;
  /**
   * Hours of traffic before the window opens and after it closes. Default 4 and 4. A larger target makes the
   * traffic denser (less simulated time per call), never longer.
   */
  readonly spreadHours?: { readonly before: number; readonly after: number };
  /** Told the store's event count about every 1,000 events, and at the end. */
  readonly onProgress?: (events: number) => void;
  /**
   * A test-mode Kessai to drive; by default a new one with the fault window and the clock at the start. The
   * workload runs `kessai.commands` (nothing is projected): call `kessai.runner.catchUp()` afterwards for reads.
   */
  readonly kessai?: TestModeKessai;
}

export interface WindowToken {
  readonly token: string;
  readonly merchant: string;
  /** Whether a CVC was sent: true marks the incident's signature (sent, yet unchecked). */
  readonly cvc: boolean;
}

export interface ScenarioStats {
  /** Events in the store at the end. */
  readonly events: number;
  readonly calls: number;
  /** Simulated time the workload covered (epoch ms). */
  readonly simulated: { readonly from: number; readonly to: number };
  readonly totals: OperationCounts;
  readonly byMerchant: Readonly<Record<string, OperationCounts>>;
  readonly tokens: { readonly created: number; readonly inWindow: number; readonly refused: number };
  readonly expired: number;
}

export type Scenario = TestModeKessai & { readonly stats: ScenarioStats; readonly windowTokens: readonly WindowToken[] };

const HOUR_MS = 3_600_000;

/** merchant_a ... merchant_z, merchant_aa ... */
export const merchantName = (index: number): MerchantId => {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(97 + ((n - 1) % 26)) + name;
  return unsafeId.merchant(`merchant_${name}`);
};

const check = (ok: boolean, message: string) => {
  if (!ok) throw new RangeError(`generateScenario: ${message}`);
};

interface Period {
  readonly from: number;
  readonly to: number;
  /** Store size to reach by the end of the period. */
  readonly budget: number;
}

/**
 * A seeded workload across the fault window, driven only through the public Kessai API (it appends nothing
 * itself). Every merchant runs the coverage flows before, inside and after the window, interleaved with a random
 * mix of every operation; the clock moves by seeded jittered steps sized so that the target is reached as the
 * spread ends. One-day authorizations lapse at midnight in Japan (15:00 UTC, inside the default spread) and are
 * expired as a scheduler would; a merchant left without any expiry by the end gets one after the spread (the clock
 * moves past a hold's lapse), so `stats.simulated.to` may pass the spread's end by up to a day.
 * The same seed and options give the same event stream, byte for byte. An answer the workload did not expect
 * (a library bug) throws UnexpectedOutcomeError naming the call.
 */
export const generateScenario = async (options: GenerateScenarioOptions): Promise<Scenario> => {
  const window = options.window ?? INCIDENT_WINDOW;
  const merchantCount = options.merchants ?? 3;
  const target = options.targetEvents ?? 5_000;
  const spread = options.spreadHours ?? { before: 4, after: 4 };
  check(Number.isSafeInteger(window.from) && Number.isSafeInteger(window.to) && window.from < window.to, 'window needs integer epoch ms with from < to.');
  check(Number.isInteger(merchantCount) && merchantCount >= 1 && merchantCount <= 702, `merchants must be an integer from 1 to 702, got ${merchantCount}.`);
  check(Number.isSafeInteger(target) && target >= 0, `targetEvents must be an integer >= 0, got ${target}.`);
  check([spread.before, spread.after].every((h) => Number.isFinite(h) && h >= 0), 'spreadHours must be hours >= 0.');

  const start = window.from - Math.round(spread.before * HOUR_MS);
  const end = window.to + Math.round(spread.after * HOUR_MS);
  const parts = options.kessai ?? testModeKessai({ seed: options.seed, startAt: start, faultWindow: window });
  const { kessai, clock, events } = parts;

  // Mixed so the workload's draws do not replay the id generator's (seeded from the same number).
  const root = new SeededRandom((Math.imul(options.seed ^ 0x6b657373, 0x9e3779b1) ^ 0x5ce7a1) >>> 0);
  const random = root.fork();
  const pacing = root.fork();
  const poolRandom = root.fork();
  const merchants = Array.from({ length: merchantCount }, (_, i) => new MerchantModel(merchantName(i), poolRandom));
  const byId = new Map(merchants.map((m) => [m.id as string, m]));
  const api = new ScenarioApi(events, clock, (id) => byId.get(id)!.counts);
  const initial = await events.headPosition();
  const stored = () => initial + api.recordedEvents;

  const windowTokens: WindowToken[] = [];
  let tokensCreated = 0;
  let period: Period = { from: start, to: start, budget: initial };
  /** Coverage flows still to run in this period. */
  let pending: Array<{ readonly flow: CoverageFlow; readonly m: MerchantModel }> = [];
  let pendingCalls = 0;

  /** One jittered step, sized from the time and events left in the period; never past its last millisecond. */
  const pace = () => {
    const room = period.to - 1 - clock.now();
    if (room <= 0) return;
    const perCall = (api.recordedEvents + 16) / (api.calls + 10);
    const callsLeft = Math.max(1, (period.budget - stored()) / perCall) + pendingCalls;
    clock.advance(Math.min(room, Math.round(pacing.nextFloat() * 2 * (room / callsLeft))));
  };

  const ctx: SceneContext = {
    kessai,
    api,
    clock,
    random,
    window,
    pace,
    tokenCreated: (m, token) => {
      tokensCreated++;
      if (token.window) windowTokens.push({ token: token.id, merchant: m.id, cvc: token.cvc });
    },
  };

  let nextReport = Math.floor(stored() / 1000) * 1000 + 1000;
  const progress = () => {
    if (options.onProgress === undefined || stored() < nextReport) return;
    options.onProgress(stored());
    nextReport = Math.floor(stored() / 1000) * 1000 + 1000;
  };

  /** The scheduler's part: releases one lapsed one-day hold, if any merchant has one. */
  let sweep = 0;
  const expireOneLapsed = async (): Promise<boolean> => {
    for (let i = 0; i < merchants.length; i++) {
      const m = merchants[(sweep + i) % merchants.length]!;
      const charge = m.takeLapsed(clock.now());
      if (charge === undefined) continue;
      sweep = (sweep + i + 1) % merchants.length;
      await expireCharge(ctx, m, charge);
      return true;
    }
    return false;
  };

  const begun = Math.max(start, clock.now());
  const total = end - start;
  const spans = [
    { from: start, to: window.from },
    { from: window.from, to: window.to },
    { from: window.to, to: end },
  ].filter((p) => p.to > p.from);
  for (const span of spans) {
    if (clock.now() >= span.to) continue;
    clock.set(Math.max(clock.now(), span.from));
    period = { ...span, budget: initial + Math.ceil(Math.max(0, target - initial) * ((span.to - start) / Math.max(1, total))) };
    pending = shuffle(random, merchants.flatMap((m) => coverageFlows.map((flow) => ({ flow, m }))));
    pendingCalls = pending.reduce((n, p) => n + p.flow.calls, 0);
    // Spread the coverage flows over about the first half of the period (a scene records about 3 events).
    const share = Math.min(1, Math.max(0.05, (2 * pending.length) / Math.max(1, (period.budget - stored()) / 3)));
    while (stored() < period.budget || pending.length > 0) {
      if (!(await expireOneLapsed())) {
        if (pending.length > 0 && (stored() >= period.budget || chance(random, share))) {
          const { flow, m } = pending.pop()!;
          pendingCalls -= flow.calls;
          await flow.run(ctx, m);
        } else {
          await randomScene(ctx, random.pick(merchants));
        }
      }
      progress();
    }
  }

  // An authorization lapses at midnight in Japan at the earliest; if none lapsed for a merchant within the spread,
  // move the clock past one and expire it, so every merchant has an expiry.
  for (const m of merchants) {
    if (m.expired > 0) continue;
    const charge = m.nextHold() ?? m.authorized.pick();
    if (charge === undefined || charge.expiresAt === null) continue;
    clock.set(Math.max(clock.now(), charge.expiresAt + 1));
    await expireCharge(ctx, m, charge);
  }

  const head = await events.headPosition();
  options.onProgress?.(head);
  const stats: ScenarioStats = {
    events: head,
    calls: api.calls,
    simulated: { from: begun, to: clock.now() },
    totals: api.totals,
    byMerchant: Object.fromEntries(merchants.map((m) => [m.id, m.counts])),
    tokens: { created: tokensCreated, inWindow: windowTokens.length, refused: (api.totals.calls['tokens.create'] ?? 0) - tokensCreated },
    expired: merchants.reduce((n, m) => n + m.expired, 0),
  };
  return { ...parts, stats, windowTokens };
};

/** Fisher-Yates with the workload's randomness. */
const shuffle = <T>(random: SeededRandom, items: T[]): T[] => {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
};
