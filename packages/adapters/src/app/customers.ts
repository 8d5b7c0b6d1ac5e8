import {
  cardDecider,
  cardEventTypes,
  cardStream,
  customCustomerId,
  customerDecider,
  customerEventTypes,
  customerStream,
  notFound,
  tokenDecider,
  err,
  ok,
  unsafeId,
  type CardHolderPatch,
  type CustomerId,
  type DomainEvent,
  type MerchantId,
  type NewCard,
  type Result,
} from '@kessai/domain';
import { commit, startRun, type CommandOptions, type CommandPorts, type CommandRun, type Done } from './context.js';
import {
  createCustomerCardInput,
  createCustomerInput,
  parseInput,
  updateCustomerCardInput,
  updateCustomerInput,
  type CreateCustomerCardInput,
  type CreateCustomerInput,
  type UpdateCustomerCardInput,
  type UpdateCustomerInput,
} from './inputs.js';
import { load, loadOrNew, withRetry, type Loaded, type StreamAppend } from './streams.js';
import { loadToken } from './tokens.js';


const loadCustomer = (ports: CommandPorts, run: CommandRun, id: string) =>
  load(ports.events, customerDecider, customerEventTypes, customerStream(run.merchant, id), run.correlationId);
const loadCard = (ports: CommandPorts, run: CommandRun, id: string) => load(ports.events, cardDecider, cardEventTypes, cardStream(id), run.correlationId);

/**
 * Spends a token on a new card for a customer: the token's use and the card (its facts and cvc decision copied
 * from the token) are decided together; the caller appends them with the customer's events in one commit.
 * The card keeps the id the token's card had, so one token can only ever make one card stream.
 */
const cardFromToken = async (
  ports: CommandPorts,
  run: CommandRun,
  tokenId: string,
  customer: CustomerId,
  metadata: Record<string, string>,
): Promise<Result<{ appends: StreamAppend[]; newCard: NewCard }>> => {
  const token = await loadToken(ports, run, tokenId);
  if (token === null) return err(notFound('token', tokenId, 'card'));
  const state = token.state;
  if (state.status === 'absent' || state.merchant !== run.merchant) return err(notFound('token', tokenId, 'card'));
  const cardId = state.card.id;
  const used = tokenDecider.decide({ type: 'UseToken', tokenId: state.tokenId, merchant: run.merchant, at: run.at, usedFor: { kind: 'card', card: cardId, customer } }, state);
  if (!used.ok) return used;
  const card = await loadCard(ports, run, cardId);
  const created = cardDecider.decide({ type: 'CreateCard', cardId, merchant: run.merchant, customer, at: run.at, token: state, metadata }, card.state);
  if (!created.ok) return created;
  return ok({
    appends: [
      { loaded: token, events: used.value },
      { loaded: card, events: created.value },
    ],
    newCard: { card: cardId, fingerprint: state.card.fingerprint, expMonth: state.card.expMonth, expYear: state.card.expYear },
  });
};

/** Runs a command that ends in a commit; each attempt is retried whole when a concurrent writer got there first. */
const attempt = (run: CommandRun, ports: CommandPorts, body: (run: CommandRun) => Promise<Result<{ id: string; appends: StreamAppend[] }>>) =>
  withRetry(async (): Promise<Result<Done>> => {
    const decided = await body(run);
    if (!decided.ok) return decided;
    return ok({ id: decided.value.id, position: await commit(ports, run, decided.value.appends) });
  });

const customerAppend = (loaded: Loaded<unknown>, events: readonly DomainEvent[]): StreamAppend => ({ loaded, events });

