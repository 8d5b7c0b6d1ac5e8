/**
 * Generated workloads for property tests: tokens, then a sequence of card, customer and charge commands run
 * through the four deciders the way the application layer chains them. A command the rules refuse records
 * nothing and the workload goes on, so every recorded event is one the domain decided. Generators for the
 * tokens and steps are in workload-arbitraries.ts.
 */
import type { CardEvent } from '../card/events.js';
import { cardDecider } from '../card/index.js';
import type { ChargeCommand, CreateCharge } from '../charge/commands.js';
import type { ChargeEvent } from '../charge/events.js';
import { chargeDecider } from '../charge/index.js';
import { chargedCardFromCard, chargedCardFromToken, type ChargedCard } from '../charge/snapshot.js';
import type { ChargeRequest } from '../charge/terms.js';
import type { CustomerEvent } from '../customer/events.js';
import { customerDecider } from '../customer/index.js';
import type { DomainEvent } from '../events/registry.js';
import type { CardHolderPatch } from '../shared/card.js';
import { foldEvents, type Decider } from '../shared/decider.js';
import type { CardId, ChargeId, CustomerId, MerchantId, TokenId } from '../shared/ids.js';
import type { Metadata } from '../shared/metadata.js';
import type { TokenCreated, TokenEvent, TokenUse } from '../token/events.js';
import { tokenDecider } from '../token/index.js';
import { approved, chargeIdOf, customerIdOf, declined, merchant, T0 } from './fixtures.js';

/** Indices pick among the tokens, cards and charges that exist at that point (modulo their count). */
export type Step =
  | { readonly kind: 'cardFromToken'; readonly token: number; readonly customer: number; readonly makeDefault: boolean }
  | { readonly kind: 'updateCard'; readonly card: number; readonly holder: CardHolderPatch; readonly metadata: Metadata | undefined }
  | { readonly kind: 'deleteCard'; readonly card: number }
  | { readonly kind: 'chargeToken'; readonly token: number; readonly request: ChargeRequest; readonly approved: boolean }
  | { readonly kind: 'chargeCard'; readonly card: number; readonly request: ChargeRequest; readonly approved: boolean }
  | { readonly kind: 'capture'; readonly charge: number; readonly amount: number | null }
  | { readonly kind: 'refund'; readonly charge: number; readonly amount: number | null }
  | { readonly kind: 'reauth'; readonly charge: number; readonly expiryDays: number | null; readonly approved: boolean }
  | { readonly kind: 'updateCharge'; readonly charge: number; readonly description: string | null; readonly metadata: Metadata }
  | { readonly kind: 'expire'; readonly charge: number };

/** A step and how long after the previous one it happens. */
export type TimedStep = Step & { readonly after: number };

export const CUSTOMERS = 2;

export interface WorkloadRun {
  /** Every event recorded, in order. */
  readonly events: readonly DomainEvent[];
  readonly tokens: ReadonlyMap<TokenId, TokenEvent[]>;
  readonly cards: ReadonlyMap<CardId, CardEvent[]>;
  readonly customers: ReadonlyMap<CustomerId, CustomerEvent[]>;
  readonly charges: ReadonlyMap<ChargeId, ChargeEvent[]>;
  /** The token each card and charge was made from, as the workload chose it (not as the events say). */
  readonly sourceOf: ReadonlyMap<CardId | ChargeId, TokenId>;
}

type ChargeStep = Extract<Step, { kind: 'capture' | 'refund' | 'reauth' | 'updateCharge' | 'expire' }>;

const chargeCommand = (step: ChargeStep, target: { chargeId: ChargeId; merchant: MerchantId; at: number }): ChargeCommand => {
  switch (step.kind) {
    case 'capture':
      return { type: 'CaptureCharge', ...target, amount: step.amount };
    case 'refund':
      return { type: 'RefundCharge', ...target, amount: step.amount, reason: null };
    case 'reauth':
      return { type: 'ReauthCharge', ...target, expiryDays: step.expiryDays, authorization: step.approved ? approved : declined() };
    case 'updateCharge':
      return { type: 'UpdateCharge', ...target, description: step.description, metadata: step.metadata };
    case 'expire':
      return { type: 'ExpireCharge', ...target };
  }
};

const pick = <T>(items: readonly T[], i: number): T | undefined => (items.length === 0 ? undefined : items[i % items.length]);

