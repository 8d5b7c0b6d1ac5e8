import { ALWAYS_DECLINED, CREDIT_LIMITED, CVC_FAILED, CVC_UNAVAILABLE, cardByNumber, ordinaryCards, specialUsableCards, tokenRefusedCards } from './cards.js';
import { captureCharge, chargeByToken, chargeCustomer, reauthCharge, refundCharge, reuseTokenForCharge, updateCharge } from './charge-scenes.js';
import type { SceneContext } from './context.js';
import {
  addCard,
  createCustomer,
  createToken,
  deleteCard,
  deleteCustomer,
  refusedToken,
  reuseTokenForCustomer,
  updateCard,
  updateCustomer,
  usableToken,
} from './customer-scenes.js';
import type { ChargeRecord, MerchantModel } from './model.js';

/**
 * Flows that every merchant runs in every period (before, inside and after the window), so that each of the
 * incident's paths 1-12 has objects descending from tokens made inside the window and from tokens made outside
 * it, whatever the seed and however small the workload. The generator interleaves them with the random mix.
 */
export interface CoverageFlow {
  readonly name: string;
  /** About how many calls it makes (for pacing the clock). */
  readonly calls: number;
  readonly run: (ctx: SceneContext, m: MerchantModel) => Promise<void>;
}

const ordinary = (ctx: SceneContext) => ctx.random.pick(ordinaryCards);

const present = <T>(value: T | null, what: string): T => {
  if (value === null) throw new Error(`kessai scenario: coverage flow expected ${what}.`);
  return value;
};

