import type { CvcCheck } from '@kessai/domain';
import type { TokenVerdict } from '@kessai/projections';

export const BUCKET_MS = 15 * 60 * 1000;
/** A week of 15-minute bars; a longer span gets wider bars, so a page never draws more than this many. */
export const MAX_BUCKETS = 7 * 24 * 4;

export interface TimelineBucket {
  readonly start: number;
  readonly counts: Readonly<Record<CvcCheck, number>>;
  /** Tokens with the incident's signature (a CVC was sent, the answer is unchecked). */
  readonly signature: number;
}

export interface Timeline {
  readonly buckets: readonly TimelineBucket[];
  /** 15 minutes, or a whole multiple of it when the span shown is longer than MAX_BUCKETS of them. */
  readonly bucketMs: number;
  /** Tokens made before or after the span shown (a store that runs for years around a five-hour window). */
  readonly outside: number;
}

/**
 * cvc_check decisions per 15 minutes (empty buckets included) over the span that matters, with up to a week around
 * it, clipped to the tokens there are: judged by window, the window; judged by signature, the tokens with the
 * signature together with the window (all tokens when there is neither). A span longer than a week (signature tokens
 * spread over months, a window of a month) is drawn in wider buckets.
 */
export const timeline = (
  tokens: readonly TokenVerdict[],
  window: { readonly from: number; readonly to: number } | null,
  by: 'signature' | 'window' = window === null ? 'signature' : 'window',
): Timeline => {
  if (tokens.length === 0) return { buckets: [], bucketMs: BUCKET_MS, outside: 0 };
  const span = (of: readonly TokenVerdict[]) => {
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    for (const t of of) {
      if (t.createdAt < first) first = t.createdAt;
      if (t.createdAt > last) last = t.createdAt;
    }
    return { first, last };
  };
  const all = span(tokens);
  const marked = tokens.filter((t) => t.signature);
  const windowSpan = window === null ? null : { first: window.from, last: window.to - 1 };
  const markedSpan = marked.length === 0 ? null : span(marked);
  const focus =
    by === 'window' && windowSpan !== null
      ? windowSpan
      : markedSpan !== null && windowSpan !== null
        ? { first: Math.min(markedSpan.first, windowSpan.first), last: Math.max(markedSpan.last, windowSpan.last) }
        : (markedSpan ?? windowSpan ?? all);
  // Up to a week in all, shared out evenly either side of the focus, and never beyond the first and last token.
  const margin = Math.max(0, ((MAX_BUCKETS - 1) * BUCKET_MS - (focus.last - focus.first)) / 2);
  const from = Math.max(all.first, focus.first - margin);
  const to = Math.min(all.last, focus.last + margin);
  if (to < from) return { buckets: [], bucketMs: BUCKET_MS, outside: tokens.length };
  const bucketMs = BUCKET_MS * Math.max(1, Math.ceil((to - from) / BUCKET_MS / (MAX_BUCKETS - 1)));
  const origin = Math.floor(from / bucketMs) * bucketMs;
  const buckets = Array.from({ length: Math.floor((to - origin) / bucketMs) + 1 }, (_, i) => ({
    start: origin + i * bucketMs,
    counts: { passed: 0, failed: 0, unavailable: 0, unchecked: 0 },
    signature: 0,
  }));
  let outside = 0;
  for (const t of tokens) {
    const bucket = t.createdAt < from || t.createdAt > to ? undefined : buckets[Math.floor((t.createdAt - origin) / bucketMs)];
    if (bucket === undefined) {
      outside++;
      continue;
    }
    bucket.counts[t.check]++;
    if (t.signature) bucket.signature++;
  }
  return { buckets, bucketMs, outside };
};
