import type { Clock, ErrorCode, EventStore, MerchantId, Result, StoredEvent } from '@kessai/domain';
import type { Done } from '../app/context.js';

/** The public operations the workload calls, by their PAY.JP-style names. */
export const apiMethods = [
  'tokens.create',
  'customers.create',
  'customers.update',
  'customers.delete',
  'customers.cards.create',
  'customers.cards.update',
  'customers.cards.delete',
  'charges.create',
  'charges.update',
  'charges.capture',
  'charges.refund',
  'charges.reauth',
  'charges.expire',
] as const;
export type ApiMethod = (typeof apiMethods)[number];

/** What one call is expected to do. Anything else is a library bug and stops the workload. */
export type Expectation =
  /** Succeeds and records (at least) events of these types. */
  | { readonly outcome: 'recorded'; readonly types: readonly string[] }
  /** Is refused with this code and records nothing (a refused token, a reused token, a customer without a card). */
  | { readonly outcome: 'refused'; readonly code: ErrorCode }
  /** Is declined by the network: a ChargeFailed is recorded and the answer is a 402 with this code naming it. */
  | { readonly outcome: 'declined'; readonly code: ErrorCode };

export interface OperationCounts {
  /** Calls per API method. */
  readonly calls: Record<string, number>;
  /** Expected refusals per error code (nothing recorded). */
  readonly refused: Record<string, number>;
  /** Expected network declines per code (a failed charge recorded). */
  readonly declined: Record<string, number>;
}

export const emptyCounts = (): OperationCounts => ({
  calls: Object.fromEntries(apiMethods.map((m) => [m, 0])),
  refused: {},
  declined: {},
});

const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/** A call the library answered in a way the workload did not expect. */
export class UnexpectedOutcomeError extends Error {
  readonly _tag = 'UnexpectedOutcome';
  constructor(message: string) {
    super(message);
    this.name = 'UnexpectedOutcomeError';
  }
}

const describeResult = (result: Result<unknown>) =>
  result.ok ? 'success' : `${result.error.code} (${result.error.status}): ${result.error.message}`;

const describeExpectation = (e: Expectation) =>
  e.outcome === 'recorded' ? `success recording ${e.types.join(', ')}` : `${e.outcome} with ${e.code}`;

/** What a call did: the id it answered (null when refused or declined) and the events it recorded. */
export interface Outcome {
  readonly id: string | null;
  readonly recorded: readonly StoredEvent[];
}

/**
 * Runs the workload's calls through `kessai.commands` (the public operations without projecting, for bulk loads)
 * and checks each outcome against the store: what the call answered and which events it appended (read back from
 * the store after the call; the workload never appends).
 */
export class ScenarioApi {
  readonly #events: EventStore;
  readonly #clock: Clock;
  readonly #counts: (merchant: MerchantId) => OperationCounts;
  readonly totals: OperationCounts = emptyCounts();
  /** Calls made and events they recorded, across merchants. */
  calls = 0;
  recordedEvents = 0;

  constructor(events: EventStore, clock: Clock, counts: (merchant: MerchantId) => OperationCounts) {
    this.#events = events;
    this.#clock = clock;
    this.#counts = counts;
  }

  /** Runs one call; returns its id and the events it recorded, oldest first. Throws UnexpectedOutcomeError on a surprise. */
  async call(merchant: MerchantId, method: ApiMethod, expected: Expectation, run: () => Promise<Result<Done>>, note = ''): Promise<Outcome> {
    const head = await this.#events.headPosition();
    const result = await run();
    const recorded = await this.#events.readAll({ after: head, limit: 64 });
    const problem = this.#check(merchant, expected, result, recorded);
    if (problem !== null) {
      const at = new Date(this.#clock.now()).toISOString();
      const types = recorded.map((e) => e.type).join(', ') || 'nothing';
      throw new UnexpectedOutcomeError(
        `kessai scenario: ${method} for ${merchant} at ${at}${note === '' ? '' : ` (${note})`}: expected ${describeExpectation(expected)}, ` +
          `got ${describeResult(result)}, recorded ${types}. ${problem}`,
      );
    }
    this.calls++;
    this.recordedEvents += recorded.length;
    const counts = this.#counts(merchant);
    for (const c of [counts, this.totals]) {
      bump(c.calls, method);
      if (expected.outcome === 'refused') bump(c.refused, expected.code);
      if (expected.outcome === 'declined') bump(c.declined, expected.code);
    }
    return { id: result.ok ? result.value.id : null, recorded };
  }

  /** Why the outcome is not the expected one, or null when it is. */
  #check(merchant: MerchantId, expected: Expectation, result: Result<Done>, recorded: readonly StoredEvent[]): string | null {
    const foreign = recorded.find((e) => e.metadata.merchant !== merchant);
    if (foreign !== undefined) return `Event at position ${foreign.position} belongs to merchant ${foreign.metadata.merchant}.`;
    switch (expected.outcome) {
      case 'recorded': {
        const missing = expected.types.filter((t) => !recorded.some((e) => e.type === t));
        if (missing.length > 0) return `Missing ${missing.join(', ')}.`;
        if (!result.ok) return 'The call failed although it recorded its events.';
        const last = recorded.at(-1);
        return last === undefined || result.value.position === last.position ? null : `It answered position ${result.value.position}, the store holds ${last.position}.`;
      }
      case 'refused':
        if (result.ok || result.error.code !== expected.code) return 'Wrong answer.';
        return recorded.length === 0 ? null : 'A refused call must record nothing.';
      case 'declined': {
        if (result.ok || result.error.code !== expected.code) return 'Wrong answer.';
        const failed = recorded.find((e) => e.type === 'ChargeFailed');
        if (failed === undefined || recorded.some((e) => e.type === 'ChargeSucceeded')) return 'A decline records one ChargeFailed.';
        return result.error.charge === stringField(failed.data, 'chargeId') ? null : 'The 402 must name the failed charge.';
      }
      default:
        return assertNever(expected);
    }
  }
}

const assertNever = (x: never): never => {
  throw new TypeError(`Unhandled expectation ${JSON.stringify(x)}`);
};

/** A string field of an event's data (the workload reads ids and times from what the library recorded). */
export const stringField = (data: unknown, key: string): string | undefined => {
  const value = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' ? value : undefined;
};

export const numberField = (data: unknown, key: string): number | undefined => {
  const value = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[key] : undefined;
  return typeof value === 'number' ? value : undefined;
};

/** The id a successful call answered. */
export const answeredId = (outcome: Outcome): string => {
  if (outcome.id === null) throw new UnexpectedOutcomeError('kessai scenario: a successful call answered no id.');
  return outcome.id;
};

/** The id field of the first recorded event of a type; throws when the library did not record one. */
export const recordedId = (recorded: readonly StoredEvent[], type: string, key: string): string => {
  const event = recorded.find((e) => e.type === type);
  const id = event === undefined ? undefined : stringField(event.data, key);
  if (id === undefined) throw new UnexpectedOutcomeError(`kessai scenario: expected a ${type} with a ${key} among the recorded events.`);
  return id;
};
