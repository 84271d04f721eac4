// How run partitions are stored (issue 15 item 1): JSON lines, zlib-compressed. Measured against
// plain JSON lines and Arrow IPC (bench/partition-formats.bench.ts): ~45 bytes a row instead of
// ~560 (Arrow uncompressed: ~180, and slower to read back here), and the line is the row exactly as
// the run produced it — no type mapping that could change a MESSAGE_ID, a price or an empty value.
// zlib rather than gzip: its header has no timestamp, so the same rows give the same bytes.
import { unzlibSync, zlibSync } from 'fflate';
import type { ObjectStore } from '../ports/object-store.js';
import type { ObjectDigest } from './checksum.js';
import { damagedObject, readChecked, textOf } from './damaged-object.js';

/** How a run's row partitions are stored: `jsonl` (before issue 15) or zlib-compressed JSON lines. */
export type RowFormat = 'jsonl' | 'jsonl.zlib';
/** The format new runs write. */
export const ROW_FORMAT: RowFormat = 'jsonl.zlib';

/**
 * Compresses a partition's bytes to the zlib format (RFC 1950). Core's default is pure JS
 * ({@link pureCompress}); a host may pass a native one (Node's `zlib.deflateSync`, 1.5–3× faster here):
 * any conforming zlib stream reads back the same.
 */
export type Compress = (bytes: Uint8Array) => Uint8Array | Promise<Uint8Array>;

/** The pure-JS zlib compressor (fflate, level 6). */
export const pureCompress: Compress = (bytes) => zlibSync(bytes, { level: 6 });

/**
 * Inflates a zlib stream (RFC 1950); throws on bytes that are not one. Core's default is pure JS
 * ({@link pureDecompress}); a host may pass a native one (Node's `zlib.inflateSync`, ~3× faster
 * here), which the reads of a refresh's exports take (the view is read several times).
 */
export type Decompress = (bytes: Uint8Array) => Uint8Array;

/** The pure-JS zlib decompressor (fflate). */
export const pureDecompress: Decompress = (bytes) => unzlibSync(bytes);

const encoder = new TextEncoder();

/** A partition's stored bytes: its lines, newline-terminated, compressed for `jsonl.zlib`. */
export async function encodeRowPartition(
  lines: readonly string[],
  format: RowFormat,
  compress: Compress = pureCompress,
): Promise<Uint8Array> {
  const text = encoder.encode(lines.length ? `${lines.join('\n')}\n` : '');
  return format === 'jsonl' ? text : compress(text);
}

/** The JSON lines of a stored partition; bytes that do not inflate or decode name the key. */
export function decodeRowPartition(
  key: string,
  body: Uint8Array,
  format: RowFormat,
  decompress: Decompress = pureDecompress,
): string[] {
  let text: Uint8Array = body;
  if (format === 'jsonl.zlib') {
    try {
      text = decompress(body);
    } catch (err) {
      throw damagedObject(key, 'it is not a zlib stream', err);
    }
  }
  return textOf(key, text).split('\n').filter(Boolean);
}

/**
 * The lines of a stored partition, checked against the digest a record holds for it (SHA-256 of
 * the stored bytes, and the line count) when it holds one.
 */
export async function readRowPartition(
  store: ObjectStore,
  key: string,
  format: RowFormat,
  expected?: ObjectDigest,
  decompress?: Decompress,
): Promise<string[]> {
  const lines = decodeRowPartition(
    key,
    await readChecked(store, key, expected),
    format,
    decompress,
  );
  if (expected && lines.length !== expected.count)
    throw damagedObject(key, `it has ${lines.length} lines where ${expected.count} were written`);
  return lines;
}
