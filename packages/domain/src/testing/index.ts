/**
 * Given/when/then for deciders: `given(events).when(command).then(events)` or `.thenFails(code)`.
 * Specifications read as the rule they state, and fail with the events or the error that came instead.
 */
import { expect } from 'vitest';
import type { Decider } from '../shared/decider.js';
import type { DomainError, ErrorCode } from '../shared/errors.js';

export interface DeciderSpecification<Command, Event> {
  (...givenEvents: Event[]): {
    when: (command: Command) => {
      then: (expected: Event[]) => void;
      thenFails: (code: ErrorCode, expected?: Partial<Omit<DomainError, '_tag' | 'code'>>) => DomainError;
      thenNothingHappens: () => void;
      /** The events decided, for specs that check a property of them rather than the whole list. */
      events: () => Event[];
    };
  };
}

export const specFor = <Command, State, Event>(decider: Decider<Command, State, Event>): DeciderSpecification<Command, Event> =>
  (...givenEvents) => ({
    when: (command) => {
      const decide = () => {
        let state = decider.initialState;
        for (const event of givenEvents) state = decider.evolve(state, event);
        return decider.decide(command, state);
      };
      const events = () => {
        const result = decide();
        if (!result.ok) throw new Error(`expected events, got error ${result.error.code}: ${result.error.message}`);
        return result.value;
      };
      return {
        events,
        then: (expected) => expect(events()).toEqual(expected),
        thenNothingHappens: () => expect(events()).toEqual([]),
        thenFails: (code, expected) => {
          const result = decide();
          if (result.ok) throw new Error(`expected ${code}, got events ${result.value.map((e) => JSON.stringify(e)).join(', ')}`);
          expect(result.error.code).toBe(code);
          if (expected !== undefined) expect(result.error).toMatchObject(expected);
          return result.error;
        },
      };
    },
  });

export * from './fixtures.js';
export * from './arbitraries.js';
export * from './workload.js';
export * from './workload-arbitraries.js';
