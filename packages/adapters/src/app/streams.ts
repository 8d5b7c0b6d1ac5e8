import {
  decodeEvent,
  encodeEvent,
  isWrongExpectedRevision,
  type AppendRequest,
  type Decider,
  type DomainEvent,
  type DomainEventType,
  type EventMetadata,
  type EventStore,
  type ExpectedRevision,
} from '@kessai/domain';

/** An aggregate's state as loaded, with the revision to expect when appending to its stream. */
export interface Loaded<State> {
  readonly stream: string;
  readonly state: State;
  /** -1 when the stream does not exist. */
  readonly revision: number;
}

/** Folds a stream into the decider's state. Events of another aggregate's type in the stream are a broken store. */
export const load = async <State, Event extends DomainEvent>(
  events: EventStore,
  decider: Pick<Decider<unknown, State, Event>, 'evolve' | 'initialState'>,
  types: ReadonlySet<DomainEventType>,
  stream: string,
): Promise<Loaded<State>> => {
  const stored = await events.readStream(stream);
  let state = decider.initialState;
  for (const s of stored) {
    const event = decodeEvent(s);
    if (!types.has(event.type)) throw new Error(`Stream ${stream}@${s.revision} holds a ${event.type}, which does not belong there.`);
    state = decider.evolve(state, event as Event);
  }
  return { stream, state, revision: stored.length === 0 ? -1 : stored[stored.length - 1]!.revision };
};

export const expectedOf = (loaded: Loaded<unknown>): ExpectedRevision => (loaded.revision === -1 ? 'no_stream' : loaded.revision);

/** One stream's share of a command's events. */
export interface StreamAppend {
  readonly loaded: Loaded<unknown>;
  readonly events: readonly DomainEvent[];
}

export const toAppendRequests = (appends: readonly StreamAppend[], metadata: EventMetadata): AppendRequest[] =>
  appends
    .filter((a) => a.events.length > 0)
    .map((a) => ({
      stream: a.loaded.stream,
      expected: expectedOf(a.loaded),
      events: a.events.map((e) => ({ ...encodeEvent(e), metadata })),
    }));

export const MAX_ATTEMPTS = 5;

/**
 * Runs a load-decide-append attempt until it does not meet a concurrent writer. Each attempt reloads, so a
 * retried command decides on the state the other writer left (a second use of a token becomes token_already_used).
 */
export const withRetry = async <T>(attempt: () => Promise<T>): Promise<T> => {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (e) {
      if (!isWrongExpectedRevision(e) || i >= MAX_ATTEMPTS) throw e;
    }
  }
};
