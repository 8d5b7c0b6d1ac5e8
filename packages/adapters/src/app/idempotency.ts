import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { invalidParam, err, type Result } from '@kessai/domain';

/** A merchant's idempotency key: keys are per merchant, so two merchants may use the same one. */
export interface IdempotencySlot {
  readonly merchant: string;
  readonly key: string;
}

/** What a store holds for a key: the request that claimed it (a keyed digest), and its answer once it finished. */
export interface IdempotencyRecord {
  readonly request: string;
  /** Absent while the request runs (here or in another process). */
  readonly result?: Result<unknown>;
}

/** A claim: this caller runs the request (and later finishes or releases it with `claim`), or someone else holds the key. */
export type IdempotencyClaim = { readonly claimed: true; readonly claim: string } | { readonly claimed: false; readonly record: IdempotencyRecord };

/**
 * Where idempotency records live. `claim` is the one decision point: of all callers claiming a free key at once,
 * in one process or several, exactly one gets it. A claim left unfinished longer than the store's `staleAfterMs`
 * (its process died mid-request) is taken over by the next claim for the same request, which runs it again: an
 * idempotency key also derives the command's ids (DerivedIds), so running it again finishes it without duplicates.
 */
export interface IdempotencyStore {
  /**
   * The keyed digest of a request (operation and input), under the store's secret: one the processes sharing the
   * records share.
   */
  digest(text: string): string;
  claim(slot: IdempotencySlot, request: string): Promise<IdempotencyClaim>;
  /** Records the answer of a claimed request; does nothing if the claim was taken over since. */
  finish(slot: IdempotencySlot, claim: string, result: Result<unknown>): Promise<void>;
  /** Frees a claimed key whose request failed without an answer (it threw), so that a retry runs it. */
  release(slot: IdempotencySlot, claim: string): Promise<void>;
}

/** Key order does not change the request: `{a, b}` and `{b, a}` are the same input. */
const stableJson = (value: unknown): string =>
  JSON.stringify(value, (_, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );

/** How long a caller waits between looks at a key another process is running: from 10 ms, doubling, to 200 ms. */
const firstPollMs = 10;
const maxPollMs = 200;

/**
 * Idempotency keys (PAY.JP v2 and Stripe have them; kessai adds them to v1): the same key with the same request
 * answers what the first answered and records nothing new; the same key with another request is refused.
 * Concurrent retries wait for the first: in this process on its promise, across processes (a shared store) by
 * looking at the key again until it is finished. Keys are per merchant.
 */
export class Idempotency {
  private readonly store: IdempotencyStore;
  private readonly running = new Map<string, { readonly request: string; readonly result: Promise<Result<unknown>> }>();

  constructor(store: IdempotencyStore = new MemoryIdempotencyStore()) {
    this.store = store;
  }

  async run<T>(merchant: string, key: string | undefined, operation: string, input: unknown, execute: () => Promise<Result<T>>): Promise<Result<T>> {
    if (key === undefined) return execute();
    if (key.length === 0 || key.length > 255) return err(invalidParam('invalid_param_key', 'Idempotency-Key', 'An idempotency key holds 1 to 255 characters.'));
    const slot: IdempotencySlot = { merchant, key };
    const local = slotId(slot);
    // A keyed digest, not the text: a token request holds the card number and CVC, which must not be kept anywhere
    // (nor an unkeyed hash of them, which could be brute-forced).
    const request = this.store.digest(`${operation} ${stableJson(input)}`);
    const mine = this.running.get(local);
    if (mine !== undefined) return (mine.request === request ? await mine.result : reused()) as Result<T>;
    const result = this.claimAndRun(slot, request, execute);
    this.running.set(local, { request, result });
    try {
      return (await result) as Result<T>;
    } finally {
      this.running.delete(local);
    }
  }

  private async claimAndRun(slot: IdempotencySlot, request: string, execute: () => Promise<Result<unknown>>): Promise<Result<unknown>> {
    for (let wait = firstPollMs; ; wait = Math.min(maxPollMs, wait * 2)) {
      const claim = await this.store.claim(slot, request);
      if (claim.claimed) {
        let result: Result<unknown>;
        try {
          result = await execute();
        } catch (e) {
          // The command's own error is the one to report; a release that fails too leaves the claim to go stale.
          await this.store.release(slot, claim.claim).catch(() => undefined);
          throw e;
        }
        // The command is done whatever happens to its record: a record that could not be written (the database
        // went away) stays claimed until it goes stale, and a retry then runs the command again, which its derived
        // ids make finish without duplicates. Answering an error here would tell the caller a charge failed when
        // it was made.
        await this.store.finish(slot, claim.claim, result).catch(() => undefined);
        return result;
      }
      const { record } = claim;
      if (record.request !== request) return reused();
      if (record.result !== undefined) return record.result;
      // Another process runs it: look again shortly (its claim is taken over if that process died).
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

const reused = (): Result<never> => err(invalidParam('idempotency_key_reused', 'Idempotency-Key', 'This idempotency key was used for a different request.'));

export interface MemoryIdempotencyStoreOptions {
  /** Finished records kept, the most recent first (default 100,000); reusing an older key runs the request again. */
  readonly keep?: number;
  /** Claims older than this are taken over (default 60 s). */
  readonly staleAfterMs?: number;
  /** Milliseconds since the epoch, for claim ages (default Date.now). */
  readonly now?: () => number;
}

interface MemoryRecord {
  readonly request: string;
  claim: string;
  claimedAt: number;
  result?: Result<unknown>;
}

/** The embedded default: records in this process's memory, with a digest secret of its own. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly records = new Map<string, MemoryRecord>();
  /** Records live only in this process, so a key of its own is enough. */
  private readonly secret = randomBytes(32);
  private readonly keep: number;
  private readonly staleAfterMs: number;
  private readonly now: () => number;

  constructor(options: MemoryIdempotencyStoreOptions = {}) {
    this.keep = options.keep ?? 100_000;
    this.staleAfterMs = options.staleAfterMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  digest(text: string): string {
    return createHmac('sha256', this.secret).update(text).digest('hex');
  }

  claim(slot: IdempotencySlot, request: string): Promise<IdempotencyClaim> {
    const id = slotId(slot);
    const found = this.records.get(id);
    if (found === undefined) {
      const claim = randomUUID();
      this.records.set(id, { request, claim, claimedAt: this.now() });
      // Maps iterate in insertion order: the first key is the oldest.
      if (this.records.size > this.keep) this.records.delete(this.records.keys().next().value!);
      return Promise.resolve({ claimed: true, claim });
    }
    if (found.result === undefined && found.request === request && this.now() - found.claimedAt > this.staleAfterMs) {
      found.claim = randomUUID();
      found.claimedAt = this.now();
      return Promise.resolve({ claimed: true, claim: found.claim });
    }
    return Promise.resolve({ claimed: false, record: found.result === undefined ? { request: found.request } : { request: found.request, result: found.result } });
  }

  finish(slot: IdempotencySlot, claim: string, result: Result<unknown>): Promise<void> {
    const found = this.records.get(slotId(slot));
    if (found !== undefined && found.claim === claim) found.result = result;
    return Promise.resolve();
  }

  release(slot: IdempotencySlot, claim: string): Promise<void> {
    const id = slotId(slot);
    const found = this.records.get(id);
    if (found !== undefined && found.claim === claim && found.result === undefined) this.records.delete(id);
    return Promise.resolve();
  }
}

const slotId = ({ merchant, key }: IdempotencySlot): string => `${merchant}\u0000${key}`;
