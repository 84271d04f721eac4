import fc from 'fast-check';
import { zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { decodeRowPartition, encodeRowPartition } from './row-partition.js';

// Values of the kinds a stored row holds: MESSAGE_ID text, prices, calendar dates, empty values,
// pass-through text in any script (JSON cannot hold -0, NaN or undefined; rows never do).
const value = fc.oneof(
  fc.stringMatching(/^\d{1,20}$/),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n)),
  fc.integer(),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  fc.constant(null),
  fc.boolean(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
);
const row = fc.dictionary(fc.string({ minLength: 1 }), value);

describe('row partitions', () => {
  it('give back every row exactly, in either format', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 40 }), async (rows) => {
        const lines = rows.map((r) => JSON.stringify(r));
        for (const format of ['jsonl', 'jsonl.zlib'] as const) {
          const body = await encodeRowPartition(lines, format);
          const back = decodeRowPartition('k', body, format).map((l) => JSON.parse(l));
          expect(back).toEqual(rows);
        }
      }),
    );
  });

  it('reads what another zlib compressor wrote (a host may bring a native one)', async () => {
    const lines = ['{"CUSIP":"123456AB7","PX":99.5}', '{"MESSAGE_ID":"00012345678901234"}'];
    const other = zlibSync(new TextEncoder().encode(`${lines.join('\n')}\n`), { level: 9 });
    expect(decodeRowPartition('k', other, 'jsonl.zlib')).toEqual(lines);
  });

  it('names the key of bytes that are not a zlib stream', () => {
    expect(() => decodeRowPartition('runs/x', new Uint8Array([1, 2, 3]), 'jsonl.zlib')).toThrow(
      /runs\/x is damaged: it is not a zlib stream/,
    );
  });
});
