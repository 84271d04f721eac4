import { createMemoryStore } from './memory-store.js';
import { testObjectStore } from './object-store-contract.js';

testObjectStore('memory store', async () => ({ store: createMemoryStore() }));
