import { apiEventsView } from '../views/api-events.js';
import { cardsView } from '../views/cards.js';
import { chargesView } from '../views/charges.js';
import { collections } from '../views/collections.js';
import { customersView } from '../views/customers.js';
import { lineageView } from '../views/lineage.js';
import { tokensView } from '../views/tokens.js';
import type { View } from '../view.js';

/**
 * The views a runner keeps, in the order they apply each event: resources first, then the API events that
 * embed them, then lineage, which reads the API events. A rebuild builds the whole set into a new generation.
 */
export interface ViewSet {
  /** Names the checkpoint. */
  readonly name: string;
  readonly views: readonly View[];
}

export const payjpViews = (overrides: Partial<Record<'tokens' | 'cards' | 'customers' | 'charges' | 'events' | 'lineage', View>> = {}): ViewSet => ({
  name: 'payjp',
  views: [
    overrides.tokens ?? tokensView,
    overrides.cards ?? cardsView,
    overrides.customers ?? customersView,
    overrides.charges ?? chargesView,
    overrides.events ?? apiEventsView,
    overrides.lineage ?? lineageView,
  ],
});

/** The collections a diff report compares: what the API shows, plus lineage (internal reference maps left out). */
export const reportedCollections = [
  collections.tokens,
  collections.cards,
  collections.customers,
  collections.charges,
  collections.events,
  collections.lineage,
  collections.lineageParts,
] as const;
