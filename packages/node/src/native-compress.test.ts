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
