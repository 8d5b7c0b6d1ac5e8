import { describe, expect, it } from 'vitest';
import { apiEventId } from './event-id.js';

describe('apiEventId', () => {
  // Ids already sent in webhooks must never change (receivers deduplicate by them, rebuilds reproduce them): these
  // were made by the first implementation, which built the id from joined hex pieces.
  it.each([
    ['token-tok_1', 0, 'evnt_fb2163323850e24b4b2488ffd6a'],
    ['charge-ch_078b9e1aff2524cceb1884f8a41b9', 3, 'evnt_64b2a35896c46e68989de1ee42c'],
    ['customer-merchant_b-ü-member', 12, 'evnt_56810ce0e59f0b7450ae7234ded'],
  ] as const)('given %s at revision %i, is %s as it always was', (stream, revision, id) => {
    expect(apiEventId(stream, revision)).toBe(id);
  });

  it('is PAY.JP-shaped and differs between revisions of one stream', () => {
    const ids = Array.from({ length: 50 }, (_, r) => apiEventId('charge-ch_1', r));
    for (const id of ids) expect(id).toMatch(/^evnt_[0-9a-f]{27}$/);
    expect(new Set(ids).size).toBe(50);
  });
});
