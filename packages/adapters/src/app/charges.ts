import {
  cardDecider,
  cardEventTypes,
  cardError,
  cardStream,
  chargeDecider,
  chargeEventTypes,
  chargeStream,
  chargeTerms,
  chargedCardFromCard,
  chargedCardFromToken,
  customerDecider,
  customerEventTypes,
  customerStream,
  declineError,
  notFound,
  tokenDecider,
  unsafeId,
  err,
  ok,
  type Authorization,
  type ChargeCommand,
  type ChargeEvent,
  type ChargedCard,
  type ChargeId,
  type ChargeState,
  type DomainError,
  type DomainEvent,
  type Yen,
  type MerchantId,
  type Result,
} from '@kessai/domain';
import { commit, startRun, type CommandOptions, type CommandPorts, type CommandRun, type Done } from './context.js';
import {
  captureChargeInput,
  createChargeInput,
  parseInput,
  reauthChargeInput,
  refundChargeInput,
  refundTypeCodes,
  updateChargeInput,
  type CaptureChargeInput,
  type CreateChargeInput,
  type ReauthChargeInput,
  type RefundChargeInput,
  type UpdateChargeInput,
} from './inputs.js';
import { load, loadOrNew, withRetry, type Loaded, type StreamAppend } from './streams.js';
import { loadToken } from './tokens.js';


const loadCharge = (ports: CommandPorts, run: CommandRun, id: string) => load(ports.events, chargeDecider, chargeEventTypes, chargeStream(id), run.correlationId);

/** The card a charge will use, copied with its cvc decision from a token or from a customer's card. */
interface ChargeSource {
  readonly card: ChargedCard;
  readonly customer: string | null;
  /** The token's use, when the charge spends a token (card=tok_…). */
  readonly spend: StreamAppend | null;
}

const sourceFromToken = async (ports: CommandPorts, run: CommandRun, tokenId: string, chargeId: ChargeId): Promise<Result<ChargeSource>> => {
  const token = await loadToken(ports, run, tokenId);
  if (token === null || token.state.status === 'absent' || token.state.merchant !== run.merchant) return err(notFound('token', tokenId, 'card'));
  const used = tokenDecider.decide({ type: 'UseToken', tokenId: token.state.tokenId, merchant: run.merchant, at: run.at, usedFor: { kind: 'charge', charge: chargeId } }, token.state);
  if (!used.ok) return used;
  return ok({ card: chargedCardFromToken(token.state), customer: null, spend: { loaded: token, events: used.value } });
};

const sourceFromCustomer = async (ports: CommandPorts, run: CommandRun, customerId: string, cardId: string | undefined): Promise<Result<ChargeSource>> => {
  const customer = await load(ports.events, customerDecider, customerEventTypes, customerStream(run.merchant, customerId), run.correlationId);
  if (customer.state.status !== 'active') return err(notFound('customer', customerId, 'customer'));
  const chosen = cardId ?? customer.state.defaultCard;
  if (chosen === null) return err(cardError('missing_card', 'card', `Customer ${customerId} has no default card.`));
  if (!customer.state.cards.some((c) => c.card === chosen)) return err(notFound('card', chosen, 'card'));
  const card = await load(ports.events, cardDecider, cardEventTypes, cardStream(chosen), run.correlationId);
  if (card.state.status !== 'active') return err(notFound('card', chosen, 'card'));
  return ok({ card: chargedCardFromCard(card.state), customer: customer.state.customerId, spend: null });
};

/**
 * POST /v1/charges, by token (card=tok_…), by customer (customer=cus_…, default card) or by customer and card.
 * The terms are checked before the network is asked; the network's answer is recorded either way (a decline is
 * a ChargeFailed and a 402 naming the charge). Token use and charge commit together: a token backs one charge.
 */
