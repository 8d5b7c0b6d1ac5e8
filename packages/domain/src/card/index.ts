import type { Decider } from '../shared/decider.js';
import type { CardCommand } from './commands.js';
import { decideCard } from './decide.js';
import type { CardEvent } from './events.js';
import { evolveCard } from './evolve.js';
import { initialCardState, type CardState } from './state.js';

export type { CardCommand, CreateCard, DeleteCard, UpdateCard } from './commands.js';
export type { CardCreated, CardDeleted, CardEvent, CardUpdated } from './events.js';
export type { CardSnapshot, CardState } from './state.js';
export { decideCard, evolveCard, initialCardState };

export const cardStream = (id: string) => `card-${id}`;

/** Every event type this aggregate's stream holds; a missing one fails to compile. */
export const cardEventTypes: ReadonlySet<CardEvent['type']> = new Set(Object.keys({ CardCreated: true, CardUpdated: true, CardDeleted: true } satisfies Record<CardEvent['type'], true>) as CardEvent['type'][]);

export const cardDecider: Decider<CardCommand, CardState, CardEvent> = {
  decide: decideCard,
  evolve: evolveCard,
  initialState: initialCardState,
};
