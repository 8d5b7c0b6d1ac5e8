import type { AppendRequest, AppendResult } from '@kessai/domain';

/** One `appendMany` call waiting for its round trip. */
export interface PendingAppend {
  readonly requests: readonly AppendRequest[];
  /** The clock's time at the call (epoch ms), or null for the database's transaction time. */
  readonly recordedAt: number | null;
  readonly resolve: (results: readonly AppendResult[]) => void;
  readonly reject: (error: unknown) => void;
}

/** Caps on one combined call, so that a burst of appends never becomes one huge statement. */
const MAX_REQUESTS = 500;
const MAX_EVENTS = 5_000;

/**
 * Concurrent appends, combined. At most `maxInFlight` append statements of one store run at a time; calls made
 * while they are all busy wait, and when one finishes, everything waiting goes in one statement (one round trip,
 * one commit, one fsync), as a database's group commit does. A call alone is sent at once, so a sequential caller
 * waits no longer than before; under load, the commits are shared.
 *
 * Combining changes no answer: `send` gives each call the result it would have had alone, or sends the calls one
 * by one when the combined statement is refused (see `PostgresEventStore`).
 */
export class AppendQueue {
  readonly #maxInFlight: number;
  readonly #send: (group: readonly PendingAppend[]) => Promise<void>;
  #inFlight = 0;
  #waiting: PendingAppend[] = [];

  constructor(maxInFlight: number, send: (group: readonly PendingAppend[]) => Promise<void>) {
    if (!(Number.isInteger(maxInFlight) && maxInFlight >= 1) && maxInFlight !== Number.POSITIVE_INFINITY)
      throw new RangeError(`appendsInFlight must be an integer >= 1 or Infinity, got ${maxInFlight}`);
    this.#maxInFlight = maxInFlight;
    this.#send = send;
  }

  enqueue(requests: readonly AppendRequest[], recordedAt: number | null): Promise<readonly AppendResult[]> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ requests, recordedAt, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#inFlight < this.#maxInFlight && this.#waiting.length > 0) {
      const group = this.#takeGroup();
      this.#inFlight++;
      void this.#send(group)
        .catch((e: unknown) => {
          for (const pending of group) pending.reject(e);
        })
        .finally(() => {
          this.#inFlight--;
          this.#pump();
        });
    }
  }

  /** The oldest waiting call, and the later ones that can share its statement (same recorded time), up to the caps. */
  #takeGroup(): PendingAppend[] {
    const first = this.#waiting[0]!;
    const group: PendingAppend[] = [];
    const rest: PendingAppend[] = [];
    let requests = 0;
    let events = 0;
    for (const pending of this.#waiting) {
      const count = pending.requests.reduce((n, r) => n + r.events.length, 0);
      const fits = group.length === 0 || (requests + pending.requests.length <= MAX_REQUESTS && events + count <= MAX_EVENTS);
      if (fits && pending.recordedAt === first.recordedAt) {
        group.push(pending);
        requests += pending.requests.length;
        events += count;
      } else rest.push(pending);
    }
    this.#waiting = rest;
    return group;
  }
}
