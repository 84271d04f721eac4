/**
 * Core hot-path benchmark: parse, compile+apply 10 realistic rules, rank, and rules+rank — at
 * 100,000 and 1,000,000 generated rows. Prints one JSON object per measurement on stdout.
 * Each size runs in its own child process so peak RSS is per size.
 *
 *   pnpm bench                 # both sizes
 *   pnpm bench -- --rows 100000
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compileRules, parseRecords, rankColors, rankOrder } from '../src/index.js';
import { colorsToTable, generateColors, REALISTIC_RULES } from '../src/sample/index.js';

const BUSINESS_DATE = '2026-03-13';
const REPEATS = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function measure(name: string, rows: number, fn: () => unknown): void {
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    // Start each run from a collected heap so one measurement's garbage is not billed to the next.
    (globalThis as { gc?: () => void }).gc?.();
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  const ms = median(times);
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  const heapFlag = process.execArgv.find((a) => a.startsWith('--max-old-space-size')) ?? null;
  console.log(
    JSON.stringify({
      name,
      rows,
      ms: Math.round(ms),
      rowsPerSec: Math.round((rows / ms) * 1000),
      runsMs: times.map(Math.round),
      peakRssMb,
      heapFlag,
    }),
  );
}

function runSize(rows: number): void {
  let records = generateColors({ rows, seed: 42, businessDate: BUSINESS_DATE });
  {
    const table = colorsToTable(records, { blankRankShare: 0.1 });
    let parsed = 0;
    measure('parse', rows, () => {
      parsed = parseRecords(table).records.length;
    });
    if (parsed !== rows) throw new Error(`benchmark sanity: parsed ${parsed} of ${rows} rows`);
    // Rank and rules run on parsed records (distinct strings per cell, as in a real run).
    records = parseRecords(table).records;
  }
  const compile = () => compileRules(REALISTIC_RULES, { businessDate: BUSINESS_DATE });
  measure('rules.compile+apply(10 active)', rows, () => compile().apply(records));
  measure('rank.order (columnar, what a run streams from)', rows, () =>
    rankOrder(records, { runId: 1 }),
  );
  measure('rank.colors (plain objects)', rows, () => rankColors(records, { runId: 1 }));
  let kept = 0;
  measure('rules+rank (run path: apply + rankOrder)', rows, () => {
    kept = rankOrder(compile().apply(records).kept, { runId: 1 }).length;
  });
  measure('rules+rank (plain objects: apply + rankColors)', rows, () => {
    kept = rankColors(compile().apply(records).kept, { runId: 1 }).length;
  });
  if (kept === 0 || kept === rows)
    throw new Error(`benchmark sanity: ${kept} of ${rows} rows kept`);
}

const args = process.argv.slice(2);
const rowsArg = args.indexOf('--rows');
if (rowsArg >= 0) runSize(Number(args[rowsArg + 1]));
else {
  for (const rows of [100_000, 1_000_000]) {
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), '--rows', String(rows)],
      { stdio: 'inherit' },
    );
    if (child.status !== 0) process.exit(child.status ?? 1);
  }
}
