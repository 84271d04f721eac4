/**
 * Test kit for Market Pulse and its adapters: an in-memory store, export sink and color source,
 * a manual clock, the store contract suite and a realistic, seeded color generator.
 *
 * @module @market-pulse/core/testing
 */

export {
  colorsToTable,
  type GenerateOptions,
  generateColors,
  REALISTIC_RULES,
} from '../sample/index.js';
export { downgradeToFormat1 } from './format1-store.js';
export { createManualClock, type ManualClock } from './manual-clock.js';
export { createMemoryMailer, type MemoryMailer } from './memory-mailer.js';
export { createMemorySink, type MemorySink } from './memory-sink.js';
export { createMemoryStore } from './memory-store.js';
export {
  type ContractOptions,
  type StoreFactory,
  testObjectStore,
} from './object-store-contract.js';
export {
  type SimulationOptions,
  type SimulationReport,
  simulateSchedulers,
} from './scheduler-simulation.js';
export { tableSource } from './table-source.js';
export { createSeededRandom, createTestHasher } from './test-secrets.js';
