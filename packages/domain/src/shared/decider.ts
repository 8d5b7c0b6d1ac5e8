import type { Result } from './result.js';

/**
 * The decider: `decide` answers a command with events (an empty list is a valid no-op) or a refusal; `evolve` folds
 * an event into state and is total. No clock, no ids, no I/O: those arrive on the command.
 */
export interface Decider<Command, State, Event> {
  readonly decide: (command: Command, state: State) => Result<Event[]>;
  readonly evolve: (state: State, event: Event) => State;
  readonly initialState: State;
}

export const foldEvents = <State, Event>(decider: Pick<Decider<unknown, State, Event>, 'evolve' | 'initialState'>, events: Iterable<Event>): State => {
  let state = decider.initialState;
  for (const event of events) state = decider.evolve(state, event);
  return state;
};