/** POST /v1/customers, with or without `card` (a token) and `id` (a merchant-chosen id). */
export const createCustomer = async (ports: CommandPorts, merchant: MerchantId, input: CreateCustomerInput, options: CommandOptions = {}): Promise<Result<Done>> => {
  const parsed = parseInput(createCustomerInput, input);
  if (!parsed.ok) return parsed;
  const params = parsed.value;
  const chosen = params.id === undefined ? null : customCustomerId(params.id);
  if (chosen !== null && !chosen.ok) return chosen;
  const run = startRun(ports, merchant, options);
  const customerId = chosen?.value ?? unsafeId.customer(run.ids.next('customer'));
  return attempt(run, ports, async () => {
    // The customer's stream and the token's (then its card's) are independent reads: made at once.
    const [customer, card] = await Promise.all([
      // A merchant's own id may name an existing customer: read it. A generated one is new unless ids repeat.
      chosen === null
        ? loadOrNew(ports.events, run.ids, customerDecider, customerEventTypes, customerStream(merchant, customerId), run.correlationId)
        : loadCustomer(ports, run, customerId),
      params.card === undefined ? null : cardFromToken(ports, run, params.card, customerId, {}),
    ]);
    if (card !== null && !card.ok) return card;
    const decided = customerDecider.decide(
      {
        type: 'CreateCustomer',
        customerId,
        idChosenByMerchant: chosen !== null,
        merchant,
        at: run.at,
        email: params.email ?? null,
        description: params.description ?? null,
        metadata: params.metadata ?? {},
        card: card?.value.newCard ?? null,
      },
      customer.state,
    );
    if (!decided.ok) return decided;
    // Card stream before customer stream: a reader sees the card before the customer that holds it.
    return ok({ id: customerId, appends: [...(card?.value.appends ?? []), customerAppend(customer, decided.value)] });
  });
};

/** POST /v1/customers/{id}: email, description, metadata, default_card, and `card` (a token) to add a card. */
export const updateCustomer = async (ports: CommandPorts, merchant: MerchantId, id: string, input: UpdateCustomerInput, options: CommandOptions = {}): Promise<Result<Done>> => {
  const parsed = parseInput(updateCustomerInput, input);
  if (!parsed.ok) return parsed;
  const params = parsed.value;
  return attempt(startRun(ports, merchant, options), ports, async (run) => {
    const customer = await loadCustomer(ports, run, id);
    if (customer.state.status !== 'active') return err(notFound('customer', id));
    const customerId = customer.state.customerId;
    const card = params.card === undefined ? null : await cardFromToken(ports, run, params.card, customerId, {});
    if (card !== null && !card.ok) return card;
    const decided = customerDecider.decide(
      {
        type: 'UpdateCustomer',
        customerId,
        merchant,
        at: run.at,
        ...(params.email === undefined ? {} : { email: params.email }),
        ...(params.description === undefined ? {} : { description: params.description }),
        ...(params.metadata === undefined ? {} : { metadata: params.metadata }),
        ...(params.default_card === undefined ? {} : { defaultCard: unsafeId.card(params.default_card) }),
        ...(card === null ? {} : { addCard: card.value.newCard }),
      },
      customer.state,
    );
    if (!decided.ok) return decided;
    return ok({ id: customerId, appends: [...(card?.value.appends ?? []), customerAppend(customer, decided.value)] });
  });
};

/** DELETE /v1/customers/{id}. */
export const deleteCustomer = (ports: CommandPorts, merchant: MerchantId, id: string, options: CommandOptions = {}): Promise<Result<Done>> =>
  attempt(startRun(ports, merchant, options), ports, async (run) => {
    const customer = await loadCustomer(ports, run, id);
    const decided = customerDecider.decide({ type: 'DeleteCustomer', customerId: unsafeId.customer(id), merchant, at: run.at }, customer.state);
    return decided.ok ? ok({ id, appends: [customerAppend(customer, decided.value)] }) : decided;
  });

/** POST /v1/customers/{id}/cards: a token becomes the customer's card (`default` to make it the default). */
export const createCustomerCard = async (ports: CommandPorts, merchant: MerchantId, customerId: string, input: CreateCustomerCardInput, options: CommandOptions = {}): Promise<Result<Done>> => {
  const parsed = parseInput(createCustomerCardInput, input);
  if (!parsed.ok) return parsed;
  const params = parsed.value;
  return attempt(startRun(ports, merchant, options), ports, async (run) => {
    const customer = await loadCustomer(ports, run, customerId);
    if (customer.state.status !== 'active') return err(notFound('customer', customerId));
    const card = await cardFromToken(ports, run, params.card, customer.state.customerId, params.metadata ?? {});
    if (!card.ok) return card;
    const decided = customerDecider.decide(
      { type: 'AttachCard', customerId: customer.state.customerId, merchant, at: run.at, card: card.value.newCard, makeDefault: params.default ?? false },
      customer.state,
    );
    if (!decided.ok) return decided;
    return ok({ id: card.value.newCard.card, appends: [...card.value.appends, customerAppend(customer, decided.value)] });
  });
};

