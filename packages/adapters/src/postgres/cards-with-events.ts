import type { AppendRequest, AppendResult, Sensitive, VaultRef } from '@kessai/domain';
import type { CardsWithEvents } from '../app/context.js';
import type { PostgresCardVault } from './card-vault.js';
import type { PostgresEventStore } from './event-store.js';

/**
 * A token's card number and its events in one PostgreSQL transaction: the events are appended, then the number is
 * stored, and both commit or neither does. Without it a failure between the two (a lost connection, a crash)
 * leaves an encrypted card number no token refers to. The vault and the event store must use one database.
 */
export class PostgresCardsWithEvents implements CardsWithEvents {
  readonly #events: PostgresEventStore;
  readonly #vault: PostgresCardVault;

  constructor(events: PostgresEventStore, vault: PostgresCardVault) {
    this.#events = events;
    this.#vault = vault;
  }

  append(requests: readonly AppendRequest[], card: { readonly ref: VaultRef; readonly pan: Sensitive }): Promise<readonly AppendResult[]> {
    return this.#events.appendWith(requests, (client) => this.#vault.storeOn(client, card.ref, card.pan));
  }
}
