import { deflateSync } from 'node:zlib';
import { pureCompress, pureDecompress } from '@market-pulse/core';
import { decodeRowPartition } from '@market-pulse/core/store';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nativeCompress, nativeDecompress } from './native-compress.js';

describe('native zlib', () => {
  it("reads what core's pure-JS compressor wrote, and the other way round", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 5_000 }), async (bytes) => {
        expect(nativeDecompress(await pureCompress(bytes))).toEqual(Buffer.from(bytes));
        expect(pureDecompress(await nativeCompress(bytes))).toEqual(bytes);
      }),
    );
  });

  it('compresses off the thread to the same bytes as deflateSync (stored bytes do not change)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200_000 }), async (bytes) => {
        expect(Buffer.from(await nativeCompress(bytes))).toEqual(deflateSync(bytes, { level: 6 }));
      }),
      { numRuns: 50 },
    );
    // A partition's size (megabytes of JSON lines): the pool deflates it in several output chunks.
    const partition = Buffer.from('{"CUSIP":"00123XAB1","PRICE":101.25}\n'.repeat(100_000));
    expect(Buffer.from(await nativeCompress(partition))).toEqual(
      deflateSync(partition, { level: 6 }),
    );
  });

  it('refuses bytes that are not a zlib stream with an error naming the key', () => {
    expect(() =>
      decodeRowPartition(
        'runs/7/rows-0.jsonl.zlib',
        new Uint8Array([1, 2, 3]),
        'jsonl.zlib',
        nativeDecompress,
      ),
    ).toThrow(/runs\/7\/rows-0.jsonl.zlib.*not a zlib stream/);
  });
});
