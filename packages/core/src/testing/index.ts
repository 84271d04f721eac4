/**
 * Test kit for Market Pulse and its adapters: an in-memory store, a manual clock, the store
 * contract suite and a realistic, seeded color generator.
 *
 * @packageDocumentation
 */

export { colorsToTable, type GenerateOptions, generateColors } from './generate-colors.js';
export { createManualClock, type ManualClock } from './manual-clock.js';
export { createMemoryStore } from './memory-store.js';
export { type StoreFactory, testObjectStore } from './object-store-contract.js';
export { REALISTIC_RULES } from './realistic-rules.js';
