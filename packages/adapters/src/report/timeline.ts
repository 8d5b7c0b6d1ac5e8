import type { CvcCheck } from '@kessai/domain';
import type { TokenVerdict } from '@kessai/projections';

export const BUCKET_MS = 15 * 60 * 1000;

export interface TimelineBucket {
  readonly start: number;
  readonly counts: Readonly<Record<CvcCheck, number>>;
  /** Tokens with the incident's signature (a CVC was sent, the answer is unchecked). */
  readonly signature: number;
}

/** cvc_check decisions per 15 minutes, from the first token to the last (empty buckets included). */
export const timeline = (tokens: readonly TokenVerdict[]): TimelineBucket[] => {
  if (tokens.length === 0) return [];
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const t of tokens) {
    first = Math.min(first, t.createdAt);
    last = Math.max(last, t.createdAt);
  }
  const origin = Math.floor(first / BUCKET_MS) * BUCKET_MS;
  const buckets = Array.from({ length: Math.floor((last - origin) / BUCKET_MS) + 1 }, (_, i) => ({
    start: origin + i * BUCKET_MS,
    counts: { passed: 0, failed: 0, unavailable: 0, unchecked: 0 },
    signature: 0,
  }));
  for (const t of tokens) {
    const bucket = buckets[Math.floor((t.createdAt - origin) / BUCKET_MS)]!;
    bucket.counts[t.check]++;
    if (t.signature) bucket.signature++;
  }
  return buckets;
};