export const createCharge = async (ports: CommandPorts, merchant: MerchantId, input: CreateChargeInput, options: CommandOptions = {}): Promise<Result<Done>> => {
  const parsed = parseInput(createChargeInput, input);
  if (!parsed.ok) return parsed;
  const params = parsed.value;
  const request = {
    amount: params.amount,
    currency: params.currency,
    capture: params.capture ?? true,
    expiryDays: params.expiry_days ?? null,
    description: params.description ?? null,
    metadata: params.metadata ?? {},
  };
  const terms = chargeTerms(request);
  if (!terms.ok) return terms;
  if (params.card === undefined && params.customer === undefined)
    return err(cardError('missing_card', 'card', 'Give a card token (card) or a customer (customer) to charge.', 400));
  const run = startRun(ports, merchant, options);
  const chargeId = unsafeId.charge(run.ids.next('charge'));

  let decline: DomainError | null = null;
  const done = await withRetry(async (): Promise<Result<Done>> => {
    // The charge's own stream does not depend on the source: both are read at once (one round trip less).
    const [source, charge] = await Promise.all([
      params.customer !== undefined ? sourceFromCustomer(ports, run, params.customer, params.card) : sourceFromToken(ports, run, params.card!, chargeId),
      // A new charge id: read only when it may repeat (derived from an idempotency key, or seeded).
      loadOrNew(ports.events, run.ids, chargeDecider, chargeEventTypes, chargeStream(chargeId), run.correlationId),
    ]);
    if (!source.ok) return source;
    // A run of this command that was interrupted after recording the charge already has the network's answer.
    const authorization = charge.done ? recordedAuthorization(charge.recorded) : await authorize(ports, run, chargeId, source.value.card, terms.value.amount);
    const decided = chargeDecider.decide(
      { type: 'CreateCharge', chargeId, merchant, at: run.at, request, customer: source.value.customer === null ? null : unsafeId.customer(source.value.customer), card: source.value.card, authorization },
      charge.state,
    );
    if (!decided.ok) return decided;
    const failed = decided.value.find((e) => e.type === 'ChargeFailed');
    decline = failed === undefined ? null : declineError(failed);
    const appends = [...(source.value.spend === null ? [] : [source.value.spend]), { loaded: charge, events: decided.value }];
    try {
      return ok({ id: chargeId, position: await commit(ports, run, appends) });
    } catch (e) {
      // Another command spent the token (or wrote the customer) first: this authorization will never be recorded,
      // so release its hold before deciding again.
      if (authorization.outcome === 'approved' && !charge.done) await voidAuthorization(ports, run, chargeId, source.value.card, terms.value.amount);
      throw e;
    }
  });
  // A decline is recorded (GET /v1/charges shows the failed charge) and answered as PAY.JP does: a 402 naming it.
  return done.ok && decline !== null ? err(decline) : done;
};

const authorize = async (
  ports: CommandPorts,
  run: CommandRun,
  charge: ChargeId,
  card: ChargedCard,
  amount: Yen,
  kind: 'authorize' | 'reauthorize' = 'authorize',
): Promise<Authorization> => {
  const pan = await ports.vault.reveal(card.card.vaultRef);
  if (pan === null) return { outcome: 'declined', code: 'processing_error', message: 'The card could not be read from the vault.' };
  return ports.network[kind]({ merchant: run.merchant, charge, pan, brand: card.card.brand, amount, at: run.at });
};

const recordedAuthorization = (recorded: readonly DomainEvent[]): Authorization => {
  const failed = recorded.find((e) => e.type === 'ChargeFailed');
  return failed?.type === 'ChargeFailed' ? { outcome: 'declined', code: failed.data.failureCode, message: failed.data.failureMessage } : { outcome: 'approved' };
};

const voidAuthorization = async (ports: CommandPorts, run: CommandRun, charge: ChargeId, card: ChargedCard, amount: Yen): Promise<void> => {
  const pan = await ports.vault.reveal(card.card.vaultRef);
  if (pan !== null) await ports.network.refund({ merchant: run.merchant, charge, pan, brand: card.card.brand, amount, at: run.at });
};

/**
 * Tells the network about the captures and refunds a decision holds, before they are recorded: a network that
 * fails throws, and nothing is appended.
 */
const settle = async (ports: CommandPorts, run: CommandRun, state: Extract<ChargeState, { card: unknown }>, events: readonly ChargeEvent[]) => {
  for (const event of events) {
    if (event.type !== 'ChargeCaptured' && event.type !== 'ChargeRefunded') continue;
    const pan = await ports.vault.reveal(state.card.card.vaultRef);
    if (pan === null) continue;
    const request = { merchant: run.merchant, charge: state.chargeId, pan, brand: state.card.card.brand, amount: event.data.amount, at: run.at };
    await (event.type === 'ChargeCaptured' ? ports.network.capture(request) : ports.network.refund(request));
  }
};

