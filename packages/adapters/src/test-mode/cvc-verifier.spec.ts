import { emptyHolder, inspectCard, type CvcVerdict, type CvcVerifier, type InspectedCard } from '@kessai/domain';
import { describe, expect, it } from 'vitest';
import { FaultWindowCvcVerifier, INCIDENT_WINDOW, isInWindow, TestModeCvcVerifier } from './cvc-verifier.js';

const at = Date.UTC(2017, 5, 1);

const card = (number: string, cvc: string | null = '123'): InspectedCard => {
  const result = inspectCard({ number, expMonth: 12, expYear: 2030, cvc, holder: emptyHolder }, at);
  if (!result.ok) throw new Error(`test card rejected: ${result.error.code}`);
  return result.value;
};

/** A verifier that answers `passed` and remembers when it was asked. */
class RecordingVerifier implements CvcVerifier {
  readonly identity = { name: 'recording', version: '7' };
  readonly askedAt: number[] = [];
  async verify({ at }: { readonly card: InspectedCard; readonly at: number }): Promise<CvcVerdict> {
    this.askedAt.push(at);
    return { check: 'passed', verifier: this.identity };
  }
}

describe('TestModeCvcVerifier', () => {
  const verifier = new TestModeCvcVerifier();

  it('given its identity, when read, then it names the test-mode verifier, version 1', () => {
    expect(verifier.identity).toEqual({ name: 'test-mode', version: '1' });
  });

  it.each([
    ['4242424242424242', 'passed'],
    ['378282246310005', 'passed'],
    ['4000000000000101', 'failed'],
    ['4000000000000044', 'unavailable'],
    ['4000000000000036', 'passed'],
    ['4000000000080319', 'passed'],
  ] as const)('given card %s with a CVC, when verified, then %s', async (number, expected) => {
    const cvc = number.startsWith('37') ? '1234' : '123';
    expect((await verifier.verify({ card: card(number, cvc), at })).check).toBe(expected);
  });

  it.each(['4242424242424242', '4000000000000101', '4000000000000044'])(
    'given card %s without a CVC, when verified, then unchecked',
    async (number) => {
      expect((await verifier.verify({ card: card(number, null), at })).check).toBe('unchecked');
    },
  );
});

describe('INCIDENT_WINDOW', () => {
  it('given the notice, when converted, then the window is 16:55 to 21:55 JST on 2017-06-07', () => {
    expect(INCIDENT_WINDOW.from).toBe(Date.parse('2017-06-07T16:55:00+09:00'));
    expect(INCIDENT_WINDOW.to).toBe(Date.parse('2017-06-07T21:55:00+09:00'));
    expect(new Date(INCIDENT_WINDOW.from).toISOString()).toBe('2017-06-07T07:55:00.000Z');
    expect(new Date(INCIDENT_WINDOW.to).toISOString()).toBe('2017-06-07T12:55:00.000Z');
  });

  it('given the window, when testing its edges, then from is inside and to is outside', () => {
    expect(isInWindow(INCIDENT_WINDOW, INCIDENT_WINDOW.from - 1)).toBe(false);
    expect(isInWindow(INCIDENT_WINDOW, INCIDENT_WINDOW.from)).toBe(true);
    expect(isInWindow(INCIDENT_WINDOW, INCIDENT_WINDOW.to - 1)).toBe(true);
    expect(isInWindow(INCIDENT_WINDOW, INCIDENT_WINDOW.to)).toBe(false);
  });
});

describe('FaultWindowCvcVerifier', () => {
  const { from, to } = INCIDENT_WINDOW;

  it('given a wrapped verifier, when its identity is read, then it names the wrapped one and marks the fault window', () => {
    const inner = new TestModeCvcVerifier();
    const faulty = new FaultWindowCvcVerifier(inner);
    expect(faulty.identity).toEqual({ name: 'test-mode', version: '1+fault-window' });
    expect(faulty.identity).not.toEqual(inner.identity);
    expect(faulty.window).toEqual(INCIDENT_WINDOW);
  });

  it.each([
    ['the first millisecond of the window', 'unchecked', from],
    ['the middle of the window', 'unchecked', from + (to - from) / 2],
    ['the last millisecond of the window', 'unchecked', to - 1],
    ['the millisecond before the window', 'passed', from - 1],
    ['the end of the window (excluded)', 'passed', to],
    ['a day later', 'passed', to + 86_400_000],
  ] as const)('given a card with a CVC at %s, when verified, then %s', async (_, expected, when) => {
    const faulty = new FaultWindowCvcVerifier(new TestModeCvcVerifier());
    expect((await faulty.verify({ card: card('4242424242424242'), at: when })).check).toBe(expected);
  });

  it('given cards whose CVC fails or is unavailable, when verified inside the window, then unchecked whatever the CVC', async () => {
    const faulty = new FaultWindowCvcVerifier(new TestModeCvcVerifier());
    for (const number of ['4000000000000101', '4000000000000044', '4242424242424242'])
      expect((await faulty.verify({ card: card(number), at: from + 1 })).check).toBe('unchecked');
    expect((await faulty.verify({ card: card('4242424242424242', null), at: from + 1 })).check).toBe('unchecked');
  });

  it('given cards outside the window, when verified, then the wrapped verifier answers as it would alone', async () => {
    const inner = new TestModeCvcVerifier();
    const faulty = new FaultWindowCvcVerifier(inner);
    for (const [number, cvc] of [['4000000000000101', '123'], ['4000000000000044', '123'], ['4242424242424242', null]] as const) {
      const request = { card: card(number, cvc), at: to };
      expect(await faulty.verify(request)).toEqual(await inner.verify(request));
    }
  });

  it('given a recording verifier, when wrapped, then it is asked only outside the window', async () => {
    const inner = new RecordingVerifier();
    const faulty = new FaultWindowCvcVerifier(inner, { from: 1000, to: 2000 });
    for (const when of [999, 1000, 1999, 2000]) await faulty.verify({ card: card('4242424242424242'), at: when });
    expect(inner.askedAt).toEqual([999, 2000]);
    expect(faulty.identity).toEqual({ name: 'recording', version: '7+fault-window' });
    expect((await faulty.verify({ card: card('4242424242424242'), at: 1500 })).verifier).toEqual({ name: 'recording', version: '7+fault-window' });
    expect((await faulty.verify({ card: card('4242424242424242'), at: 2500 })).verifier).toEqual({ name: 'recording', version: '7' });
  });

  it('given an empty or reversed window, when constructing, then it throws', () => {
    const inner = new TestModeCvcVerifier();
    expect(() => new FaultWindowCvcVerifier(inner, { from: 10, to: 10 })).toThrow(RangeError);
    expect(() => new FaultWindowCvcVerifier(inner, { from: 10, to: 5 })).toThrow(RangeError);
    expect(() => new FaultWindowCvcVerifier(inner, { from: 0.5, to: 5 })).toThrow(RangeError);
  });
});
