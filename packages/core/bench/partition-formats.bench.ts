/**
 * Candidate formats for stored run partitions (issue 15 item 1), on the rows a run really stores
 * (generated colors through the processing every run does: MESSAGE_ID text, prices, calendar
 * dates, empty values, run columns): bytes per row, encode and decode time of each. Prints one
 * JSON object per candidate.
 *
 *   node --import tsx bench/partition-formats.bench.ts [--rows 100000]
 */

import { deflateSync as nodeDeflate, inflateSync as nodeInflate } from 'node:zlib';
import { tableFromIPC, tableFromJSON, tableToIPC } from 'apache-arrow';
import { unzlibSync, zlibSync } from 'fflate';
import { processColors } from '../src/processing/process-colors.js';
import { compileRules } from '../src/rules/compile-rules.js';
import { generateColors } from '../src/sample/index.js';

const rowsArg = process.argv.indexOf('--rows');
const ROWS = rowsArg > 0 ? Number(process.argv[rowsArg + 1]) : 100_000;
const PART_ROWS = 50_000;
const ms = (start: number) => Math.round(performance.now() - start);

const processed = processColors(
  [
    {
      origin: 'source',
      processingType: 'AUTOMATED',
      records: generateColors({ rows: ROWS, seed: 1 }),
    },
  ],
  compileRules([], { businessDate: '2026-03-13' }),
  { runId: 1, processedAt: '2026-03-13T22:30:00.000Z' },
);
const rows: Record<string, unknown>[] = [];
for (let k = 0; k < processed.length; k++) rows.push(processed.rowAt(k));
const parts: Record<string, unknown>[][] = [];
for (let from = 0; from < rows.length; from += PART_ROWS)
  parts.push(rows.slice(from, from + PART_ROWS));

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const jsonLines = (part: Record<string, unknown>[]) =>
  encoder.encode(`${part.map((r) => JSON.stringify(r)).join('\n')}\n`);
const fromLines = (body: Uint8Array) =>
  decoder
    .decode(body)
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

interface Candidate {
  name: string;
  encode(part: Record<string, unknown>[]): Uint8Array;
  decode(body: Uint8Array): unknown[];
}
const candidates: Candidate[] = [
  { name: 'json lines', encode: jsonLines, decode: fromLines },
  ...([1, 6] as const).map((level) => ({
    name: `json lines, zlib level ${level} (fflate)`,
    encode: (part: Record<string, unknown>[]) => zlibSync(jsonLines(part), { level }),
    decode: (body: Uint8Array) => fromLines(unzlibSync(body)),
  })),
  ...([1, 6] as const).map((level) => ({
    name: `json lines, zlib level ${level} (node:zlib)`,
    encode: (part: Record<string, unknown>[]) => nodeDeflate(jsonLines(part), { level }),
    decode: (body: Uint8Array) => fromLines(nodeInflate(body)),
  })),
  {
    name: 'arrow ipc (tableFromJSON, uncompressed)',
    encode: (part) => tableToIPC(tableFromJSON(part), 'stream'),
    decode: (body) =>
      tableFromIPC(body)
        .toArray()
        .map((r) => r.toJSON()),
  },
];

for (const candidate of candidates) {
  (globalThis as { gc?: () => void }).gc?.();
  let start = performance.now();
  const bodies = parts.map((p) => candidate.encode(p));
  const encodeMs = ms(start);
  const bytes = bodies.reduce((n, b) => n + b.length, 0);
  start = performance.now();
  let read = 0;
  for (const body of bodies) read += candidate.decode(body).length;
  const decodeMs = ms(start);
  console.log(
    JSON.stringify({
      name: `run partitions: ${candidate.name}`,
      rows: read,
      bytesPerRow: Math.round(bytes / rows.length),
      encodeMs,
      decodeMs,
    }),
  );
}
