import type { Decider } from '../shared/decider.js';
import type { CustomerCommand } from './commands.js';
import { decideCustomer } from './decide.js';
import type { CustomerEvent } from './events.js';
import { evolveCustomer } from './evolve.js';
import { initialCustomerState, type CustomerState } from './state.js';

export type { AttachCard, CreateCustomer, CustomerCommand, DeleteCustomer, DetachCard, NewCard, UpdateCustomer } from './commands.js';
export type { CardAttached, CardDetached, CustomerCreated, CustomerDeleted, CustomerEvent, CustomerUpdated, DefaultCardChanged } from './events.js';
export type { CustomerState, OwnedCard } from './state.js';
export { decideCustomer, evolveCustomer, initialCustomerState };

/** Customer ids are unique per merchant only (merchants may choose them), so the stream name holds both. */
export const customerStream = (merchant: string, id: string) => `customer-${merchant}-${id}`;

/** Every event type this aggregate's stream holds; a missing one fails to compile. */
export const customerEventTypes: ReadonlySet<CustomerEvent['type']> = new Set(Object.keys({ CustomerCreated: true, CustomerUpdated: true, CardAttached: true, DefaultCardChanged: true, CardDetached: true, CustomerDeleted: true } satisfies Record<CustomerEvent['type'], true>) as CustomerEvent['type'][]);

export const customerDecider: Decider<CustomerCommand, CustomerState, CustomerEvent> = {
  decide: decideCustomer,
  evolve: evolveCustomer,
  initialState: initialCustomerState,
};
