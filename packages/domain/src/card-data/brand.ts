import type { CardBrand } from '../shared/card.js';

interface BrandRule {
  readonly brand: CardBrand;
  /** Inclusive prefix ranges, compared on the first `digits` digits of the number. */
  readonly ranges: ReadonlyArray<readonly [from: number, to: number]>;
  readonly lengths: readonly number[];
}

/** Issuer identification ranges for the six brands PAY.JP accepts. The ranges are disjoint. */
const rules: readonly BrandRule[] = [
  { brand: 'Visa', ranges: [[4, 4]], lengths: [13, 16, 19] },
  { brand: 'MasterCard', ranges: [[51, 55], [2221, 2720]], lengths: [16] },
  { brand: 'American Express', ranges: [[34, 34], [37, 37]], lengths: [15] },
  { brand: 'JCB', ranges: [[3528, 3589]], lengths: [16, 17, 18, 19] },
  { brand: 'Diners Club', ranges: [[300, 305], [3095, 3095], [36, 36], [38, 39]], lengths: [14, 15, 16, 17, 18, 19] },
  { brand: 'Discover', ranges: [[6011, 6011], [644, 649], [65, 65], [622126, 622925]], lengths: [16, 17, 18, 19] },
];

const matchesRange = (digits: string, [from, to]: readonly [number, number]): boolean => {
  const width = String(from).length;
  const head = Number(digits.slice(0, width));
  return digits.length >= width && head >= from && head <= to;
};

/** The brand a card number belongs to, from its prefix and length; null when it is none of the six. */
export const detectBrand = (digits: string): CardBrand | null => {
  for (const rule of rules) {
    if (rule.lengths.includes(digits.length) && rule.ranges.some((r) => matchesRange(digits, r))) return rule.brand;
  }
  return null;
};

/** American Express prints a 4-digit CVC (CID) on the front; the others a 3-digit one on the back. */
export const cvcLength = (brand: CardBrand): 3 | 4 => (brand === 'American Express' ? 4 : 3);
