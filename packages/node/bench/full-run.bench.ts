/**
 * A full run from a 100,000-row workbook (read + validate, rules, rank, commit, current view,
 * standing exports) against reading and writing the same workbook with exceljs alone, in the same
 * process. Prints one JSON object per measurement. Target (issue 3): full run ≤ 1.5 × baseline.
 *
 *   pnpm --filter @market-pulse/node bench [--rows N] [--rounds N]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_COLUMNS, defaultColumnConfig, runAutomation } from '@market-pulse/core';
import { generateColors, REALISTIC_RULES } from '@market-pulse/core/sample';
import ExcelJS from 'exceljs';
import { refreshExports } from '../src/exports/write-exports.js';
import { createFileStore } from '../src/file-store.js';
import { columnKinds } from '../src/spreadsheets/export-cells.js';
import { readColorFile } from '../src/spreadsheets/read-color-file.js';
import { writeXlsxFile } from '../src/spreadsheets/write-files.js';
import { systemClock } from '../src/system-clock.js';

const args = process.argv.slice(2);
const rows = Number(args[args.indexOf('--rows') + 1] ?? 100_000) || 100_000;
const rounds = Number(args[args.indexOf('--rounds') + 1] ?? 3) || 3;
// `--sector-worker-min-rows Infinity` writes the per-sector files on the main thread.
const workerFlag = args.indexOf('--sector-worker-min-rows');
const sectorWorkerMinRows = workerFlag >= 0 ? Number(args[workerFlag + 1]) : undefined;
const dir = await mkdtemp(join(tmpdir(), 'mp-bench-'));
const report = (name: string, ms: number, extra: Record<string, unknown> = {}) =>
  console.log(
    JSON.stringify({
      name,
      rows,
      ms: Math.round(ms),
      rowsPerSec: Math.round((rows / ms) * 1000),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      ...extra,
    }),
  );

try {
  const input = join(dir, 'colors.xlsx');
  const records = generateColors({ rows, seed: 42, businessDate: '2026-03-13' });
  const columns = DEFAULT_COLUMNS.map((c) => c.name);
  await writeXlsxFile(input, [{ name: 'Colors', rows: records }], {
    columns,
    kinds: columnKinds(defaultColumnConfig),
  });

  // Baseline: exceljs alone reads the workbook (streaming, as we do) and writes it back (streaming).
  async function baselineMs(round: number): Promise<number> {
    (globalThis as { gc?: () => void }).gc?.();
    const start = performance.now();
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
      sharedStrings: 'cache',
      styles: 'cache',
      worksheets: 'emit',
    });
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({
      filename: join(dir, `baseline-${round}.xlsx`),
      useStyles: false, // the same writer settings as our exports
      useSharedStrings: false,
    });
    const out = writer.addWorksheet('Colors');
    for await (const sheet of reader)
      for await (const row of sheet as unknown as AsyncIterable<ExcelJS.Row>)
        out.addRow((row.values as unknown[]).slice(1)).commit();
    out.commit();
    await writer.commit();
    return performance.now() - start;
  }

  // The full run, each phase timed, on a fresh data folder.
  async function fullRun(round: number) {
    (globalThis as { gc?: () => void }).gc?.();
    const store = createFileStore({ dir: join(dir, `store-${round}`) });
    await store.put(
      'config/rules.json',
      new TextEncoder().encode(
        JSON.stringify({ generation: 1, value: { rules: REALISTIC_RULES } }),
      ),
    );
    let n = 0;
    const start = performance.now();
    const parsed = await readColorFile(input);
    const readMs = performance.now() - start;
    const record = await runAutomation(
      { store, clock: systemClock, ids: { nextId: () => `bench-${++n}` } },
      {
        trigger: 'cli',
        businessDate: '2026-03-13',
        inputs: [{ origin: 'source', processingType: 'AUTOMATED', records: parsed.records }],
      },
    );
    const runMs = performance.now() - start - readMs;
    const exportStart = performance.now();
    const exported = await refreshExports(store, join(dir, `exports-${round}`), {
      ...(sectorWorkerMinRows !== undefined ? { sectorWorkerMinRows } : {}),
    });
    const exportMs = performance.now() - exportStart;
    return {
      ms: performance.now() - start,
      phasesMs: {
        read: Math.round(readMs),
        runAndCommit: Math.round(runMs),
        exports: Math.round(exportMs),
      },
      output: record.counts.output,
      excluded: record.counts.excluded,
      exportFiles: exported.files.length,
    };
  }

  // Baseline and full run alternate, round after round, so that a shared machine's slow and fast
  // spells hit both alike; the verdict is the median of the per-round ratios.
  const ratios: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    const baseline = await baselineMs(round);
    report('exceljs read+write (baseline)', baseline, { round });
    const { ms, ...details } = await fullRun(round);
    const ratioToBaseline = Number((ms / baseline).toFixed(2));
    ratios.push(ratioToBaseline);
    report('full run (read, rules, rank, commit, view, exports)', ms, {
      round,
      ratioToBaseline,
      ...details,
    });
  }
  const sorted = [...ratios].sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      name: 'full run ÷ baseline (median of rounds)',
      rows,
      rounds,
      ratios,
      medianRatio: sorted[Math.floor(sorted.length / 2)],
      target: 1.5,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
