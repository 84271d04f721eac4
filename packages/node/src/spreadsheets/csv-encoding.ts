import { isUtf8 } from 'node:buffer';
import { MarketPulseError } from '@market-pulse/core';
import { wholeSequences } from './utf8-sequences.js';

// CSV files must be UTF-8 (SPEC §1.2). Decoding anything else "leniently" turns bytes into U+FFFD
// or into a garbled header, so a file in another encoding is refused, saying what to do.

const SAVE_AS_UTF8 = 'save it as UTF-8 (in Excel: Save As → "CSV UTF-8")';

/**
 * The UTF-16/UTF-32 encoding `head` (the file's first bytes) is in, by its byte-order mark or, without
 * one, by the zero bytes that ASCII text has in every other position; `undefined` for anything else.
 */
export function wideEncodingOf(head: Uint8Array): string | undefined {
  const [a, b, c, d] = head;
  if (a === 0x00 && b === 0x00 && c === 0xfe && d === 0xff) return 'UTF-32 (big-endian)';
  if (a === 0xff && b === 0xfe && c === 0x00 && d === 0x00) return 'UTF-32 (little-endian)';
  if (a === 0xfe && b === 0xff) return 'UTF-16 (big-endian)';
  if (a === 0xff && b === 0xfe) return 'UTF-16 (little-endian)';
  const n = Math.min(head.length, 4096) & ~1;
  if (n < 4) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) evenZeros++;
    if (head[i + 1] === 0) oddZeros++;
  }
  const pairs = n / 2;
  // Text in UTF-16 has a zero high byte in most characters; UTF-8 text has no zero bytes at all.
  if (evenZeros > pairs * 0.3 && oddZeros * 8 < evenZeros) return 'UTF-16 (big-endian)';
  if (oddZeros > pairs * 0.3 && evenZeros * 8 < oddZeros) return 'UTF-16 (little-endian)';
  return undefined;
}

/** Refuses a file whose first bytes say it is UTF-16 or UTF-32, by name. */
export function refuseWideEncoding(path: string, head: Uint8Array): void {
  const encoding = wideEncodingOf(head);
  if (encoding === undefined) return;
  throw new MarketPulseError(
    'UNSUPPORTED_MEDIA_TYPE',
    `${path} is ${encoding} text; CSV files are read as UTF-8: ${SAVE_AS_UTF8}`,
    { details: { encoding } },
  );
}

/**
 * The offset of the first byte of `bytes` that does not start a valid UTF-8 sequence (Unicode
 * Table 3-7: no overlong forms, no surrogates, nothing past U+10FFFF), or -1. A sequence cut off
 * by the end of `bytes` counts as invalid.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else return i;
    if (i + need >= n) return i;
    const second = bytes[i + 1] as number;
    if (second < lo || second > hi) return i;
    for (let k = 2; k <= need; k++) {
      const next = bytes[i + k] as number;
      if (next < 0x80 || next > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** Line feeds in `bytes` before `end`. */
function lineFeeds(bytes: Uint8Array, end = bytes.length): number {
  let count = 0;
  for (let i = 0; i < end; i++) if (bytes[i] === 0x0a) count++;
  return count;
}

function invalidUtf8(path: string, offset: number, line: number, byte: number, atEnd = false) {
  const hex = `0x${byte.toString(16).padStart(2, '0')}`;
  const what = atEnd
    ? `the file ends inside a character (byte ${hex} at byte offset ${offset}, line ${line})`
    : `byte ${hex} at byte offset ${offset} (line ${line}) is not valid UTF-8`;
  return new MarketPulseError(
    'UNSUPPORTED_MEDIA_TYPE',
    `${path} is not UTF-8 text: ${what}; ${SAVE_AS_UTF8}`,
    { details: { offset, line, byte } },
  );
}

/**
 * Passes the bytes of `path` through, refusing (UNSUPPORTED_MEDIA_TYPE naming the byte offset and
 * line) at the first byte that is not valid UTF-8 — never a U+FFFD in a value.
 */
export async function* utf8Checked(
  path: string,
  chunks: AsyncIterable<Uint8Array>,
): AsyncGenerator<Buffer> {
  let offset = 0; // of `carry`'s first byte in the file
  let line = 1; // of `carry`'s first byte: counted as the bytes pass (the input may not be a file)
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of chunks) {
    const bytes = carry.length > 0 ? Buffer.concat([carry, chunk]) : Buffer.from(chunk);
    const whole = wholeSequences(bytes);
    const checked = bytes.subarray(0, whole);
    if (!isUtf8(checked)) {
      const at = firstInvalidUtf8(checked);
      throw invalidUtf8(path, offset + at, line + lineFeeds(checked, at), checked[at] as number);
    }
    if (checked.length > 0) yield checked;
    offset += whole;
    line += lineFeeds(checked);
    carry = bytes.subarray(whole);
  }
  // What is left is a lead byte whose character the file does not finish.
  if (carry.length > 0) throw invalidUtf8(path, offset, line, carry[0] as number, true);
}