/** Load, decide, settle with the network, append with the expected revision; retried whole on a concurrent write. */
const onCharge = (
  ports: CommandPorts,
  merchant: MerchantId,
  id: string,
  options: CommandOptions,
  command: (run: CommandRun, state: ChargeState) => Promise<ChargeCommand>,
  run: CommandRun = startRun(ports, merchant, options),
): Promise<Result<Done>> =>
  withRetry(async () => {
    const charge: Loaded<ChargeState> = await loadCharge(ports, run, id);
    if (charge.state.status === 'absent' || charge.state.merchant !== merchant) return err(notFound('charge', id));
    const decided = chargeDecider.decide(await command(run, charge.state), charge.state);
    if (!decided.ok) return decided;
    // An interrupted earlier run that recorded this already told the network.
    if (!charge.done) await settle(ports, run, charge.state, decided.value);
    return ok({ id, position: await commit(ports, run, [{ loaded: charge, events: decided.value }]) });
  });

export const updateCharge = async (ports: CommandPorts, merchant: MerchantId, id: string, input: UpdateChargeInput, options: CommandOptions = {}) => {
  const parsed = parseInput(updateChargeInput, input);
  if (!parsed.ok) return parsed;
  const p = parsed.value;
  return onCharge(ports, merchant, id, options, async (run) => ({
    type: 'UpdateCharge',
    chargeId: unsafeId.charge(id),
    merchant,
    at: run.at,
    ...(p.description === undefined ? {} : { description: p.description }),
    ...(p.metadata === undefined ? {} : { metadata: p.metadata }),
  }));
};

export const refundCharge = async (ports: CommandPorts, merchant: MerchantId, id: string, input: RefundChargeInput, options: CommandOptions = {}) => {
  const parsed = parseInput(refundChargeInput, input, refundTypeCodes);
  if (!parsed.ok) return parsed;
  const p = parsed.value;
  return onCharge(ports, merchant, id, options, async (run) => ({
    type: 'RefundCharge',
    chargeId: unsafeId.charge(id),
    merchant,
    at: run.at,
    amount: p.amount ?? null,
    reason: p.refund_reason ?? null,
  }));
};

export const captureCharge = async (ports: CommandPorts, merchant: MerchantId, id: string, input: CaptureChargeInput, options: CommandOptions = {}) => {
  const parsed = parseInput(captureChargeInput, input);
  if (!parsed.ok) return parsed;
  const p = parsed.value;
  return onCharge(ports, merchant, id, options, async (run) => ({ type: 'CaptureCharge', chargeId: unsafeId.charge(id), merchant, at: run.at, amount: p.amount ?? null }));
};

/** POST /v1/charges/{id}/reauth: the network authorizes again; a decline records nothing and answers 402. */
export const reauthCharge = async (ports: CommandPorts, merchant: MerchantId, id: string, input: ReauthChargeInput, options: CommandOptions = {}) => {
  const parsed = parseInput(reauthChargeInput, input);
  if (!parsed.ok) return parsed;
  const p = parsed.value;
  return onCharge(ports, merchant, id, options, async (run, state) => ({
    type: 'ReauthCharge',
    chargeId: unsafeId.charge(id),
    merchant,
    at: run.at,
    expiryDays: p.expiry_days ?? null,
    authorization:
      state.status === 'authorized' || state.status === 'expired'
        ? await authorize(ports, run, state.chargeId, state.card, state.amount, 'reauthorize')
        : { outcome: 'approved' },
  }));
};

/** Releases an uncaptured authorization whose hold has lapsed (a scheduler calls it); nothing to do is no error. */
export const expireCharge = (ports: CommandPorts, merchant: MerchantId, id: string, options: CommandOptions = {}) =>
  onCharge(ports, merchant, id, options, async (run) => ({ type: 'ExpireCharge', chargeId: unsafeId.charge(id), merchant, at: run.at }));
