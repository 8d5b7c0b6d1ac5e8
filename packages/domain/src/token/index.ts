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

/** Every event type this aggregate's stream holds; a missing one fails to compile. */
export const tokenEventTypes: ReadonlySet<TokenEvent['type']> = new Set(Object.keys({ TokenCreated: true, TokenUsed: true } satisfies Record<TokenEvent['type'], true>) as TokenEvent['type'][]);

export const tokenDecider: Decider<TokenCommand, TokenState, TokenEvent> = {
  decide: decideToken,
  evolve: evolveToken,
  initialState: initialTokenState,
};
