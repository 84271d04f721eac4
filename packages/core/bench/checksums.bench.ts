/**
 * What checksums of stored objects cost (issue 10 item 9): a 100,000-row run through the run
 * service on the in-memory store — its partitions hashed when written (SHA-256 in the commit
 * record) and checked when read back — and the hash alone, Web Crypto and pure JS, over the same
 * bytes. Prints one JSON object per measurement.
 *
 *   node --import tsx bench/checksums.bench.ts [--rows 100000]
 */
import { readRunRows, runAutomation } from '../src/index.js';
import { generateColors } from '../src/sample/index.js';
import { sha256Hex, sha256HexPure } from '../src/store/checksum.js';
import { runKeys } from '../src/store/layout.js';
import { createManualClock, createMemoryStore } from '../src/testing/index.js';

const rowsArg = process.argv.indexOf('--rows');
const ROWS = rowsArg > 0 ? Number(process.argv[rowsArg + 1]) : 100_000;
const ms = (start: number) => Math.round(performance.now() - start);

const store = createMemoryStore();
const deps = {
  store,
  clock: createManualClock('2026-03-13T22:30:00Z'),
  ids: { nextId: () => 'x' },
};
const records = generateColors({ rows: ROWS, seed: 1 });
let start = performance.now();
const record = await runAutomation(deps, {
  trigger: 'cli',
  businessDate: '2026-03-13',
  inputs: [{ origin: 'source', processingType: 'AUTOMATED', records }],
});
const runMs = ms(start);
const parts: Uint8Array[] = [];
for (let p = 0; p < record.rowParts; p++)
  parts.push((await store.get(runKeys(record.id).rowsPart(p)))?.body as Uint8Array);
const bytes = parts.reduce((n, b) => n + b.length, 0);
start = performance.now();
for (const body of parts) await sha256Hex(body);
const webCryptoMs = ms(start);
start = performance.now();
for (const body of parts) sha256HexPure(body);
const pureMs = ms(start);
start = performance.now();
await readRunRows(store, record);
const readMs = ms(start);
console.log(
  JSON.stringify({
    name: 'run partitions: checksum cost',
    rows: record.counts.output,
    partitions: record.rowParts,
    megabytes: +(bytes / 1e6).toFixed(1),
    runMs,
    sha256WebCryptoMs: webCryptoMs,
    sha256PureJsMs: pureMs,
    readRunRowsCheckedMs: readMs,
  }),
);
