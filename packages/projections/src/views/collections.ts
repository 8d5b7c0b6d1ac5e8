/** Collection names, shared by views and queries. */
export const collections = {
  tokens: 'tokens',
  cards: 'cards',
  customers: 'customers',
  charges: 'charges',
  events: 'events',
  lineage: 'lineage',
  /** Sealed parts of long lineages (see LINEAGE_PART_SIZE). */
  lineageParts: 'lineage_parts',
} as const;

/**
 * Internal maps, one collection per kind of resource so that ids of different kinds never meet:
 * the last API event made for a resource (one command's changes to one resource make one API event), and the
 * token whose cvc decision a card or charge carries.
 */
export const eventRefCollections = {
  token: 'event_refs_token',
  customer: 'event_refs_customer',
  card: 'event_refs_card',
  charge: 'event_refs_charge',
} as const;
export const lineageRefCollections = { card: 'lineage_refs_card', charge: 'lineage_refs_charge' } as const;
