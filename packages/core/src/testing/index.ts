/**
 * Test kit for Market Pulse and its adapters: an in-memory store, a manual clock, the store
 * contract suite and a realistic, seeded color generator.
 *
 * @packageDocumentation
 */

export {
  colorsToTable,
  type GenerateOptions,
  generateColors,
  REALISTIC_RULES,
} from '../sample/index.js';
export { createManualClock, type ManualClock } from './manual-clock.js';
export { createMemoryStore } from './memory-store.js';
export { type StoreFactory, testObjectStore } from './object-store-contract.js';
export {
  type SimulationOptions,
  type SimulationReport,
  simulateSchedulers,
} from './scheduler-simulation.js';
