import { excludeSystemEvents, START, streamNameFilter, type AllStreamSubscription, type EventStoreDBClient, type Filter, type Position } from '@eventstore/db-client';
import type { StoredEvent } from '@kessai/domain';
import { belongsToStore, decodeRecorded } from './event-codec.js';
import type { PositionIndex } from './positions.js';

export interface CatchUpOptions {
  /** The checkpoint: the store position of the last event already processed (0: from the first event). */
  readonly after: number;
  /** Called for each later event in position order; the next waits for it. A throw ends the subscription. */
  readonly onEvent: (event: StoredEvent) => Promise<void> | void;
}

export interface CatchUpSubscription {
  /** Ends the subscription once the event being handled is done; resolves like `done` (errors before the stop reject). */
  stop(): Promise<void>;
  /** Settles when the subscription ends: after `stop()`, or with the error that ended it (server, decoding, handler). */
  readonly done: Promise<void>;
}

/** What the subscription needs from its store. */
export interface SubscriptionSource {
  readonly client: EventStoreDBClient;
  readonly prefix: string;
  readonly index: PositionIndex;
  /** The `$all` position of store position `after` (undefined for 0), indexing up to it first. */
  startOf(after: number): Promise<Position | undefined>;
}

/**
 * The server-side filter: the store's streams when it has a prefix (that also leaves out every `$` stream), else
 * every event whose type does not start with `$` (`excludeSystemEvents`, an event-type filter). The client checks
 * each event again with `belongsToStore`, which is what numbers positions, so both always agree.
 */
export const serverFilterOf = (prefix: string): Filter => (prefix === '' ? excludeSystemEvents() : streamNameFilter({ prefixes: [prefix] }));

/**
 * A catch-up subscription to the store's events over `$all`, resuming after a checkpoint: it reads what is already
 * there, then stays live. Positions are the store's (the same numbers `readAll` gives), so a projection stores its
 * checkpoint with its documents and passes it back here to resume, never skipping or repeating an event.
 * Subscriptions take the position to start *after*: the `$all` position of the checkpoint's event is exactly that.
 */
export const subscribeToStore = (source: SubscriptionSource, options: CatchUpOptions): CatchUpSubscription => {
  let subscription: AllStreamSubscription | undefined;
  let stopped = false;
  const run = async (): Promise<void> => {
    const start = await source.startOf(options.after);
    if (stopped) return;
    subscription = source.client.subscribeToAll({ fromPosition: start ?? START, filter: serverFilterOf(source.prefix) });
    let position = options.after;
    for await (const resolved of subscription) {
      const recorded = resolved.event;
      if (recorded === undefined || !belongsToStore(source.prefix, recorded)) continue;
      position++;
      source.index.record(position, recorded.position);
      await options.onEvent(decodeRecorded(source.prefix, recorded, position));
      if (stopped) return;
    }
  };
  const done = run()
    // Unsubscribing cancels the server call; whatever that surfaces after a stop is not an error.
    .catch((e: unknown) => {
      if (!stopped) throw e;
    })
    .finally(() => subscription?.unsubscribe().catch(() => undefined));
  return {
    done,
    stop: async () => {
      stopped = true;
      await subscription?.unsubscribe().catch(() => undefined);
      return done;
    },
  };
};
