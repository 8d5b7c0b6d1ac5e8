import type { TokenVerdict } from '@kessai/projections';
import { describe, expect, it } from 'vitest';
import { impactHtml } from './html.js';
import { BUCKET_MS, MAX_BUCKETS, timeline } from './timeline.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const window = { from: Date.UTC(2017, 5, 7, 7, 55), to: Date.UTC(2017, 5, 7, 12, 55) };
const verdict = (createdAt: number, signature = false): TokenVerdict => ({
  merchant: 'm',
  token: `tok_${createdAt.toString(16)}`,
  createdAt,
  check: signature ? 'unchecked' : 'passed',
  supplied: true,
  verifier: 'test-mode/1',
  inWindow: createdAt >= window.from && createdAt < window.to,
  signature,
});

describe('the impact timeline', () => {
  it('given a day of tokens around the window, draws every 15 minutes from the first token to the last', () => {
    const tokens = [verdict(window.from - 3 * HOUR), verdict(window.from + HOUR, true), verdict(window.to + 5 * HOUR)];
    const { buckets, bucketMs, outside } = timeline(tokens, window);
    expect(bucketMs).toBe(BUCKET_MS);
    expect(outside).toBe(0);
    expect(buckets[0]!.start).toBe(Math.floor((window.from - 3 * HOUR) / BUCKET_MS) * BUCKET_MS);
    expect(buckets.reduce((n, b) => n + b.counts.passed + b.counts.unchecked, 0)).toBe(3);
    expect(buckets.reduce((n, b) => n + b.signature, 0)).toBe(1);
  });

  it('given a store that runs for years around the window, draws a week at most and counts the tokens it leaves out', () => {
    const tokens = [verdict(window.from - 400 * DAY), verdict(window.from + HOUR, true), verdict(window.to + 3 * 365 * DAY)];
    const chart = timeline(tokens, window);
    expect(chart.bucketMs).toBe(BUCKET_MS);
    expect(chart.buckets.length).toBeLessThanOrEqual(MAX_BUCKETS + 1);
    expect(chart.buckets[0]!.start).toBeLessThanOrEqual(window.from);
    expect(chart.buckets.at(-1)!.start).toBeGreaterThanOrEqual(window.to - BUCKET_MS);
    expect(chart.outside).toBe(2);
    // The page renders (it overflowed the stack with one bar per 15 minutes over three years).
    const html = impactHtml({ by: 'window', window, merchants: [], tokens }, { events: 3, generatedAt: window.to });
    expect(html).toContain('2 token(s) made outside this span are not drawn');
    expect(html).toContain('per 15 minutes');
  });

  it('given a judgement by signature, draws the signature tokens together with the window, far apart as they may be', () => {
    const late = window.to + 60 * DAY;
    const tokens = [verdict(window.from + HOUR, true), verdict(late, true), verdict(late + 400 * DAY)];
    const bySignature = timeline(tokens, window, 'signature');
    expect(bySignature.bucketMs).toBeGreaterThan(BUCKET_MS);
    expect(bySignature.outside).toBe(1);
    expect(bySignature.buckets.reduce((n, b) => n + b.signature, 0)).toBe(2);
    // Judged by window, the same tokens: the window and a week around it, the far ones counted as left out.
    expect(timeline(tokens, window, 'window')).toMatchObject({ bucketMs: BUCKET_MS, outside: 2 });
  });

  it('given ticks a year apart, labels them with the year', () => {
    const tokens = [verdict(window.from, true), verdict(window.from + 9 * 365 * DAY, true)];
    const html = impactHtml({ by: 'signature', window, merchants: [], tokens }, { events: 2, generatedAt: window.to });
    expect(html).toMatch(/>2018-\d\d-\d\d</);
    expect(html).toMatch(/>2025-\d\d-\d\d</);
  });

  it('given no window and signature tokens months apart, widens the bars to keep to a week of them', () => {
    const tokens = [verdict(window.from, true), verdict(window.from + 90 * DAY, true), verdict(window.from + 200 * DAY)];
    const chart = timeline(tokens, null);
    expect(chart.bucketMs).toBeGreaterThan(BUCKET_MS);
    expect(chart.bucketMs % BUCKET_MS).toBe(0);
    expect(chart.buckets.length).toBeLessThanOrEqual(MAX_BUCKETS + 1);
    expect(chart.outside).toBe(1);
    expect(impactHtml({ by: 'signature', window: null, merchants: [], tokens }, { events: 3, generatedAt: window.to })).toMatch(/per \d+ hours?/);
  });
});
