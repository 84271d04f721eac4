/**
 * The read phase alone: `readColorFile` on a generated workbook against exceljs' own streaming read
 * of it (every row's values touched, nothing kept), alternating in one process so that machine
 * noise hits both alike. Prints one JSON object per round.
 *
 *   pnpm build && TSX_TSCONFIG_PATH=tsconfig.build.json node --expose-gc --import tsx bench/read.bench.ts [--rows N] [--rounds N]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readColorFile } from '@market-pulse/node';
import ExcelJS from 'exceljs';
import { writeSampleWorkbook } from './sample-workbook.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) =>
  args.includes(name) ? Number(args[args.indexOf(name) + 1]) || fallback : fallback;
const rows = option('--rows', 100_000);
const rounds = option('--rounds', 3);
const gc = () => (globalThis as { gc?: () => void }).gc?.();

async function exceljsRead(path: string): Promise<number> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    sharedStrings: 'cache',
    styles: 'cache',
    worksheets: 'emit',
  });
  let cells = 0;
  for await (const sheet of reader)
    for await (const row of sheet as unknown as AsyncIterable<ExcelJS.Row>)
      cells += (row.values as unknown[]).length;
  return cells;
}

const dir = await mkdtemp(join(tmpdir(), 'mp-read-'));
try {
  const input = join(dir, 'colors.xlsx');
  await writeSampleWorkbook(input, rows);
  for (let round = 1; round <= rounds; round++) {
    gc();
    let start = performance.now();
    await exceljsRead(input);
    const exceljsMs = performance.now() - start;
    gc();
    start = performance.now();
    const parsed = await readColorFile(input);
    const readMs = performance.now() - start;
    console.log(
      JSON.stringify({
        round,
        rows,
        exceljsMs: Math.round(exceljsMs),
        readColorFileMs: Math.round(readMs),
        ratio: Number((readMs / exceljsMs).toFixed(2)),
        records: parsed.records.length,
        errors: parsed.errors.length,
        peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      }),
    );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
