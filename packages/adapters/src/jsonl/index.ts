/** JSONL import and export of stored events: recorded incident streams, `kessai export` / `kessai import`. */
export * from './jsonl.js';
export * from './files.js';
