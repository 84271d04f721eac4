import { mkdir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type ColumnConfig,
  defaultColumnConfig,
  exportColumnsOf,
  isRunHidden,
  MarketPulseError,
  type ObjectStore,
  type RecordValue,
  type RunRecord,
  readCurrentView,
  readRunRecord,
  readRunRows,
  type StoredRow,
} from '@market-pulse/core';
import { isProcessAlive } from '../process-probe.js';
import { columnKinds } from '../spreadsheets/export-cells.js';
import { writeCsvFile, writeXlsxFile } from '../spreadsheets/write-files.js';

type Row = Readonly<Record<string, RecordValue | undefined>>;

export const OUTPUT_WORKBOOK = 'Processed_Colors_Output.xlsx';
const sectorFile = (sector: string, ext: 'xlsx' | 'csv') =>
  `Processed_Colors_${sector.replace(/[^A-Za-z0-9._-]+/g, '_')}.${ext}`;

export interface ExportResult {
  /** Files written, relative to the exports folder. */
  files: string[];
  rows: number;
  /** The current view's data version the files show (current view only). */
  version?: number;
}

async function writeSet(
  dir: string,
  baseName: string,
  rows: StoredRow[],
  config: ColumnConfig,
  perSector: boolean,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const columns = exportColumnsOf(config, rows);
  const kinds = columnKinds(config);
  const files = [baseName];
  await writeXlsxFile(
    join(dir, baseName),
    [
      { name: 'Colors', rows: rows as Row[] },
      { name: 'Parents', rows: rows.filter((r) => r.IS_PARENT) as Row[] },
    ],
    { columns, kinds },
  );
  if (perSector) {
    const bySector = new Map<string, StoredRow[]>();
    for (const row of rows) {
      const sector = String(row.SECTOR);
      const list = bySector.get(sector);
      if (list) list.push(row);
      else bySector.set(sector, [row]);
    }
    for (const [sector, sectorRows] of [...bySector].sort(([a], [b]) => (a < b ? -1 : 1))) {
      await writeXlsxFile(
        join(dir, sectorFile(sector, 'xlsx')),
        [{ name: 'Colors', rows: sectorRows as Row[] }],
        { columns, kinds },
      );
      await writeCsvFile(join(dir, sectorFile(sector, 'csv')), sectorRows as Row[], { columns });
      files.push(sectorFile(sector, 'xlsx'), sectorFile(sector, 'csv'));
    }
  }
  return files;
}

/**
 * Rewrites the standing exports from the current view (SPEC §8): `Processed_Colors_Output.xlsx`
 * (all rows, and a "Parents" sheet) and `Processed_Colors_<SECTOR>.xlsx` / `.csv`, in `dir`.
 * Reads only the current view, so its cost follows the view, not the history. Per-sector files of
 * sectors no longer in the view are removed.
 */
export async function refreshExports(
  store: ObjectStore,
  dir: string,
  config: ColumnConfig = defaultColumnConfig,
): Promise<ExportResult> {
  const { manifest, rows } = await readCurrentView(store);
  const files = await writeSet(dir, OUTPUT_WORKBOOK, rows, config, true);
  const keep = new Set(files);
  for (const name of await readdir(dir)) {
    const stale = /^Processed_Colors_.+\.(xlsx|csv)$/.test(name) && !keep.has(name);
    // A writer killed mid-export leaves `<file>.tmp-<pid>-<hex>`; remove those of dead processes.
    const temp = /\.tmp-(\d+)-[0-9a-f]+$/.exec(name);
    if (stale || (temp && !isProcessAlive(Number(temp[1]))))
      await unlink(join(dir, name)).catch(() => undefined);
  }
  return { files, rows: rows.length, ...(manifest ? { version: manifest.version } : {}) };
}

export type ExportSelection = { run: number } | { date: string } | { from: string; to: string };

/**
 * Exports a view other than the current one (SPEC §8): one run, one business date or a range of
 * business dates (the visible runs of those dates) — never silently all history.
 */
export async function exportSelection(
  store: ObjectStore,
  selection: ExportSelection,
  outFile: string,
  options: { config?: ColumnConfig; lastRunId: number },
): Promise<ExportResult> {
  const config = options.config ?? defaultColumnConfig;
  const runs: RunRecord[] = [];
  if ('run' in selection) {
    const record = await readRunRecord(store, selection.run);
    if (!record)
      throw new MarketPulseError(
        'NOT_FOUND',
        `run ${selection.run} does not exist (or has not committed)`,
      );
    if (record.status !== 'success')
      throw new MarketPulseError('CONFLICT', `run ${selection.run} failed; it has no rows`);
    if (await isRunHidden(store, selection.run))
      throw new MarketPulseError(
        'CONFLICT',
        `run ${selection.run} is hidden; restore it to export it`,
      );
    runs.push(record);
  } else {
    const [from, to] =
      'date' in selection ? [selection.date, selection.date] : [selection.from, selection.to];
    if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to) || from > to) {
      throw new MarketPulseError(
        'VALIDATION_ERROR',
        `export dates must be YYYY-MM-DD with from ≤ to (got ${from} … ${to})`,
      );
    }
    for (let id = 1; id <= options.lastRunId; id++) {
      const record = await readRunRecord(store, id).catch(() => null);
      if (
        record?.status === 'success' &&
        record.businessDate >= from &&
        record.businessDate <= to &&
        !(await isRunHidden(store, id))
      )
        runs.push(record);
    }
  }
  const rows: StoredRow[] = [];
  // Newest run first, as in the current view.
  for (const record of runs.reverse()) rows.push(...(await readRunRows(store, record)));
  const lower = outFile.toLowerCase();
  const columns = exportColumnsOf(config, rows);
  if (lower.endsWith('.csv')) await writeCsvFile(outFile, rows as Row[], { columns });
  else if (lower.endsWith('.xlsx')) {
    await writeXlsxFile(
      outFile,
      [
        { name: 'Colors', rows: rows as Row[] },
        { name: 'Parents', rows: rows.filter((r) => r.IS_PARENT) as Row[] },
      ],
      { columns, kinds: columnKinds(config) },
    );
  } else throw new MarketPulseError('VALIDATION_ERROR', `export to .xlsx or .csv (got ${outFile})`);
  return { files: [outFile], rows: rows.length };
}
