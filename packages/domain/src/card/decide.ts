import { match } from 'ts-pattern';
import { validateHolder } from '../card-data/inspect.js';
import { applyHolderPatch } from '../shared/card.js';
import { domainError, notFound } from '../shared/errors.js';
import { mergeMetadata, validateMetadata } from '../shared/metadata.js';
import { err, ok, type Result } from '../shared/result.js';
import type { CardCommand, CreateCard, DeleteCard, UpdateCard } from './commands.js';
import type { CardEvent } from './events.js';
import type { CardState } from './state.js';

const createCard = (command: CreateCard, state: CardState): Result<CardEvent[]> => {
  if (state.status !== 'absent')
    return err(domainError('server_error', 500, 'payjp_wrong', null, `Card ${command.cardId} already exists.`));
  const metadata = validateMetadata(command.metadata);
  if (!metadata.ok) return metadata;
  const { token } = command;
  return ok([
    {
      type: 'CardCreated',
      data: {
        cardId: command.cardId,
        merchant: command.merchant,
        customer: command.customer,
        at: command.at,
        card: token.card,
        holder: token.holder,
        // Copied, never recomputed: the decision and where it came from.
        cvc: token.cvc,
        cvcSource: { token: token.tokenId },
        metadata: metadata.value,
      },
    },
  ]);
};

/** A card that is not this customer's (or not this merchant's, or deleted) does not exist for the caller. */
const ownedCard = (command: UpdateCard | DeleteCard, state: CardState) =>
  state.status === 'active' && state.merchant === command.merchant && state.customer === command.customer ? state : null;

const updateCard = (command: UpdateCard, state: CardState): Result<CardEvent[]> => {
  const card = ownedCard(command, state);
  if (card === null) return err(notFound('card', command.cardId));
  const holder = validateHolder(applyHolderPatch(card.holder, command.holder), 'top');
  if (!holder.ok) return holder;
  const metadata = command.metadata === undefined ? undefined : mergeMetadata(card.metadata, command.metadata);
  if (metadata !== undefined && !metadata.ok) return metadata;
  // Nothing to change is a no-op, as for customers and charges.
  if (metadata === undefined && Object.values(command.holder).every((v) => v === undefined)) return ok([]);
  return ok([
    {
      type: 'CardUpdated',
      data: {
        cardId: command.cardId,
        merchant: command.merchant,
        customer: command.customer,
        at: command.at,
        holder: command.holder,
        ...(metadata === undefined ? {} : { metadata: metadata.value }),
      },
    },
  ]);
};

const deleteCard = (command: DeleteCard, state: CardState): Result<CardEvent[]> =>
  ownedCard(command, state) === null
    ? err(notFound('card', command.cardId))
    : ok([{ type: 'CardDeleted', data: { cardId: command.cardId, merchant: command.merchant, customer: command.customer, at: command.at } }]);

export const decideCard = (command: CardCommand, state: CardState): Result<CardEvent[]> =>
  match(command)
    .with({ type: 'CreateCard' }, (c) => createCard(c, state))
    .with({ type: 'UpdateCard' }, (c) => updateCard(c, state))
    .with({ type: 'DeleteCard' }, (c) => deleteCard(c, state))
    .exhaustive();
