import { match } from 'ts-pattern';
import { cardError, domainError, invalidParam, notFound } from '../shared/errors.js';
import { err, ok, type Result } from '../shared/result.js';
import type { CreateToken, TokenCommand, UseToken } from './commands.js';
import type { TokenEvent } from './events.js';
import type { TokenState } from './state.js';

const createToken = (command: CreateToken, state: TokenState): Result<TokenEvent[]> => {
  if (state.status !== 'absent')
    return err(domainError('server_error', 500, 'payjp_wrong', null, `Token id ${command.tokenId} is already taken.`));
  if (command.screening.outcome === 'refused')
    return err(cardError(command.screening.code, 'card', command.screening.message));
  // Rule 1 of the design: without a CVC there is nothing to check. A verifier saying otherwise is broken.
  if (command.cvc.supplied === false && command.cvc.check !== 'unchecked')
    return err(domainError('server_error', 500, 'payjp_wrong', null, 'The CVC verifier answered for a card without a CVC.'));
  return ok([
    {
      type: 'TokenCreated',
      data: {
        tokenId: command.tokenId,
        merchant: command.merchant,
        at: command.at,
        card: {
          ...command.card,
          addressZipCheck: command.screening.addressZipCheck,
          issuedInJapan: command.screening.issuedInJapan,
        },
        holder: command.holder,
        cvc: command.cvc,
        livemode: command.livemode,
      },
    },
  ]);
};

const useToken = (command: UseToken, state: TokenState): Result<TokenEvent[]> => {
  // Another merchant's token does not exist for this merchant: same answer as an unknown id.
  if (state.status === 'absent' || state.merchant !== command.merchant) return err(notFound('token', command.tokenId, 'card'));
  if (state.status === 'used')
    return err(invalidParam('token_already_used', 'card', `Token ${command.tokenId} has already been used.`));
  return ok([{ type: 'TokenUsed', data: { tokenId: command.tokenId, merchant: command.merchant, at: command.at, usedFor: command.usedFor } }]);
};

export const decideToken = (command: TokenCommand, state: TokenState): Result<TokenEvent[]> =>
  match(command)
    .with({ type: 'CreateToken' }, (c) => createToken(c, state))
    .with({ type: 'UseToken' }, (c) => useToken(c, state))
    .exhaustive();
