import { describe, expect, it } from 'vitest';
import { redact } from './log.js';

describe('redact, the last filter on log lines and error messages', () => {
  it('removes a card number written with any separators or in full-width digits, the whole run', () => {
    for (const written of ['4242424242424242', '4242 4242 4242 4242', '4242-4242-4242-4242', '4242.4242.4242.4242', '4242_4242_4242_4242', '4242 / 4242 / 4242 / 4242', '４２４２４２４２４２４２４２４２', '42424242424242424242424242'])
      expect(redact(`card ${written} end`)).toBe('card [redacted] end');
  });

  it('keeps short numbers, ISO times, kessai ids (even with 12 digits in a row) and IPv4 addresses with a port', () => {
    const line = '{"time":"2026-11-28T17:03:16.123Z","status":402,"ms":12,"id":"ch_26f179b9fec6bd9e858c0787a3489","event":"evnt_123456789012345abcdef012345"}';
    expect(redact(line)).toBe(line);
    expect(redact('No such charge: ch_1234567890123456789abcdef0123')).toBe('No such charge: ch_1234567890123456789abcdef0123');
    expect(redact('url http://192.168.10.100:8080/hook')).toBe('url http://192.168.10.100:8080/hook');
  });

  it('does not take a card number for an id or an address', () => {
    // Not 32 characters: not a kessai id. Groups above 255, or a fifth group: not an address.
    for (const written of ['tok_4242424242424242', '424.242.424.242.4242', '192.168.101.100.4242'])
      expect(redact(`x ${written} y`), written).toContain('[redacted]');
  });
});
