// Run partitions compressed by Node's own zlib (~3× core's pure-JS default on a run's rows; the
// same zlib format, so either reads what the other wrote).
import { deflateSync } from 'node:zlib';
import type { Compress } from '@market-pulse/core';

/** Compresses with `zlib.deflateSync` at level 6 (core's `Compress` port). */
export const nativeCompress: Compress = (bytes) => deflateSync(bytes, { level: 6 });
