/** Test mode: deterministic ids and time, the in-memory card vault, and PAY.JP's test-card verifier and network. */
export * from './seeded.js';
export * from './card-vault.js';
export * from './test-cards.js';
export * from './cvc-verifier.js';
export * from './card-network.js';
