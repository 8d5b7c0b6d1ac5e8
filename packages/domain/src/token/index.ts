import type { Decider } from '../shared/decider.js';
import type { TokenCommand } from './commands.js';
import { decideToken } from './decide.js';
import type { TokenEvent } from './events.js';
import { evolveToken } from './evolve.js';
import { initialTokenState, type TokenState } from './state.js';

export type { CreateToken, TokenCommand, UseToken } from './commands.js';
export type { TokenCreated, TokenEvent, TokenUse, TokenUsed } from './events.js';
export type { TokenState } from './state.js';
export { decideToken, evolveToken, initialTokenState };

export const tokenStream = (id: string) => `token-${id}`;

export const tokenDecider: Decider<TokenCommand, TokenState, TokenEvent> = {
  decide: decideToken,
  evolve: evolveToken,
  initialState: initialTokenState,
};
