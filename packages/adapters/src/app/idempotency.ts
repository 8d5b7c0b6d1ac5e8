import { createHmac, randomBytes } from 'node:crypto';
import { invalidParam, err, type Result } from '@kessai/domain';

/** A finished request: what it asked (an HMAC of operation and input) and what it answered. */
interface Recorded {
  readonly request: string;
  readonly result: Result<unknown>;
}

/** Key order does not change the request: `{a, b}` and `{b, a}` are the same input. */
const stableJson = (value: unknown): string =>
  JSON.stringify(value, (_, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );

/**
 * Idempotency keys (PAY.JP v2 and Stripe have them; kessai adds them to v1): the same key with the same request
 * answers what the first answered and records nothing new; the same key with another request is refused.
 * Concurrent retries wait for the first. Keys are per merchant. Records live in memory, the most recent `keep`
 * (100,000 by default) of them; an older key is forgotten, and reusing it runs the request again.
 */
export class Idempotency {
  private readonly done = new Map<string, Recorded>();
  private readonly keep: number;

  constructor(keep = 100_000) {
    this.keep = keep;
  }
  /** Records live only in this process, so a key of its own is enough. */
  private readonly secret = randomBytes(32);
  private readonly running = new Map<string, { readonly request: string; readonly result: Promise<Result<unknown>> }>();

  async run<T>(merchant: string, key: string | undefined, operation: string, input: unknown, execute: () => Promise<Result<T>>): Promise<Result<T>> {
    if (key === undefined) return execute();
    if (key.length === 0 || key.length > 255) return err(invalidParam('invalid_param_key', 'Idempotency-Key', 'An idempotency key holds 1 to 255 characters.'));
    const slot = `${merchant}\u0000${key}`;
    // A keyed digest, not the text: a token request holds the card number and CVC, which must not stay in memory
    // (nor an unkeyed hash of them, which could be brute-forced).
    const request = createHmac('sha256', this.secret).update(`${operation} ${stableJson(input)}`).digest('hex');
    const previous = this.done.get(slot) ?? this.running.get(slot);
    if (previous !== undefined) {
      if (previous.request !== request)
        return err(invalidParam('idempotency_key_reused', 'Idempotency-Key', 'This idempotency key was used for a different request.'));
      return (await previous.result) as Result<T>;
    }
    const result = execute();
    this.running.set(slot, { request, result });
    try {
      const settled = await result;
      this.done.set(slot, { request, result: settled });
      // Maps iterate in insertion order: the first key is the oldest.
      if (this.done.size > this.keep) this.done.delete(this.done.keys().next().value!);
      return settled;
    } finally {
      this.running.delete(slot);
    }
  }
}
