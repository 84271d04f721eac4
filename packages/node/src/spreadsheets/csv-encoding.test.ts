import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstInvalidUtf8, utf8Checked, wideEncodingOf } from './csv-encoding.js';

const decodes = (bytes: Uint8Array) => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
};

/** Bytes that are mostly UTF-8 text with some damage: the interesting cases are near-valid. */
const nearUtf8 = fc
  .tuple(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
    fc.nat(8),
  )
  .map(([text, damage, cut]) => {
    const bytes = Buffer.from(text);
    for (const [at, byte] of damage) if (bytes.length > 0) bytes[at % bytes.length] = byte;
    return bytes.subarray(0, Math.max(0, bytes.length - (cut > 5 ? cut - 5 : 0)));
  });

describe('firstInvalidUtf8', () => {
  it('agrees with a fatal TextDecoder: -1 exactly for valid UTF-8, else the prefix before it decodes', () => {
    fc.assert(
      fc.property(fc.oneof(nearUtf8, fc.uint8Array({ maxLength: 12 })), (bytes) => {
        const at = firstInvalidUtf8(bytes);
        expect(at === -1).toBe(decodes(bytes));
        if (at >= 0) {
          expect(decodes(bytes.subarray(0, at))).toBe(true);
          // The sequence starting at `at` is the one that is wrong: not even 4 more bytes fix it.
          expect(decodes(bytes.subarray(0, Math.min(bytes.length, at + 4)))).toBe(false);
        }
      }),
      { numRuns: 5000 },
    );
  });
});

describe('utf8Checked', () => {
  it('passes valid text through unchanged, however it is cut into chunks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', maxLength: 60 }),
        fc.array(fc.nat(60), { maxLength: 6 }),
        async (text, cuts) => {
          const bytes = Buffer.from(text);
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort(
            (a, b) => a - b,
          );
          const chunks = [0, ...points, bytes.length]
            .slice(1)
            .map((end, i, ends) => bytes.subarray(i === 0 ? 0 : (ends[i - 1] as number), end));
          const out: Buffer[] = [];
          for await (const chunk of utf8Checked(
            'x.csv',
            (async function* () {
              yield* chunks;
            })(),
          ))
            out.push(chunk);
          expect(Buffer.concat(out).equals(bytes)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('wideEncodingOf', () => {
  it('names UTF-16 and UTF-32 by BOM and UTF-16 without one, and nothing in UTF-8 text', () => {
    expect(wideEncodingOf(Buffer.from([0xff, 0xfe, 0x41, 0x00]))).toBe('UTF-16 (little-endian)');
    expect(wideEncodingOf(Buffer.from([0xfe, 0xff, 0x00, 0x41]))).toBe('UTF-16 (big-endian)');
    expect(wideEncodingOf(Buffer.from([0xff, 0xfe, 0x00, 0x00]))).toBe('UTF-32 (little-endian)');
    expect(wideEncodingOf(Buffer.from('MESSAGE_ID,CUSIP', 'utf16le'))).toBe(
      'UTF-16 (little-endian)',
    );
    expect(wideEncodingOf(Buffer.from('MESSAGE_ID,CUSIP', 'utf16le').swap16())).toBe(
      'UTF-16 (big-endian)',
    );
    expect(wideEncodingOf(Buffer.from('MESSAGE_ID,CUSIP\nSociété,€\u0000'))).toBeUndefined();
    expect(wideEncodingOf(Buffer.from('\ufeffMESSAGE_ID'))).toBeUndefined();
  });
});
