/** Collection names, shared by views and queries. */
export const collections = {
  tokens: 'tokens',
  cards: 'cards',
  customers: 'customers',
  charges: 'charges',
  events: 'events',
  /** (merchant, correlation, resource) -> API event id: one command's changes to one resource make one API event. */
  eventRefs: 'event_refs',
  lineage: 'lineage',
  /** card or charge -> the token whose cvc decision it carries. */
  lineageRefs: 'lineage_refs',
} as const;
