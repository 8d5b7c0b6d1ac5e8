import type { CreateChargeInput } from '../app/inputs.js';
import { numberField, recordedId, type Expectation, type Outcome } from './api.js';
import { declineOf, type WorkloadCard } from './cards.js';
import type { SceneContext } from './context.js';
import { usableToken } from './customer-scenes.js';
import { defaultCardOf, type CardRecord, type ChargeRecord, type CustomerRecord, type MerchantModel, type TokenRecord } from './model.js';
import * as values from './values.js';

/** Scenes about charges: create (by token, by customer, by customer and card) and everything after. */

export interface ChargeOptions {
  readonly amount?: number;
  /** false: authorize only (capture later, or let it lapse). */
  readonly capture?: boolean;
  /** With capture=false; 1 makes the hold lapse at the end of the day in Japan. */
  readonly expiryDays?: number;
}

const terms = (ctx: SceneContext, options: ChargeOptions) => {
  const { random } = ctx;
  const capture = options.capture ?? !values.chance(random, 0.35);
  const expiryDays = capture ? undefined : 'expiryDays' in options ? options.expiryDays : values.expiryDays(random);
  return {
    amount: options.amount ?? values.amount(random),
    currency: 'jpy',
    ...(capture ? {} : { capture: false }),
    ...(expiryDays === undefined ? {} : { expiry_days: expiryDays }),
    ...(values.chance(random, 0.3) ? { description: `order ${random.hex(6)}` } : {}),
    ...(values.chance(random, 0.2) ? { metadata: values.metadata(random) } : {}),
  } satisfies CreateChargeInput;
};

/** Records the charge the call made in the model: declined ones only for updates, the others in their pools. */
const track = (m: MerchantModel, { recorded }: Outcome, input: ReturnType<typeof terms>, card: WorkloadCard): ChargeRecord => {
  const declined = recorded.find((e) => e.type === 'ChargeFailed');
  const id = declined === undefined ? recordedId(recorded, 'ChargeSucceeded', 'chargeId') : recordedId(recorded, 'ChargeFailed', 'chargeId');
  const authorized = declined === undefined && input.capture === false;
  const charge: ChargeRecord = {
    id,
    amount: input.amount,
    card,
    status: declined !== undefined ? 'closed' : authorized ? 'authorized' : 'captured',
    net: declined === undefined && !authorized ? input.amount : 0,
    expiresAt: authorized ? (numberField(recorded.find((e) => e.type === 'ChargeSucceeded')?.data, 'expiresAt') ?? null) : null,
    holdTicket: 0,
  };
  m.recentCharges.add(charge);
  if (charge.status === 'authorized') {
    m.authorized.add(charge);
    if (input.expiry_days === 1) m.holdShort(charge);
  }
  if (charge.status === 'captured') m.refundable.add(charge);
  return charge;
};

const expectationFor = (card: WorkloadCard, amount: number, spendsToken: boolean): Expectation => {
  const decline = declineOf(card, amount);
  if (decline !== null) return { outcome: 'declined', code: decline };
  return { outcome: 'recorded', types: spendsToken ? ['TokenUsed', 'ChargeSucceeded'] : ['ChargeSucceeded'] };
};

/** POST /v1/charges with card=tok_… (a new token unless one is given). */
export const chargeByToken = async (ctx: SceneContext, m: MerchantModel, token?: TokenRecord, options: ChargeOptions = {}): Promise<ChargeRecord> => {
  const spent = token ?? (await usableToken(ctx, m));
  const input = terms(ctx, options);
  ctx.pace();
  const outcome = await ctx.api.call(m.id, 'charges.create', expectationFor(spent.card, input.amount, true), () =>
    ctx.kessai.commands.createCharge(m.id, { ...input, card: spent.id }),
  );
  m.tokenSpent(spent.id);
  return track(m, outcome, input, spent.card);
};

/**
 * POST /v1/charges with customer=cus_… (the default card), or with customer and card. A customer without a
 * default card is refused with missing_card and nothing is recorded. Returns null then.
 */
export const chargeCustomer = async (ctx: SceneContext, m: MerchantModel, customer: CustomerRecord, card?: CardRecord, options: ChargeOptions = {}): Promise<ChargeRecord | null> => {
  const charged = card ?? defaultCardOf(customer);
  const input = terms(ctx, options);
  ctx.pace();
  const request = { ...input, customer: customer.id, ...(card === undefined ? {} : { card: card.id }) };
  if (charged === undefined) {
    await ctx.api.call(m.id, 'charges.create', { outcome: 'refused', code: 'missing_card' }, () => ctx.kessai.commands.createCharge(m.id, request), 'no default card');
    return null;
  }
  const outcome = await ctx.api.call(m.id, 'charges.create', expectationFor(charged.token.card, input.amount, false), () => ctx.kessai.commands.createCharge(m.id, request));
  return track(m, outcome, input, charged.token.card);
};

