import { BACKWARDS, END, FORWARDS, type ReadStreamOptions as EsdbReadStreamOptions } from '@eventstore/db-client';

/** What to ask the server for one `readStream`, and which revisions of the answer to keep. */
export interface StreamReadPlan {
  readonly options: EsdbReadStreamOptions;
  /** Revisions outside [lowest, highest] are dropped (a guard: the server is asked for exactly these). */
  readonly lowest: number;
  readonly highest: number;
  readonly limit: number;
}

/**
 * The port's readStream options (already checked: integers >= 0, limit >= 1 or Infinity) as a server read; null
 * when nothing can match. Forwards, `from` is the first revision and `to` the last; backwards, `from` is the newest
 * (the caller clamps it to the stream's last revision first: reading backwards from past the end is not something
 * to leave to the server) and `to` the oldest. The count asked for is what the bounds and the limit allow, so the
 * server never sends events that are thrown away; with no bound and no limit the client's default (all) applies.
 */
export const streamReadPlan = (p: { readonly backwards: boolean; readonly from?: number; readonly to?: number; readonly limit: number }): StreamReadPlan | null => {
  const lowest = p.backwards ? (p.to ?? 0) : (p.from ?? 0);
  const highest = p.backwards ? (p.from ?? Number.POSITIVE_INFINITY) : (p.to ?? Number.POSITIVE_INFINITY);
  if (highest < lowest) return null;
  const count = Math.min(p.limit, highest - lowest + 1);
  return {
    options: {
      direction: p.backwards ? BACKWARDS : FORWARDS,
      fromRevision: p.backwards ? (p.from === undefined ? END : BigInt(p.from)) : BigInt(lowest),
      ...(count === Number.POSITIVE_INFINITY ? {} : { maxCount: count }),
    },
    lowest,
    highest,
    limit: p.limit,
  };
};

/** A limit: an integer >= 0, or Infinity for none (the same rule as the other stores). */
export const checkLimit = (limit: number): number => {
  if (limit !== Number.POSITIVE_INFINITY && (!Number.isInteger(limit) || limit < 0)) throw new RangeError(`limit must be an integer >= 0, got ${limit}`);
  return limit;
};

export const checkRevision = (revision: number, name: 'from' | 'to'): number => {
  if (!Number.isSafeInteger(revision) || revision < 0) throw new RangeError(`readStream: ${name} must be an integer >= 0, got ${revision}`);
  return revision;
};
