import type { CreateCustomerInput, CreateTokenInput, UpdateCustomerCardInput, UpdateCustomerInput } from '../app/inputs.js';
import { isInWindow } from '../test-mode/cvc-verifier.js';
import { answeredId, recordedId } from './api.js';
import { tokenRefusedCards, type WorkloadCard } from './cards.js';
import type { SceneContext } from './context.js';
import { followDefaultCard, type CardRecord, type CustomerRecord, type MerchantModel, type TokenRecord } from './model.js';
import * as values from './values.js';

/** Scenes about tokens, customers and their cards: each makes one or a few calls through the public API. */

export interface TokenOptions {
  readonly card?: WorkloadCard;
  readonly cvc?: boolean;
  /** A token for this customer: its number and expiry must not repeat one of their cards (already_have_the_same_card). */
  readonly forCustomer?: CustomerRecord;
}

const clashes = (customer: CustomerRecord | undefined, card: WorkloadCard, month: number, year: number) =>
  customer?.cards.some((c) => c.token.card.number === card.number && c.token.expMonth === month && c.token.expYear === year) ?? false;

/** POST /v1/tokens. Returns the token, or null when the card is one that tokenization refuses. */
export const createToken = async (ctx: SceneContext, m: MerchantModel, options: TokenOptions = {}): Promise<TokenRecord | null> => {
  const { random } = ctx;
  const card = options.card ?? values.usableCard(random);
  const cvc = options.cvc ?? values.chance(random, 0.8);
  let { month, year } = values.expiry(random);
  while (clashes(options.forCustomer, card, month, year)) ({ month, year } = values.expiry(random));
  const input: CreateTokenInput = {
    card: {
      number: card.number,
      exp_month: month,
      exp_year: year,
      ...(cvc ? { cvc: values.cvcDigits(random, card.cvcLength) } : {}),
      ...(values.chance(random, 0.5) ? { name: values.holderName(random) } : {}),
      ...(values.chance(random, 0.3) ? { address_zip: values.zip(random) } : {}),
      ...(values.chance(random, 0.1) ? { address_state: values.state(random), address_city: values.city(random), country: 'JP' } : {}),
    },
  };
  ctx.pace();
  const merchant = m.id;
  if (card.tokenRefusal !== null) {
    await ctx.api.call(merchant, 'tokens.create', { outcome: 'refused', code: card.tokenRefusal }, () => ctx.kessai.commands.createToken(merchant, input), `card …${card.last4}`);
    return null;
  }
  const outcome = await ctx.api.call(merchant, 'tokens.create', { outcome: 'recorded', types: ['TokenCreated'] }, () => ctx.kessai.commands.createToken(merchant, input));
  const token: TokenRecord = {
    id: answeredId(outcome),
    card,
    cvc,
    window: isInWindow(ctx.window, ctx.clock.now()),
    expMonth: month,
    expYear: year,
  };
  ctx.tokenCreated(m, token);
  return token;
};

/** A token that must be created: throws if a refusing card slipped in. */
export const usableToken = async (ctx: SceneContext, m: MerchantModel, options: TokenOptions = {}): Promise<TokenRecord> => {
  const token = await createToken(ctx, m, options);
  if (token === null) throw new RangeError('kessai scenario: a usable token was asked for with a card that tokenization refuses.');
  return token;
};

/** A card that tokenization refuses (card_declined, expired_card, invalid_cvc, processing_error, ...): nothing recorded. */
export const refusedToken = async (ctx: SceneContext, m: MerchantModel, card = ctx.random.pick(tokenRefusedCards)): Promise<void> => {
  await createToken(ctx, m, { card });
};

export interface CustomerOptions {
  /** The token of the customer's first card; null: a customer without a card. Absent: a new token. */
  readonly token?: TokenRecord | null;
  readonly customId?: boolean;
}

/** POST /v1/customers, with or without a card, sometimes with a merchant-chosen id. */
export const createCustomer = async (ctx: SceneContext, m: MerchantModel, options: CustomerOptions = {}): Promise<CustomerRecord> => {
  const { random } = ctx;
  const token = options.token === undefined ? await usableToken(ctx, m) : options.token;
  const customId = options.customId ?? values.chance(random, 0.15);
  const input: CreateCustomerInput = {
    ...(token === null ? {} : { card: token.id }),
    ...(customId ? { id: `${m.id}-member-${(++m.customIds).toString().padStart(6, '0')}` } : {}),
    ...(values.chance(random, 0.7) ? { email: values.email(random, m.customIds + m.customers.size) } : {}),
    ...(values.chance(random, 0.3) ? { description: 'scenario customer' } : {}),
    ...(values.chance(random, 0.3) ? { metadata: values.metadata(random) } : {}),
  };
  const types = token === null ? ['CustomerCreated'] : ['TokenUsed', 'CardCreated', 'CustomerCreated', 'CardAttached', 'DefaultCardChanged'];
  ctx.pace();
  const { id, recorded } = await ctx.api.call(m.id, 'customers.create', { outcome: 'recorded', types }, () => ctx.kessai.commands.createCustomer(m.id, input));
  const customer: CustomerRecord = { id: answeredId({ id, recorded }), cards: [], defaultCard: null };
  if (token !== null) {
    customer.cards.push({ id: recordedId(recorded, 'CardCreated', 'cardId'), token });
    m.tokenSpent(token.id);
  }
  followDefaultCard(customer, recorded);
  m.customers.add(customer);
  return customer;
};

