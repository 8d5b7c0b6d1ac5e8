export * from './event-store.js';
export * from './read-model-store.js';
