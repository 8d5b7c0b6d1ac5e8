import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { digitString } from '../testing/index.js';
import { luhnCheckDigit, passesLuhn } from './luhn.js';

const runs = { numRuns: 1000 };

describe('passesLuhn', () => {
  it('accepts a valid test card and refuses the same number with another last digit', () => {
    expect(passesLuhn('4242424242424242')).toBe(true);
    expect(passesLuhn('4242424242424241')).toBe(false);
  });

  it('refuses an empty string and anything that is not digits', () => {
    expect(passesLuhn('')).toBe(false);
    expect(passesLuhn('4242-4242')).toBe(false);
    expect(passesLuhn('00a0')).toBe(false);
  });

  it('passes any digit string completed with its luhnCheckDigit', () => {
    fc.assert(
      fc.property(digitString(0, 30), (partial) => {
        expect(passesLuhn(partial + luhnCheckDigit(partial))).toBe(true);
      }),
      runs,
    );
  });

  it('fails once any single digit of a valid number is changed', () => {
    const validWithEdit = digitString(1, 30)
      .map((partial) => partial + luhnCheckDigit(partial))
      .chain((valid) =>
        fc.record({ valid: fc.constant(valid), index: fc.nat({ max: valid.length - 1 }), shift: fc.integer({ min: 1, max: 9 }) }),
      );
    fc.assert(
      fc.property(validWithEdit, ({ valid, index, shift }) => {
        const changed = String((Number(valid[index]) + shift) % 10);
        const edited = valid.slice(0, index) + changed + valid.slice(index + 1);
        expect(passesLuhn(edited)).toBe(false);
      }),
      runs,
    );
  });
});
