import { MemoryEventStore, MemoryIdempotencyStore, MemoryReadModelStore } from '@kessai/adapters';
import { eventStoreContract } from './contracts/event-store-contract.js';
import { idempotencyStoreContract } from './contracts/idempotency-store-contract.js';
import { readModelStoreContract } from './contracts/read-model-store-contract.js';

eventStoreContract('memory', () => Promise.resolve({ store: new MemoryEventStore() }));
readModelStoreContract('memory', () => Promise.resolve({ store: new MemoryReadModelStore() }));
idempotencyStoreContract('memory', (options) => Promise.resolve(new MemoryIdempotencyStore(options)));
