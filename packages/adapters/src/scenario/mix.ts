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
} from './customer-scenes.js';
import type { CustomerRecord, MerchantModel } from './model.js';
import { chance } from './values.js';

/**
 * The random part of the workload: one scene per step, drawn by weight. A scene that finds nothing to act on
 * (no customer with a card yet, no open authorization) falls back to one that creates what it lacked.
 */
type Scene = (ctx: SceneContext, m: MerchantModel) => Promise<unknown>;

const withCards = (c: CustomerRecord) => c.cards.length > 0;

const someCustomer = (m: MerchantModel, accept: (c: CustomerRecord) => boolean = () => true): CustomerRecord | undefined =>
  m.customers.pickWhere(accept);

const weighted: ReadonlyArray<readonly [number, Scene]> = [
  // A token made and never used (an abandoned checkout): path 1 only.
  [5, (ctx, m) => createToken(ctx, m)],
  [1.2, (ctx, m) => refusedToken(ctx, m)],
  [9, (ctx, m) => createCustomer(ctx, m, chance(ctx.random, 0.15) ? { token: null } : {})],
  [
    6,
    async (ctx, m) => {
      const customer = someCustomer(m);
      return customer === undefined ? createCustomer(ctx, m) : addCard(ctx, m, customer, { via: chance(ctx.random, 0.25) ? 'update' : 'cards' });
    },
  ],
  [
    4,
    async (ctx, m) => {
      const customer = someCustomer(m, withCards);
      return customer === undefined ? createCustomer(ctx, m) : updateCard(ctx, m, customer);
    },
  ],
  [
    1.2,
    async (ctx, m) => {
      const customer = someCustomer(m, (c) => c.cards.length > 1);
      return customer === undefined ? createCustomer(ctx, m) : deleteCard(ctx, m, customer);
    },
  ],
  [
    4,
    async (ctx, m) => {
      const customer = someCustomer(m);
      return customer === undefined ? createCustomer(ctx, m) : updateCustomer(ctx, m, customer);
    },
  ],
  [
    0.25,
    async (ctx, m) => {
      const customer = someCustomer(m);
      return customer === undefined ? createCustomer(ctx, m) : deleteCustomer(ctx, m, customer);
    },
  ],
  [14, (ctx, m) => chargeByToken(ctx, m)],
  [
    13,
    async (ctx, m) => {
      // Mostly customers with a default card; now and then one without (missing_card, nothing recorded).
      const customer = someCustomer(m, (c) => c.defaultCard !== null || chance(ctx.random, 0.05));
      return customer === undefined ? createCustomer(ctx, m) : chargeCustomer(ctx, m, customer);
    },
  ],
  [
    4,
    async (ctx, m) => {
      const customer = someCustomer(m, withCards);
      return customer === undefined ? createCustomer(ctx, m) : chargeCustomer(ctx, m, customer, ctx.random.pick(customer.cards));
    },
  ],
  [
    6,
    async (ctx, m) => {
      const charge = m.authorized.pick();
      return charge === undefined ? chargeByToken(ctx, m, undefined, { capture: false }) : captureCharge(ctx, m, charge);
    },
  ],
  [
    5,
    async (ctx, m) => {
      const charge = chance(ctx.random, 0.2) ? m.authorized.pick() : m.refundable.pick();
      return charge === undefined ? chargeByToken(ctx, m) : refundCharge(ctx, m, charge);
    },
  ],
  [
    1.5,
    async (ctx, m) => {
      const charge = m.authorized.pick();
      return charge === undefined ? chargeByToken(ctx, m, undefined, { capture: false }) : reauthCharge(ctx, m, charge);
    },
  ],
  [
    3,
    async (ctx, m) => {
      const charge = m.recentCharges.pick();
      return charge === undefined ? chargeByToken(ctx, m) : updateCharge(ctx, m, charge);
    },
  ],
  [
    0.4,
    async (ctx, m) => {
      const token = m.usedTokens.length === 0 ? undefined : ctx.random.pick(m.usedTokens);
      if (token === undefined) return chargeByToken(ctx, m);
      return chance(ctx.random, 0.5) ? reuseTokenForCharge(ctx, m, token) : reuseTokenForCustomer(ctx, m, token);
    },
  ],
];

const cumulative = weighted.reduce<number[]>((acc, [w]) => [...acc, (acc.at(-1) ?? 0) + w], []);
const totalWeight = cumulative.at(-1) ?? 0;

/** Runs one scene drawn by weight. */
export const randomScene = (ctx: SceneContext, m: MerchantModel): Promise<unknown> => {
  const r = ctx.random.nextFloat() * totalWeight;
  let i = 0;
  while (i < cumulative.length - 1 && r >= cumulative[i]!) i++;
  return weighted[i]![1](ctx, m);
};
