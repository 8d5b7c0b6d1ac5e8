/**
 * @kessai/domain: PAY.JP-style card payments as pure deciders. No I/O, no clock, no randomness: time, ids, the
 * vault, the CVC verifier and the card network arrive through the ports in ./ports.
 */
export * from './shared/brand.js';
export * from './shared/card.js';
export * from './shared/cvc.js';
export * from './shared/decider.js';
export * from './shared/errors.js';
export * from './shared/ids.js';
export * from './shared/metadata.js';
export * from './shared/money.js';
export * from './shared/quote.js';
export * from './shared/result.js';
export * from './shared/text.js';
export * from './shared/time.js';

export * from './card-data/brand.js';
export * from './card-data/inspect.js';
export * from './card-data/luhn.js';
export * from './card-data/sensitive.js';

export * from './ports/card-ports.js';
export * from './ports/event-store.js';

export * from './token/index.js';
export * from './card/index.js';
export * from './customer/index.js';
export * from './charge/index.js';

export * from './events/registry.js';
export * from './events/schemas.js';
