/**
 * Card data never leaves the call that received it: no card number in any stored event, read model, JSONL export,
 * error or log line, after a full generated workload (every test card, refusals and declines included).
 */
import { exportJsonl, generateScenario, ORDINARY_TEST_CARDS, SPECIAL_TEST_CARDS, testModeKessai } from '@kessai/adapters';
import { unsafeId } from '@kessai/domain';
import { reportedCollections } from '@kessai/projections';
import { describe, expect, it, vi } from 'vitest';

const numbers = [...ORDINARY_TEST_CARDS.map((c) => c.number), ...SPECIAL_TEST_CARDS.map((c) => c.number)];

/** Any field that holds a raw card number or CVC (a string or number under such a key), in any nesting. */
const forbiddenKeys = (value: unknown, path = '', found: string[] = []): string[] => {
  if (Array.isArray(value)) value.forEach((v, i) => forbiddenKeys(v, `${path}[${i}]`, found));
  else if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) {
      // `cvc` holding an object is the recorded decision ({ check, supplied, verifier }), not a CVC.
      if (/^(number|cvc|pan|card_number|cardNumber)$/i.test(k) && (typeof v === 'string' || typeof v === 'number')) found.push(`${path}.${k}`);
      forbiddenKeys(v, `${path}.${k}`, found);
    }
  return found;
};

describe('given a generated workload over every test card', () => {
  it('then no stored event, read model or JSONL line holds a card number or a CVC field', async () => {
    const logged: string[] = [];
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' '))),
    );
    try {
      const scenario = await generateScenario({ seed: 77, merchants: 2, targetEvents: 3000 });
      await scenario.kessai.runner.catchUp();

      const lines: string[] = [];
      await exportJsonl(scenario.events, (line) => void lines.push(line));
      const documents: string[] = [];
      const live = await scenario.readModels.active();
      for (const collection of reportedCollections) for await (const [, doc] of live.scan(collection)) documents.push(JSON.stringify(doc));

      expect(lines.length).toBeGreaterThanOrEqual(3000);
      expect(documents.length).toBeGreaterThan(1000);
      for (const text of [...lines, ...documents, ...logged])
        for (const number of numbers) expect(text.includes(number), `a card number in: ${text.slice(0, 120)}`).toBe(false);
      for (const line of lines) expect(forbiddenKeys(JSON.parse(line))).toEqual([]);
      for (const doc of documents) expect(forbiddenKeys(JSON.parse(doc))).toEqual([]);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  }, 60_000);

  it('then no refusal repeats the card number or CVC it refused', async () => {
    const { kessai } = testModeKessai({ seed: 1 });
    const merchant = unsafeId.merchant('acme');
    const attempts = [
      { number: '4242424242424241', exp_month: 12, exp_year: 2030, cvc: '123' }, // fails Luhn
      { number: '4242424242424242', exp_month: 13, exp_year: 2030, cvc: '123' },
      { number: '4242424242424242', exp_month: 12, exp_year: 2001, cvc: '123' },
      { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '98765' },
      { number: '378282246310005', exp_month: 12, exp_year: 2030, cvc: '987' }, // Amex needs 4 digits
      { number: '4000000000000002', exp_month: 12, exp_year: 2030, cvc: '123' }, // declined at tokenization
      { number: '4000000000000127', exp_month: 12, exp_year: 2030, cvc: '123' },
      { number: 4242424242424242 as unknown as string, exp_month: 'x' as unknown as number, exp_year: 2030 },
    ];
    for (const card of attempts) {
      const result = await kessai.tokens.create(merchant, { card });
      expect(result.ok).toBe(false);
      const text = JSON.stringify(result);
      expect(text).not.toContain(String(card.number));
      if ('cvc' in card && card.cvc !== undefined) expect(text).not.toContain(`"${card.cvc}"`);
    }
  });
});
