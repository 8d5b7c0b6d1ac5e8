/** @kessai/adapters: the ports of @kessai/domain and @kessai/projections, implemented. */
export * from './memory/index.js';
export * from './test-mode/index.js';
export * from './app/index.js';
export * from './report/index.js';
export * from './scenario/index.js';
export * from './jsonl/index.js';
export * from './replay.js';
export * from './http/index.js';
export * from './postgres/index.js';
export * from './eventstoredb/index.js';
