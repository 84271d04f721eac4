/**
 * Realistic sample data for demos and benchmarks — deterministic by seed, no test framework
 * needed (the `testing` subpath re-exports it next to the test kit).
 *
 * @module @market-pulse/core/sample
 */

export { latestBusinessDay } from './business-day.js';
export { colorsToTable, type GenerateOptions, generateColors } from './generate-colors.js';
export { REALISTIC_RULES } from './realistic-rules.js';