const lapsed = (ctx: SceneContext, charge: ChargeRecord) => charge.expiresAt !== null && ctx.clock.now() > charge.expiresAt;

/** What a scheduler does when a hold lapses: ChargeExpired. */
export const expireCharge = async (ctx: SceneContext, m: MerchantModel, charge: ChargeRecord): Promise<void> => {
  ctx.pace();
  await ctx.api.call(m.id, 'charges.expire', { outcome: 'recorded', types: ['ChargeExpired'] }, () => ctx.kessai.commands.expireCharge(m.id, charge.id));
  m.chargeClosed(charge);
  m.expired++;
};

/** POST /v1/charges/{id}/capture, in full or in part (the remainder is released into amount_refunded). */
export const captureCharge = async (ctx: SceneContext, m: MerchantModel, charge: ChargeRecord, partial = values.chance(ctx.random, 0.4)): Promise<void> => {
  // A lapsed hold cannot be captured (charge_expired); release it as the scheduler would.
  if (lapsed(ctx, charge)) return expireCharge(ctx, m, charge);
  const amount = partial && charge.amount > 50 ? ctx.random.int(50, charge.amount - 1) : undefined;
  ctx.pace();
  if (lapsed(ctx, charge)) return expireCharge(ctx, m, charge);
  await ctx.api.call(m.id, 'charges.capture', { outcome: 'recorded', types: ['ChargeCaptured'] }, () =>
    ctx.kessai.commands.captureCharge(m.id, charge.id, amount === undefined ? {} : { amount }),
  );
  m.authorized.remove(charge);
  charge.status = 'captured';
  charge.holdTicket = 0;
  charge.expiresAt = null;
  charge.net = amount ?? charge.amount;
  m.refundable.add(charge);
};

/** POST /v1/charges/{id}/refund: part or all of a captured charge, or the whole of an uncaptured one (a cancel). */
export const refundCharge = async (ctx: SceneContext, m: MerchantModel, charge: ChargeRecord, partial = values.chance(ctx.random, 0.4)): Promise<void> => {
  const { random } = ctx;
  const amount = charge.status === 'captured' && partial && charge.net > 1 ? random.int(1, charge.net - 1) : undefined;
  const input = {
    ...(amount === undefined ? {} : { amount }),
    ...(values.chance(random, 0.3) ? { refund_reason: random.pick(['requested_by_customer', 'duplicate', 'out of stock']) } : {}),
  };
  ctx.pace();
  await ctx.api.call(m.id, 'charges.refund', { outcome: 'recorded', types: ['ChargeRefunded'] }, () => ctx.kessai.commands.refundCharge(m.id, charge.id, input));
  if (amount === undefined) m.chargeClosed(charge);
  else charge.net -= amount;
};

/** POST /v1/charges/{id}/reauth: a new authorization for an uncaptured charge. */
export const reauthCharge = async (ctx: SceneContext, m: MerchantModel, charge: ChargeRecord, expiryDays = values.expiryDays(ctx.random)): Promise<void> => {
  ctx.pace();
  const { recorded } = await ctx.api.call(m.id, 'charges.reauth', { outcome: 'recorded', types: ['ChargeReauthorized'] }, () =>
    ctx.kessai.commands.reauthCharge(m.id, charge.id, expiryDays === undefined ? {} : { expiry_days: expiryDays }),
  );
  charge.expiresAt = numberField(recorded.find((e) => e.type === 'ChargeReauthorized')?.data, 'expiresAt') ?? null;
  charge.holdTicket = 0;
  if (expiryDays === 1) m.holdShort(charge);
};

/** POST /v1/charges/{id}: description or metadata (any charge, declined ones too). */
export const updateCharge = async (ctx: SceneContext, m: MerchantModel, charge: ChargeRecord): Promise<void> => {
  const { random } = ctx;
  const input = values.chance(random, 0.5) ? { description: `note ${random.hex(6)}` } : { metadata: values.metadata(random) };
  ctx.pace();
  await ctx.api.call(m.id, 'charges.update', { outcome: 'recorded', types: ['ChargeUpdated'] }, () => ctx.kessai.commands.updateCharge(m.id, charge.id, input));
};

/** Spends an already spent token on a charge: refused with token_already_used, nothing recorded. */
export const reuseTokenForCharge = async (ctx: SceneContext, m: MerchantModel, token: string): Promise<void> => {
  ctx.pace();
  await ctx.api.call(m.id, 'charges.create', { outcome: 'refused', code: 'token_already_used' }, () =>
    ctx.kessai.commands.createCharge(m.id, { amount: values.amount(ctx.random), currency: 'jpy', card: token }),
  );
};