export const coverageFlows: readonly CoverageFlow[] = [
  {
    name: 'a customer made with a CVC card, updated and charged (paths 1, 2, 4-7, 9-11)',
    calls: 10,
    run: async (ctx, m) => {
      const token = await usableToken(ctx, m, { card: ordinary(ctx), cvc: true });
      const customer = await createCustomer(ctx, m, { token });
      await updateCustomer(ctx, m, customer, 'email');
      await updateCard(ctx, m, customer, customer.cards[0]);
      const held = present(await chargeCustomer(ctx, m, customer, undefined, { amount: 4_800, capture: false, expiryDays: 3 }), 'a charge');
      await reauthCharge(ctx, m, held, 7);
      await captureCharge(ctx, m, held, true);
      const sold = present(await chargeCustomer(ctx, m, customer, undefined, { amount: 9_600, capture: true }), 'a charge');
      await updateCharge(ctx, m, sold);
      await refundCharge(ctx, m, sold, true);
    },
  },
  {
    name: 'cards added to a customer that had none (paths 3, 5-7, 9, 10)',
    calls: 10,
    run: async (ctx, m) => {
      const customer = await createCustomer(ctx, m, { token: null, customId: true });
      await chargeCustomer(ctx, m, customer, undefined, { amount: 1_000 }); // missing_card: refused, nothing recorded
      const first = await addCard(ctx, m, customer, { token: await usableToken(ctx, m, { card: ordinary(ctx), cvc: true }), makeDefault: true });
      await addCard(ctx, m, customer, { token: await usableToken(ctx, m, { card: ordinary(ctx), cvc: true, forCustomer: customer }), via: 'update' });
      await updateCard(ctx, m, customer, first);
      const byCard = present(await chargeCustomer(ctx, m, customer, first, { amount: 3_000, capture: true }), 'a charge');
      await refundCharge(ctx, m, byCard, false);
      await updateCustomer(ctx, m, customer, 'default');
      await chargeCustomer(ctx, m, customer, undefined, { amount: 2_500, capture: true });
    },
  },
  {
    name: 'charges by token: authorized and left to lapse, captured, updated, refunded (paths 1, 8, 10, 11)',
    calls: 9,
    run: async (ctx, m) => {
      await chargeByToken(ctx, m, await usableToken(ctx, m, { card: ordinary(ctx), cvc: true }), { amount: 7_000, capture: false, expiryDays: 1 });
      const sold = await chargeByToken(ctx, m, await usableToken(ctx, m, { card: ordinary(ctx), cvc: true }), { amount: 5_500, capture: true });
      await updateCharge(ctx, m, sold);
      await refundCharge(ctx, m, sold, false);
      const held: ChargeRecord = await chargeByToken(ctx, m, await usableToken(ctx, m, { card: ordinary(ctx), cvc: true }), { amount: 20_000, capture: false });
      await captureCharge(ctx, m, held, false);
      await refundCharge(ctx, m, held, true);
    },
  },
  {
    name: 'tokens without a CVC: unchecked by design, not by the fault',
    calls: 5,
    run: async (ctx, m) => {
      await createCustomer(ctx, m, { token: await usableToken(ctx, m, { card: ordinary(ctx), cvc: false }) });
      await chargeByToken(ctx, m, await usableToken(ctx, m, { card: ordinary(ctx), cvc: false }), { amount: 1_200, capture: true });
      await createToken(ctx, m, { card: ordinary(ctx), cvc: false });
    },
  },
  {
    name: 'special cards: CVC failed and unavailable used for a customer and a charge; the others tokenized',
    calls: 5 + specialUsableCards.length,
    run: async (ctx, m) => {
      const failing = await createCustomer(ctx, m, { token: await usableToken(ctx, m, { card: CVC_FAILED, cvc: true }) });
      await chargeCustomer(ctx, m, failing, undefined, { amount: 800, capture: true });
      await chargeByToken(ctx, m, await usableToken(ctx, m, { card: CVC_UNAVAILABLE, cvc: true }), { amount: 900, capture: true });
      for (const card of specialUsableCards) await createToken(ctx, m, { card, cvc: true });
    },
  },
  {
    name: 'tokens refused at tokenization (…0002, …0069, …0127, …0119, …): nothing recorded',
    calls: tokenRefusedCards.length,
    run: async (ctx, m) => {
      for (const card of tokenRefusedCards) await refusedToken(ctx, m, card);
    },
  },
  {
    name: 'charge-time declines: …0080319 always, …0080202 above 10,000 yen',
    calls: 7,
    run: async (ctx, m) => {
      await chargeByToken(ctx, m, await usableToken(ctx, m, { card: ALWAYS_DECLINED, cvc: true }), { amount: 3_000, capture: true });
      const limited = await createCustomer(ctx, m, { token: await usableToken(ctx, m, { card: CREDIT_LIMITED, cvc: true }) });
      await chargeCustomer(ctx, m, limited, undefined, { amount: 15_000, capture: true });
      await chargeCustomer(ctx, m, limited, undefined, { amount: 5_000, capture: true });
      await chargeByToken(ctx, m, await usableToken(ctx, m, { card: cardByNumber('4000000000004012'), cvc: true }), { amount: 2_000 });
    },
  },
  {
    name: 'a spent token spent again: token_already_used, nothing recorded',
    calls: 4,
    run: async (ctx, m) => {
      const token = await usableToken(ctx, m, { card: ordinary(ctx), cvc: true });
      await chargeByToken(ctx, m, token, { amount: 600, capture: true });
      await reuseTokenForCharge(ctx, m, token.id);
      await reuseTokenForCustomer(ctx, m, token.id);
    },
  },
  {
    name: 'a default card deleted, then the customer',
    calls: 8,
    run: async (ctx, m) => {
      const customer = await createCustomer(ctx, m, { token: await usableToken(ctx, m, { card: ordinary(ctx), cvc: true }) });
      await addCard(ctx, m, customer, { token: await usableToken(ctx, m, { card: ordinary(ctx), cvc: true, forCustomer: customer }), makeDefault: false });
      await deleteCard(ctx, m, customer, customer.cards[0]);
      await chargeCustomer(ctx, m, customer, undefined, { amount: 1_500, capture: true });
      await deleteCustomer(ctx, m, customer);
    },
  },
];
