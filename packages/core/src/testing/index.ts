/**
 * Test kit for Market Pulse and its adapters: an in-memory store, a manual clock, the store
 * contract suite and a realistic, seeded color generator.
 *
 * @packageDocumentation
 */
export { createMemoryStore } from './memory-store.js';
export { createManualClock, type ManualClock } from './manual-clock.js';
export { testObjectStore, type StoreFactory } from './object-store-contract.js';
export { generateColors, colorsToTable, type GenerateOptions } from './generate-colors.js';
export { REALISTIC_RULES } from './realistic-rules.js';
