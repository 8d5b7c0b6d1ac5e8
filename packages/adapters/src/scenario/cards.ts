import {
  ORDINARY_TEST_CARDS,
  SPECIAL_TEST_CARDS,
  testCardEffect,
  type DeclineCode,
  type ScreeningRefusalCode,
} from '../test-mode/test-cards.js';

/**
 * PAY.JP's test cards as the workload sees them: what tokenization does with each (accepted or refused with a
 * code) and whether a charge of a given amount is declined. Read from the same table the test-mode network and
 * verifier use, so the workload predicts their answers and any disagreement surfaces as an error.
 */
export interface WorkloadCard {
  readonly number: string;
  readonly last4: string;
  /** American Express has a 4-digit CVC; the others 3. */
  readonly cvcLength: 3 | 4;
  /** The token is refused with this code and nothing is recorded; null: the token is created. */
  readonly tokenRefusal: ScreeningRefusalCode | null;
  /** What the CVC verifier answers when a CVC is sent outside the fault window. */
  readonly cvcCheck: 'passed' | 'failed' | 'unavailable';
  readonly special: boolean;
}

const cvcLengthOf = (number: string): 3 | 4 => (/^3[47]/.test(number) ? 4 : 3);

const workloadCard = (number: string, special: boolean): WorkloadCard => {
  const token = testCardEffect(number, 'token');
  return {
    number,
    last4: number.slice(-4),
    cvcLength: cvcLengthOf(number),
    tokenRefusal: token?.kind === 'refused' ? token.code : null,
    cvcCheck: testCardEffect(number, 'cvc')?.check ?? 'passed',
    special,
  };
};

/** The decline a charge of `amount` yen on this card gets from the test-mode network, or null. */
export const declineOf = (card: WorkloadCard, amount: number): DeclineCode | null => {
  const effect = testCardEffect(card.number, 'charge');
  return effect !== undefined && (effect.aboveYen === undefined || amount > effect.aboveYen) ? effect.code : null;
};

/** Every ordinary card: two per brand, all six brands. */
export const ordinaryCards: readonly WorkloadCard[] = ORDINARY_TEST_CARDS.map((c) => workloadCard(c.number, false));

const specialCards: readonly WorkloadCard[] = SPECIAL_TEST_CARDS.map((c) => workloadCard(c.number, true));

/** Special cards whose token is created (CVC results, zip check, foreign issuer, charge-time declines). */
export const specialUsableCards: readonly WorkloadCard[] = specialCards.filter((c) => c.tokenRefusal === null);

/** Special cards whose token creation is refused: nothing may be recorded for them. */
export const tokenRefusedCards: readonly WorkloadCard[] = specialCards.filter((c) => c.tokenRefusal !== null);

const byNumber = new Map([...ordinaryCards, ...specialCards].map((c) => [c.number, c]));

/** The workload card of a test number (throws for a number that is not a test card). */
export const cardByNumber = (number: string): WorkloadCard => {
  const card = byNumber.get(number);
  if (card === undefined) throw new RangeError(`Not a PAY.JP test card: …${number.slice(-4)}`);
  return card;
};

/** Named special cards the coverage scripts use on purpose. */
export const CVC_FAILED = cardByNumber('4000000000000101');
export const CVC_UNAVAILABLE = cardByNumber('4000000000000044');
export const ALWAYS_DECLINED = cardByNumber('4000000000080319');
export const CREDIT_LIMITED = cardByNumber('4000000000080202');
