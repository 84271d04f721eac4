/**
 * Market Pulse on Node: the embedded filesystem store (the default, no service needed) and the
 * system clock.
 *
 * @packageDocumentation
 */
export { createFileStore, type FileStoreOptions } from './file-store.js';
export { systemClock } from './system-clock.js';
