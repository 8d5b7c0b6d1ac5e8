import { match } from 'ts-pattern';
import { domainError, invalidParam, notFound } from '../shared/errors.js';
import { quotableId } from '../shared/quote.js';
import type { CardId } from '../shared/ids.js';
import { mergeMetadata, validateMetadata } from '../shared/metadata.js';
import { err, ok, type Result } from '../shared/result.js';
import { boundedText, emailAddress } from '../shared/text.js';
import type { AttachCard, CreateCustomer, CustomerCommand, DeleteCustomer, DetachCard, NewCard, UpdateCustomer } from './commands.js';
import type { CustomerEvent } from './events.js';
import type { CustomerState } from './state.js';

type ActiveCustomer = Extract<CustomerState, { status: 'active' }>;

const alreadyExists = (id: string) => {
  const quoted = quotableId(id);
  return quoted === null ? 'A customer with this id already exists.' : `A customer with id ${quoted} already exists.`;
};
const noSuchCardOfCustomer = (id: string) => {
  const quoted = quotableId(id);
  return quoted === null ? 'The customer has no such card.' : `The customer has no card ${quoted}.`;
};
type Scope = Pick<CustomerEvent['data'], 'customerId' | 'merchant' | 'at'>;

const activeFor = (command: { merchant: string }, state: CustomerState): ActiveCustomer | null =>
  state.status === 'active' && state.merchant === command.merchant ? state : null;

/**
 * The events that attach a card. PAY.JP refuses a second card with the same number and expiry on one customer,
 * and makes the first card the default.
 */
const attach = (scope: Scope, cards: ActiveCustomer['cards'], hasDefault: boolean, card: NewCard, makeDefault: boolean): Result<CustomerEvent[]> => {
  if (cards.some((c) => c.fingerprint === card.fingerprint && c.expMonth === card.expMonth && c.expYear === card.expYear))
    return err(invalidParam('already_have_the_same_card', 'card', 'The customer already has a card with this number and expiry.'));
  const attached: CustomerEvent = {
    type: 'CardAttached',
    data: { ...scope, card: card.card, fingerprint: card.fingerprint, expMonth: card.expMonth, expYear: card.expYear },
  };
  return ok(makeDefault || !hasDefault ? [attached, { type: 'DefaultCardChanged', data: { ...scope, card: card.card } }] : [attached]);
};

const createCustomer = (command: CreateCustomer, state: CustomerState): Result<CustomerEvent[]> => {
  if (state.status !== 'absent')
    return err(
      command.idChosenByMerchant
        ? invalidParam('already_exist_id', 'id', alreadyExists(command.customerId))
        : domainError('server_error', 500, 'payjp_wrong', null, `Customer id ${command.customerId} is already taken.`),
    );
  const email = emailAddress(command.email);
  if (!email.ok) return email;
  const description = boundedText(command.description, 'description');
  if (!description.ok) return description;
  const metadata = validateMetadata(command.metadata);
  if (!metadata.ok) return metadata;
  const scope: Scope = { customerId: command.customerId, merchant: command.merchant, at: command.at };
  const created: CustomerEvent = {
    type: 'CustomerCreated',
    data: { ...scope, email: email.value, description: description.value, metadata: metadata.value },
  };
  if (command.card === null) return ok([created]);
  const attached = attach(scope, [], false, command.card, true);
  return attached.ok ? ok([created, ...attached.value]) : attached;
};

const updateCustomer = (command: UpdateCustomer, state: CustomerState): Result<CustomerEvent[]> => {
  const customer = activeFor(command, state);
  if (customer === null) return err(notFound('customer', command.customerId));
  const scope: Scope = { customerId: command.customerId, merchant: command.merchant, at: command.at };

  const email = command.email === undefined ? undefined : emailAddress(command.email);
  if (email !== undefined && !email.ok) return email;
  const description = command.description === undefined ? undefined : boundedText(command.description, 'description');
  if (description !== undefined && !description.ok) return description;
  const metadata = command.metadata === undefined ? undefined : mergeMetadata(customer.metadata, command.metadata);
  if (metadata !== undefined && !metadata.ok) return metadata;

  const events: CustomerEvent[] = [];
  // Adding a card through the customer (card=tok on POST /v1/customers/{id}) is an update of the customer too:
  // it says so, and the card's attachment is told apart from POST /v1/customers/{id}/cards.
  if (email !== undefined || description !== undefined || metadata !== undefined || command.addCard !== undefined)
    events.push({
      type: 'CustomerUpdated',
      data: {
        ...scope,
        ...(email === undefined ? {} : { email: email.value }),
        ...(description === undefined ? {} : { description: description.value }),
        ...(metadata === undefined ? {} : { metadata: metadata.value }),
      },
    });

  let ownedCards: readonly CardId[] = customer.cards.map((c) => c.card);
  let defaultCard = customer.defaultCard;
  if (command.addCard !== undefined) {
    const attached = attach(scope, customer.cards, defaultCard !== null, command.addCard, false);
    if (!attached.ok) return attached;
    events.push(...attached.value);
    ownedCards = [...ownedCards, command.addCard.card];
    defaultCard ??= command.addCard.card;
  }
  if (command.defaultCard !== undefined && command.defaultCard !== defaultCard) {
    if (!ownedCards.includes(command.defaultCard))
      return err(invalidParam('dont_has_this_card', 'default_card', noSuchCardOfCustomer(command.defaultCard)));
    events.push({ type: 'DefaultCardChanged', data: { ...scope, card: command.defaultCard } });
  }
  return ok(events);
};

const deleteCustomer = (command: DeleteCustomer, state: CustomerState): Result<CustomerEvent[]> =>
  activeFor(command, state) === null
    ? err(notFound('customer', command.customerId))
    : ok([{ type: 'CustomerDeleted', data: { customerId: command.customerId, merchant: command.merchant, at: command.at } }]);

const attachCard = (command: AttachCard, state: CustomerState): Result<CustomerEvent[]> => {
  const customer = activeFor(command, state);
  if (customer === null) return err(notFound('customer', command.customerId));
  const scope: Scope = { customerId: command.customerId, merchant: command.merchant, at: command.at };
  return attach(scope, customer.cards, customer.defaultCard !== null, command.card, command.makeDefault);
};

/** Detaching the default card makes the most recently attached remaining card the default (or none). */
const detachCard = (command: DetachCard, state: CustomerState): Result<CustomerEvent[]> => {
  const customer = activeFor(command, state);
  if (customer === null) return err(notFound('customer', command.customerId));
  if (!customer.cards.some((c) => c.card === command.card)) return err(notFound('card', command.card));
  const scope: Scope = { customerId: command.customerId, merchant: command.merchant, at: command.at };
  const events: CustomerEvent[] = [{ type: 'CardDetached', data: { ...scope, card: command.card } }];
  if (customer.defaultCard === command.card) {
    const remaining = customer.cards.filter((c) => c.card !== command.card);
    events.push({ type: 'DefaultCardChanged', data: { ...scope, card: remaining.at(-1)?.card ?? null } });
  }
  return ok(events);
};

export const decideCustomer = (command: CustomerCommand, state: CustomerState): Result<CustomerEvent[]> =>
  match(command)
    .with({ type: 'CreateCustomer' }, (c) => createCustomer(c, state))
    .with({ type: 'UpdateCustomer' }, (c) => updateCustomer(c, state))
    .with({ type: 'DeleteCustomer' }, (c) => deleteCustomer(c, state))
    .with({ type: 'AttachCard' }, (c) => attachCard(c, state))
    .with({ type: 'DetachCard' }, (c) => detachCard(c, state))
    .exhaustive();