export interface AddCardOptions {
  readonly token?: TokenRecord;
  /** POST /v1/customers/{id}/cards (default) or POST /v1/customers/{id} with `card`. */
  readonly via?: 'cards' | 'update';
  readonly makeDefault?: boolean;
}

/** Adds a card from a new token to an existing customer. */
export const addCard = async (ctx: SceneContext, m: MerchantModel, customer: CustomerRecord, options: AddCardOptions = {}): Promise<CardRecord> => {
  const { random } = ctx;
  const token = options.token ?? (await usableToken(ctx, m, { forCustomer: customer }));
  const types = ['TokenUsed', 'CardCreated', 'CardAttached'];
  ctx.pace();
  const { recorded } =
    options.via === 'update'
      ? await ctx.api.call(m.id, 'customers.update', { outcome: 'recorded', types }, () => ctx.kessai.commands.updateCustomer(m.id, customer.id, { card: token.id }))
      : await ctx.api.call(m.id, 'customers.cards.create', { outcome: 'recorded', types }, () =>
          ctx.kessai.commands.createCustomerCard(m.id, customer.id, {
            card: token.id,
            ...((options.makeDefault ?? values.chance(random, 0.3)) ? { default: true } : {}),
            ...(values.chance(random, 0.2) ? { metadata: values.metadata(random) } : {}),
          }),
        );
  const card: CardRecord = { id: recordedId(recorded, 'CardCreated', 'cardId'), token };
  customer.cards.push(card);
  m.tokenSpent(token.id);
  followDefaultCard(customer, recorded);
  return card;
};

const cardPatch = (ctx: SceneContext): UpdateCustomerCardInput => {
  const { random } = ctx;
  const r = random.nextFloat();
  if (r < 0.4) return { name: values.holderName(random) };
  if (r < 0.7) return { address_zip: values.zip(random), address_city: values.city(random), address_state: values.state(random), country: 'JP' };
  return { metadata: values.metadata(random) };
};

/** POST /v1/customers/{id}/cards/{card}: name, address or metadata; never cvc_check. */
export const updateCard = async (ctx: SceneContext, m: MerchantModel, customer: CustomerRecord, card = ctx.random.pick(customer.cards)): Promise<void> => {
  const patch = cardPatch(ctx);
  ctx.pace();
  await ctx.api.call(m.id, 'customers.cards.update', { outcome: 'recorded', types: ['CardUpdated'] }, () =>
    ctx.kessai.commands.updateCustomerCard(m.id, customer.id, card.id, patch),
  );
};

/** DELETE /v1/customers/{id}/cards/{card}; the library picks the next default. */
export const deleteCard = async (ctx: SceneContext, m: MerchantModel, customer: CustomerRecord, card = ctx.random.pick(customer.cards)): Promise<void> => {
  ctx.pace();
  const { recorded } = await ctx.api.call(m.id, 'customers.cards.delete', { outcome: 'recorded', types: ['CardDeleted', 'CardDetached'] }, () =>
    ctx.kessai.commands.deleteCustomerCard(m.id, customer.id, card.id),
  );
  customer.cards.splice(customer.cards.indexOf(card), 1);
  followDefaultCard(customer, recorded);
};

/** POST /v1/customers/{id}: email, description, metadata, or a switch of the default card. */
export const updateCustomer = async (ctx: SceneContext, m: MerchantModel, customer: CustomerRecord, change?: 'email' | 'metadata' | 'default'): Promise<void> => {
  const { random } = ctx;
  const others = customer.cards.filter((c) => c.id !== customer.defaultCard);
  const kind = change ?? (others.length > 0 && values.chance(random, 0.35) ? 'default' : values.chance(random, 0.5) ? 'email' : 'metadata');
  let input: UpdateCustomerInput;
  if (kind === 'default') input = { default_card: random.pick(others).id };
  else if (kind === 'email') input = { email: values.email(random, random.int(0, 1_000_000)), ...(values.chance(random, 0.2) ? { description: 'updated' } : {}) };
  else input = { metadata: values.metadata(random) };
  const types = kind === 'default' ? ['DefaultCardChanged'] : ['CustomerUpdated'];
  ctx.pace();
  const { recorded } = await ctx.api.call(m.id, 'customers.update', { outcome: 'recorded', types }, () => ctx.kessai.commands.updateCustomer(m.id, customer.id, input), kind);
  followDefaultCard(customer, recorded);
};

/** DELETE /v1/customers/{id}. Rare: the customer's charges stay; the workload stops using the customer. */
export const deleteCustomer = async (ctx: SceneContext, m: MerchantModel, customer: CustomerRecord): Promise<void> => {
  ctx.pace();
  await ctx.api.call(m.id, 'customers.delete', { outcome: 'recorded', types: ['CustomerDeleted'] }, () => ctx.kessai.commands.deleteCustomer(m.id, customer.id));
  m.customers.remove(customer);
};

/** Spends an already spent token again, as a new customer's card: refused with token_already_used, nothing recorded. */
export const reuseTokenForCustomer = async (ctx: SceneContext, m: MerchantModel, token: string): Promise<void> => {
  ctx.pace();
  await ctx.api.call(m.id, 'customers.create', { outcome: 'refused', code: 'token_already_used' }, () => ctx.kessai.commands.createCustomer(m.id, { card: token }));
};
