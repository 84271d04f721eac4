/**
 * What the read scope costs (issue 13 item 4): one run of 100,000 rows in the memory store, read
 * as a run row set and exported (JSON lines) by everyone (no scope) and by a reader of half the
 * sectors and four columns; and `readScopeFor` (two small documents) per request. Medians of 5.
 *
 *   node --import tsx bench/read-scope.bench.ts [--rows 100000]
 */
import {
  exportSelection,
  readRunRowSet,
  readScopeFor,
  replaceCloMappings,
  runAutomation,
  type SpreadsheetCodec,
  setAssetClass,
} from '../src/index.js';
import { generateColors } from '../src/sample/index.js';
import { createManualClock, createMemoryStore } from '../src/testing/index.js';

const args = process.argv.slice(2);
const rowsArg = args.indexOf('--rows');
const ROWS = rowsArg >= 0 ? Number(args[rowsArg + 1]) : 100_000;

async function median(times: number, work: () => Promise<unknown>): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    await work();
    ms.push(performance.now() - start);
  }
  return ms.sort((a, b) => a - b)[Math.floor(times / 2)] as number;
}

const store = createMemoryStore();
const clock = createManualClock('2026-03-13T22:00:00Z');
let n = 0;
const deps = { store, clock, ids: { nextId: () => `id-${++n}` } };
const records = generateColors({ rows: ROWS, seed: 3 });
await runAutomation(deps, {
  trigger: 'cli',
  businessDate: '2026-03-13',
  inputs: [{ origin: 'source', processingType: 'AUTOMATED', records }],
});
const sectors = [...new Set(records.map((r) => r.SECTOR))].sort();
await setAssetClass(deps, 'HALF', sectors.slice(0, Math.ceil(sectors.length / 2)), 'bench');
await replaceCloMappings(
  deps,
  { defaultColumns: '*', types: { CLO: { columns: ['PX', 'BID', 'ASK', 'BIAS'] } } },
  'bench',
);
const reader = { kind: 'user' as const, assetClasses: ['HALF'], clo: 'CLO' };
const scope = await readScopeFor(store, reader);
const drain = async (bytes: AsyncIterable<Uint8Array>) => {
  let size = 0;
  for await (const chunk of bytes) size += chunk.length;
  return size;
};
const codec = {} as SpreadsheetCodec;
const figures = {
  rows: ROWS,
  runRowsMs: {
    all: await median(5, () => readRunRowSet(store, 1, 'rows')),
    scoped: await median(5, () => readRunRowSet(store, 1, 'rows', {}, scope)),
  },
  exportJsonlMs: {
    all: await median(5, async () =>
      drain((await exportSelection({ store, codec }, { run: 1 }, 'jsonl')).bytes),
    ),
    scoped: await median(5, async () =>
      drain((await exportSelection({ store, codec }, { run: 1 }, 'jsonl', { scope })).bytes),
    ),
  },
  readScopeForMs: await median(101, () => readScopeFor(store, reader)),
};
console.log(JSON.stringify(figures));
