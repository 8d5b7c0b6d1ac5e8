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
  /** The state before the command being run (its own events, from an earlier interrupted run, left out). */
  readonly state: State;
  /** -1 when the stream does not exist. */
  readonly revision: number;
  /** This command's events are already in the stream: an earlier, interrupted run got this far. */
  readonly done: boolean;
  /** Those events. */
  readonly recorded: readonly DomainEvent[];
}

/**
 * Folds a stream into the decider's state. Events of another aggregate's type in the stream are a broken store.
 * Events recorded under `correlationId` (this very command, run before and interrupted) are left out of the state
 * and mark the stream done, so the command decides as it first did and appends only what is missing.
 */
export const load = async <State, Event extends DomainEvent>(
  events: EventStore,
  decider: Pick<Decider<unknown, State, Event>, 'evolve' | 'initialState'>,
  types: ReadonlySet<DomainEventType>,
  stream: string,
  correlationId?: string,
): Promise<Loaded<State>> => {
  const stored = await events.readStream(stream);
  let state = decider.initialState;
  const recorded: DomainEvent[] = [];
  for (const s of stored) {
    const event = decodeEvent(s);
    if (!types.has(event.type)) throw new Error(`Stream ${stream}@${s.revision} holds a ${event.type}, which does not belong there.`);
    if (correlationId !== undefined && s.metadata.correlationId === correlationId) recorded.push(event);
    else state = decider.evolve(state, event as Event);
  }
  return { stream, state, revision: stored.length === 0 ? -1 : stored[stored.length - 1]!.revision, done: recorded.length > 0, recorded };
};

/**
 * `load`, except for a stream named by an id this run has just made from ids that never repeat
 * (IdGenerator.unique): it cannot exist, so it is not read. The append expects no stream, so a store holding one
 * anyway refuses it.
 */
export const loadOrNew = <State, Event extends DomainEvent>(
  events: EventStore,
  ids: { readonly unique?: boolean },
  decider: Pick<Decider<unknown, State, Event>, 'evolve' | 'initialState'>,
  types: ReadonlySet<DomainEventType>,
  stream: string,
  correlationId: string,
): Promise<Loaded<State>> =>
  ids.unique === true
    ? Promise.resolve({ stream, state: decider.initialState, revision: -1, done: false, recorded: [] })
    : load(events, decider, types, stream, correlationId);

export const expectedOf = (loaded: Loaded<unknown>): ExpectedRevision => (loaded.revision === -1 ? 'no_stream' : loaded.revision);

/** One stream's share of a command's events. */
export interface StreamAppend {
  readonly loaded: Loaded<unknown>;
  readonly events: readonly DomainEvent[];
}

export const toAppendRequests = (appends: readonly StreamAppend[], metadata: EventMetadata): AppendRequest[] =>
  appends
    // A stream this command already wrote (an earlier, interrupted run) is not written again.
    .filter((a) => a.events.length > 0 && !a.loaded.done)
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
