import { detectBrand, emptyHolder, inspectCard } from '@kessai/domain';
import { describe, expect, it } from 'vitest';
import { ORDINARY_TEST_CARDS, SPECIAL_TEST_CARDS, specialTestCard, testCardEffect } from './test-cards.js';

const at = Date.UTC(2017, 5, 7, 9, 0);
const allNumbers = [...SPECIAL_TEST_CARDS, ...ORDINARY_TEST_CARDS].map((c) => c.number);

describe('the test-card tables', () => {
  it('given every test card, when listed, then no number appears twice', () => {
    expect(new Set(allNumbers).size).toBe(allNumbers.length);
  });

  it('given every test card, when inspected as card data, then it passes the checks (Luhn, brand, length)', () => {
    for (const number of allNumbers) {
      const result = inspectCard({ number, expMonth: 12, expYear: 2030, cvc: null, holder: emptyHolder }, at);
      expect(result.ok, number).toBe(true);
    }
  });

  it('given the ordinary cards, when their brand is detected, then it is the brand the table gives', () => {
    for (const card of ORDINARY_TEST_CARDS) expect(detectBrand(card.number)).toBe(card.brand);
  });

  it('given the special cards, when their messages and summaries are read, then none holds a card number', () => {
    for (const card of SPECIAL_TEST_CARDS) {
      const texts = [card.summary, 'message' in card.effect ? card.effect.message : ''];
      for (const text of texts) {
        expect(text).not.toMatch(/\d{12,}/);
        expect(text).not.toContain(card.number.slice(-4));
      }
    }
  });

  it('given a number, when looked up, then its special behaviour is found only at its own stage', () => {
    expect(specialTestCard('4000000000000101')?.effect).toEqual({ stage: 'cvc', kind: 'cvc_check', check: 'failed' });
    expect(testCardEffect('4000000000000101', 'cvc')?.check).toBe('failed');
    expect(testCardEffect('4000000000000101', 'token')).toBeUndefined();
    expect(testCardEffect('4000000000000101', 'charge')).toBeUndefined();
    expect(specialTestCard('4242424242424242')).toBeUndefined();
  });
});