/** Runs the steps; `tokens` are recorded first, then one customer per CUSTOMERS. */
export const runWorkload = (tokens: readonly TokenCreated[], steps: readonly TimedStep[]): WorkloadRun => {
  const events: DomainEvent[] = [];
  const tokenStreams = new Map<TokenId, TokenEvent[]>(tokens.map((t) => [t.data.tokenId, [t]]));
  const cards = new Map<CardId, CardEvent[]>();
  const customers = new Map<CustomerId, CustomerEvent[]>();
  const charges = new Map<ChargeId, ChargeEvent[]>();
  const sourceOf = new Map<CardId | ChargeId, TokenId>();
  events.push(...tokens);

  /** Decides every command against its stream's current state; records all of them or, if any is refused, none. */
  const decideAll = (decisions: ReadonlyArray<() => { record: () => void } | null>): boolean => {
    const decided = decisions.map((d) => d());
    if (decided.some((d) => d === null)) return false;
    for (const d of decided) d?.record();
    return true;
  };
  const on =
    <K, C, S, E extends DomainEvent>(decider: Decider<C, S, E>, streams: Map<K, E[]>, key: K, command: C) =>
    () => {
      const history = streams.get(key) ?? [];
      const result = decider.decide(command, foldEvents(decider, history));
      if (!result.ok) return null;
      return {
        record: () => {
          streams.set(key, [...history, ...result.value]);
          events.push(...result.value);
        },
      };
    };

  let at = T0;
  const scope = () => ({ merchant, at });
  for (let c = 1; c <= CUSTOMERS; c++) {
    const customerId = customerIdOf(c);
    const create = { customerId, idChosenByMerchant: false, ...scope(), email: null, description: null, metadata: {}, card: null };
    decideAll([on(customerDecider, customers, customerId, { type: 'CreateCustomer', ...create })]);
  }

  const useToken = (tokenId: TokenId, usedFor: TokenUse) =>
    on(tokenDecider, tokenStreams, tokenId, { type: 'UseToken', tokenId, ...scope(), usedFor });
  const tokenAt = (i: number) => {
    const token = pick(tokens, i);
    return token === undefined ? undefined : foldEvents(tokenDecider, tokenStreams.get(token.data.tokenId) ?? []);
  };
  const cardAt = (i: number) => {
    const id = pick([...cards.keys()], i);
    return id === undefined ? undefined : foldEvents(cardDecider, cards.get(id) ?? []);
  };
  const createCharge = (request: ChargeRequest, card: ChargedCard, ok: boolean): CreateCharge => ({
    type: 'CreateCharge',
    chargeId: chargeIdOf(charges.size + 1),
    ...scope(),
    request,
    customer: card.customer,
    card,
    authorization: ok ? approved : declined(),
  });

  for (const step of steps) {
    at += step.after;
    switch (step.kind) {
      case 'cardFromToken': {
        const state = tokenAt(step.token);
        if (state === undefined || state.status !== 'active') break;
        const customer = customerIdOf((step.customer % CUSTOMERS) + 1);
        const { card } = state;
        const newCard = { card: card.id, fingerprint: card.fingerprint, expMonth: card.expMonth, expYear: card.expYear };
        const made = decideAll([
          useToken(state.tokenId, { kind: 'card', card: card.id, customer }),
          on(cardDecider, cards, card.id, { type: 'CreateCard', cardId: card.id, customer, ...scope(), token: state, metadata: {} }),
          on(customerDecider, customers, customer, { type: 'AttachCard', customerId: customer, ...scope(), card: newCard, makeDefault: step.makeDefault }),
        ]);
        if (made) sourceOf.set(card.id, state.tokenId);
        break;
      }
      case 'updateCard':
      case 'deleteCard': {
        const card = cardAt(step.card);
        if (card === undefined || card.status === 'absent') break;
        const { cardId } = card;
        const target = { cardId, customer: card.customer, ...scope() };
        if (step.kind === 'deleteCard') {
          decideAll([
            on(cardDecider, cards, cardId, { type: 'DeleteCard', ...target }),
            on(customerDecider, customers, card.customer, { type: 'DetachCard', customerId: card.customer, ...scope(), card: cardId }),
          ]);
        } else {
          const metadata = step.metadata === undefined ? {} : { metadata: step.metadata };
          decideAll([on(cardDecider, cards, cardId, { type: 'UpdateCard', ...target, holder: step.holder, ...metadata })]);
        }
        break;
      }
      case 'chargeToken': {
        const state = tokenAt(step.token);
        if (state === undefined || state.status !== 'active') break;
        const command = createCharge(step.request, chargedCardFromToken(state), step.approved);
        const made = decideAll([
          useToken(state.tokenId, { kind: 'charge', charge: command.chargeId }),
          on(chargeDecider, charges, command.chargeId, command),
        ]);
        if (made) sourceOf.set(command.chargeId, state.tokenId);
        break;
      }
      case 'chargeCard': {
        const card = cardAt(step.card);
        if (card === undefined || card.status !== 'active') break;
        const command = createCharge(step.request, chargedCardFromCard(card), step.approved);
        const made = decideAll([on(chargeDecider, charges, command.chargeId, command)]);
        const source = sourceOf.get(card.cardId);
        if (made && source !== undefined) sourceOf.set(command.chargeId, source);
        break;
      }
      case 'capture':
      case 'refund':
      case 'reauth':
      case 'updateCharge':
      case 'expire': {
        const chargeId = pick([...charges.keys()], step.charge);
        if (chargeId === undefined) break;
        const command = chargeCommand(step, { chargeId, ...scope() });
        decideAll([on(chargeDecider, charges, chargeId, command)]);
        break;
      }
      default: {
        const unhandled: never = step;
        throw new Error(`unhandled step ${JSON.stringify(unhandled)}`);
      }
    }
  }
  return { events, tokens: tokenStreams, cards, customers, charges, sourceOf };
};
