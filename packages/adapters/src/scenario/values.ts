import type { SeededRandom } from '../test-mode/seeded.js';
import { ordinaryCards, specialUsableCards, type WorkloadCard } from './cards.js';

/** Seeded request values: plausible, always valid, and the same on every replay. */

const GIVEN = ['TARO', 'HANAKO', 'KENJI', 'YUKI', 'SAKURA', 'HIROSHI', 'AIKO', 'DAISUKE'] as const;
const FAMILY = ['YAMADA', 'SATO', 'SUZUKI', 'TAKAHASHI', 'TANAKA', 'ITO', 'WATANABE', 'NAKAMURA'] as const;
const ZIPS = ['150-0001', '100-0005', '530-0001', '060-0806', '810-0001'] as const;
const CITIES = ['Shibuya-ku', 'Chiyoda-ku', 'Kita-ku', 'Chuo-ku', 'Hakata-ku'] as const;
const STATES = ['Tokyo', 'Osaka', 'Hokkaido', 'Fukuoka'] as const;
/** A small key set keeps merged metadata far below PAY.JP's 20-key limit. */
const METADATA_KEYS = ['order_id', 'plan', 'channel', 'campaign', 'note'] as const;
const CHANNELS = ['web', 'ios', 'android', 'pos'] as const;

export const chance = (random: SeededRandom, p: number): boolean => random.nextFloat() < p;

export const holderName = (random: SeededRandom): string => `${random.pick(GIVEN)} ${random.pick(FAMILY)}`;

export const email = (random: SeededRandom, seq: number): string => `${random.pick(GIVEN).toLowerCase()}.${seq.toString(36)}@example.jp`;

export const zip = (random: SeededRandom): string => random.pick(ZIPS);
export const city = (random: SeededRandom): string => random.pick(CITIES);
export const state = (random: SeededRandom): string => random.pick(STATES);

export const metadata = (random: SeededRandom): Record<string, string> => {
  const out: Record<string, string> = {};
  const keys = random.int(1, 2);
  for (let i = 0; i < keys; i++) {
    const key = random.pick(METADATA_KEYS);
    out[key] = key === 'channel' ? random.pick(CHANNELS) : random.hex(8);
  }
  return out;
};

/** A card for a token that will be created: mostly ordinary cards of every brand, some special ones. */
export const usableCard = (random: SeededRandom): WorkloadCard =>
  chance(random, 0.14) ? random.pick(specialUsableCards) : random.pick(ordinaryCards);

export const cvcDigits = (random: SeededRandom, length: 3 | 4): string => random.int(0, 10 ** length - 1).toString().padStart(length, '0');

/** An expiry that is valid in 2017 and for years after. */
export const expiry = (random: SeededRandom): { readonly month: number; readonly year: number } => ({
  month: random.int(1, 12),
  year: random.int(2018, 2027),
});

/** A charge amount in yen: mostly everyday sums, some small, a few large ones (above 10,000 for the credit-limited card). */
export const amount = (random: SeededRandom): number => {
  const r = random.nextFloat();
  if (r < 0.15) return random.int(50, 299);
  if (r < 0.55) return random.int(300, 5_000);
  if (r < 0.9) return random.int(5_001, 30_000);
  return random.int(30_001, 300_000);
};

/** expiry_days for an uncaptured charge: the default (7), one day (lapses at midnight in Japan), or 2 to 60. */
export const expiryDays = (random: SeededRandom): number | undefined => {
  const r = random.nextFloat();
  if (r < 0.35) return undefined;
  if (r < 0.7) return 1;
  return random.int(2, 60);
};