const holderPatchOf = (p: UpdateCustomerCardInput): CardHolderPatch => ({
  ...(p.name === undefined ? {} : { name: p.name }),
  ...(p.address_state === undefined ? {} : { addressState: p.address_state }),
  ...(p.address_city === undefined ? {} : { addressCity: p.address_city }),
  ...(p.address_line1 === undefined ? {} : { addressLine1: p.address_line1 }),
  ...(p.address_line2 === undefined ? {} : { addressLine2: p.address_line2 }),
  ...(p.address_zip === undefined ? {} : { addressZip: p.address_zip }),
  ...(p.country === undefined ? {} : { country: p.country }),
  ...(p.email === undefined ? {} : { email: p.email }),
  ...(p.phone === undefined ? {} : { phone: p.phone }),
});

/** The customer, checked to exist for this merchant, and the card, checked to be theirs. */
const loadOwnedCard = async (ports: CommandPorts, run: CommandRun, customerId: string, cardId: string) => {
  const customer = await loadCustomer(ports, run, customerId);
  if (customer.state.status !== 'active') return err(notFound('customer', customerId));
  if (!customer.state.cards.some((c) => c.card === cardId)) return err(notFound('card', cardId));
  return ok({ customer, card: await loadCard(ports, run, cardId), customerId: customer.state.customerId });
};

/** POST /v1/customers/{id}/cards/{card}: holder details and metadata; never cvc_check. */
export const updateCustomerCard = async (
  ports: CommandPorts,
  merchant: MerchantId,
  customerId: string,
  cardId: string,
  input: UpdateCustomerCardInput,
  options: CommandOptions = {},
): Promise<Result<Done>> => {
  const parsed = parseInput(updateCustomerCardInput, input);
  if (!parsed.ok) return parsed;
  const params = parsed.value;
  return attempt(startRun(ports, merchant, options), ports, async (run) => {
    const owned = await loadOwnedCard(ports, run, customerId, cardId);
    if (!owned.ok) return owned;
    const decided = cardDecider.decide(
      {
        type: 'UpdateCard',
        cardId: unsafeId.card(cardId),
        merchant,
        customer: owned.value.customerId,
        at: run.at,
        holder: holderPatchOf(params),
        ...(params.metadata === undefined ? {} : { metadata: params.metadata }),
      },
      owned.value.card.state,
    );
    return decided.ok ? ok({ id: cardId, appends: [{ loaded: owned.value.card, events: decided.value }] }) : decided;
  });
};

/** DELETE /v1/customers/{id}/cards/{card}: the card is deleted and detached (the default moves on) together. */
export const deleteCustomerCard = (ports: CommandPorts, merchant: MerchantId, customerId: string, cardId: string, options: CommandOptions = {}): Promise<Result<Done>> =>
  attempt(startRun(ports, merchant, options), ports, async (run) => {
    const owned = await loadOwnedCard(ports, run, customerId, cardId);
    if (!owned.ok) return owned;
    const { customer, card } = owned.value;
    const deleted = cardDecider.decide({ type: 'DeleteCard', cardId: unsafeId.card(cardId), merchant, customer: owned.value.customerId, at: run.at }, card.state);
    if (!deleted.ok) return deleted;
    const detached = customerDecider.decide({ type: 'DetachCard', customerId: owned.value.customerId, merchant, at: run.at, card: unsafeId.card(cardId) }, customer.state);
    if (!detached.ok) return detached;
    return ok({ id: cardId, appends: [{ loaded: card, events: deleted.value }, customerAppend(customer, detached.value)] });
  });
