import { MemoryEventStore, MemoryReadModelStore } from '@kessai/adapters';
import { eventStoreContract } from './contracts/event-store-contract.js';
import { readModelStoreContract } from './contracts/read-model-store-contract.js';

eventStoreContract('memory', () => Promise.resolve({ store: new MemoryEventStore() }));
readModelStoreContract('memory', () => Promise.resolve({ store: new MemoryReadModelStore() }));
