import type { CliIO } from './io.js';

/** The actor recorded for a change made from this CLI (SPEC §10: never "admin"). */
export const operatorOf = (io: CliIO) => io.operator ?? 'cli:unknown';
