import { mkdir, readdir, rmdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type ColumnConfig,
  defaultColumnConfig,
  exportColumnsOf,
  isCalendarDate,
  isRunHidden,
  listRuns,
  MarketPulseError,
  type ObjectStore,
  type RecordValue,
  type RunRecord,
  readCurrentView,
  readManifest,
  readRunRecord,
  readRunRows,
  type StoredRow,
} from '@market-pulse/core';
import { isProcessAlive } from '../process-probe.js';
import { columnKinds } from '../spreadsheets/export-cells.js';
import { writeCsvFile, writeViewWorkbook } from '../spreadsheets/write-files.js';
import { startTaskWorker } from '../worker-thread.js';
import { type ExportsLeaseOptions, withExportsLease } from './exports-lease.js';
import { writeExportsState } from './exports-state.js';
import {
  DEFAULT_SECTOR_FORMATS,
  OUTPUT_WORKBOOK,
  planStandingSet,
  SECTOR_FOLDER,
  type SectorFormat,
  type StandingFile,
  type StandingSetJob,
  standingFileWriter,
} from './standing-files.js';

export { DEFAULT_SECTOR_FORMATS, OUTPUT_WORKBOOK, type SectorFormat };

type Row = Readonly<Record<string, RecordValue | undefined>>;

export interface ExportResult {
  /** Files written, relative to the exports folder. */
  files: string[];
  rows: number;
  /** The current view's data version the files show (current view only). */
  version?: number;
  /**
   * False when the view kept moving while the files were written (current view only): they are
   * recorded as lagging and the next refresh catches up.
   */
  upToDate?: boolean;
}

export interface RefreshExportsOptions {
  config?: ColumnConfig;
  /** The formats of the per-sector files (default: CSV only, `DEFAULT_SECTOR_FORMATS`). */
  sectorFormats?: readonly SectorFormat[];
  /** Waiting for another process's refresh (see `withExportsLease`). */
  lease?: ExportsLeaseOptions;
  /**
   * Views of at least this many rows share their files with a worker thread (default 20,000).
   * Below it, starting a worker (loading exceljs again, ~1 s of CPU) costs more than it saves;
   * `Infinity` never uses one (a machine without a second core to spare), `0` always does.
   */
  workerMinRows?: number;
}

/** The built worker sits next to the bundle (`dist/`), its source next to this module. */
const STANDING_FILES_WORKER = new URL('./standing-files.worker.js', import.meta.url);

/**
 * Writes the standing files, the biggest first, on this thread and (for big views) a worker
 * thread, each taking the next file when it is free: exceljs is CPU-bound, so on two cores the
 * halves overlap, and taking files as they come keeps both busy whatever the sectors' sizes.
 */
async function writeStandingSet(
  dir: string,
  rows: StoredRow[],
  options: RefreshExportsOptions,
): Promise<string[]> {
  const config = options.config ?? defaultColumnConfig;
  await mkdir(dir, { recursive: true });
  const job: StandingSetJob = {
    dir,
    rows: rows as Row[],
    columns: exportColumnsOf(config, rows),
    kinds: columnKinds(config),
  };
  const planned = planStandingSet(job.rows, options.sectorFormats ?? DEFAULT_SECTOR_FORMATS);
  const queue = [...planned].sort((a, b) => b.cost - a.cost);
  let next = 0;
  let failed = false;
  const drain = async (write: (file: StandingFile) => Promise<unknown>) => {
    try {
      for (let item = queue[next++]; item && !failed; item = queue[next++]) await write(item.file);
    } catch (err) {
      failed = true; // the other thread finishes its file and stops
      throw err;
    }
  };
  const worker =
    rows.length >= (options.workerMinRows ?? 20_000)
      ? startTaskWorker<StandingFile, null>(STANDING_FILES_WORKER, job)
      : undefined;
  // The worker was handed a copy of the view above; this thread takes the first (biggest) file at
  // once, while the worker starts.
  const drained = await Promise.allSettled([
    drain(standingFileWriter(job)),
    ...(worker ? [drain((file) => worker.run(file))] : []),
  ]);
  await worker?.close();
  // Both settled: nothing is still writing when the caller sees an error.
  for (const outcome of drained) if (outcome.status === 'rejected') throw outcome.reason;
  return planned.map((p) => p.name);
}

/**
 * Rewrites the standing exports from the current view (SPEC §8) in `dir`:
 * `Processed_Colors_Output.xlsx` (all rows, and a "Parents" sheet) and, per sector,
 * `processed_colors/<SECTOR>/Processed_Colors_<SECTOR>.<csv|xlsx>` (the S3 layout) in the
 * configured formats. Reads only the current view, so its cost follows the view, not the history.
 * Files of sectors (or formats) no longer exported are removed, and the view version the files show
 * is recorded last (see `exportsLag`).
 */
export async function refreshExports(
  store: ObjectStore,
  dir: string,
  options: RefreshExportsOptions = {},
): Promise<ExportResult> {
  return withExportsLease(store, () => refreshUnderLease(store, dir, options), options.lease);
}

async function refreshUnderLease(
  store: ObjectStore,
  dir: string,
  options: RefreshExportsOptions,
): Promise<ExportResult> {
  // One refresh at a time (the lease), but the view can move on while it writes (a run commits and
  // waits for this lease to refresh in turn): a refresh that finds it moved starts again, so the
  // files and their record end showing the newest view.
  for (let pass = 1; ; pass++) {
    const { manifest, rows } = await readCurrentView(store);
    const files = await writeStandingSet(dir, rows, options);
    await removeLeftovers(dir, files);
    const shown = manifest?.version ?? null;
    const result = { files, rows: rows.length, ...(manifest ? { version: manifest.version } : {}) };
    if (((await readManifest(store))?.version ?? null) === shown) {
      // Last, once every file is in place: a refresh cut short leaves the exports lagging.
      await writeExportsState(dir, {
        shownViewVersion: shown,
        sectorFormats: [...(options.sectorFormats ?? DEFAULT_SECTOR_FORMATS)],
        writtenAt: new Date().toISOString(),
      });
      return { ...result, upToDate: true };
    }
    // A view that keeps moving: leave the exports recorded as lagging (`exportsLag`); the refresh
    // after the next commit, or the next start, catches up.
    if (pass === MAX_REFRESH_PASSES) return { ...result, upToDate: false };
  }
}

/** Passes of one refresh while the view keeps moving under it. */
const MAX_REFRESH_PASSES = 3;

/**
 * Removes what the standing set no longer has: export files not in `keep` (sectors or formats no
 * longer exported; per-sector files of the flat layout before `processed_colors/`), temp files of
 * dead writers, and emptied sector folders (and `processed_colors/` itself when emptied).
 */
async function removeLeftovers(dir: string, keep: readonly string[]): Promise<void> {
  const keptFiles = new Map<string, Set<string>>(); // folder ('.' for the root) → file names
  for (const path of keep) {
    const slash = path.lastIndexOf('/');
    const folder = slash < 0 ? '.' : path.slice(0, slash);
    const files = keptFiles.get(folder) ?? new Set<string>();
    files.add(path.slice(slash + 1));
    keptFiles.set(folder, files);
  }
  const sectorsDir = join(dir, SECTOR_FOLDER);
  const sectorFolders = new Set(await readdir(sectorsDir).catch(() => []));
  const keptFolders = new Set<string>();
  for (const folder of keptFiles.keys())
    if (folder.startsWith(`${SECTOR_FOLDER}/`))
      keptFolders.add(folder.slice(SECTOR_FOLDER.length + 1));

  await removeStaleFiles(dir, keptFiles.get('.') ?? new Set());
  let foldersLeft = sectorFolders.size;
  for (const folder of sectorFolders) {
    // The kept spelling of this folder, if it is kept (see `keptAs`).
    const kept = keptAs(folder, sectorFolders, keptFolders);
    const files = kept
      ? (keptFiles.get(`${SECTOR_FOLDER}/${kept}`) ?? new Set<string>())
      : new Set<string>();
    if ((await removeStaleFiles(join(sectorsDir, folder), files)) === 0) {
      await rmdir(join(sectorsDir, folder)).catch(() => undefined);
      foldersLeft--;
    }
  }
  if (foldersLeft === 0) await rmdir(sectorsDir).catch(() => undefined);
}

/** Removes the stale export files and dead writers' temp files of one folder; returns the entries left. */
async function removeStaleFiles(folder: string, keep: ReadonlySet<string>): Promise<number> {
  const names = new Set(await readdir(folder).catch(() => []));
  let left = names.size;
  for (const name of names) {
    const stale = /^Processed_Colors_.+\.(xlsx|csv)$/.test(name) && !keptAs(name, names, keep);
    // A writer killed mid-export leaves `<file>.tmp-<pid>-<hex>`; remove those of dead processes.
    const temp = /\.tmp-(\d+)-[0-9a-f]+$/.exec(name);
    if (stale || (temp && !isProcessAlive(Number(temp[1])))) {
      await unlink(join(folder, name)).catch(() => undefined);
      left--;
    }
  }
  return left;
}

/**
 * The name in `keep` that the listed entry `name` is: itself, or the kept spelling in another case
 * when that spelling is not listed (a case-insensitive file system lists an entry under the case it
 * was created with, and writing `ABS` into an existing `Abs` writes into `Abs`).
 */
function keptAs(
  name: string,
  listed: ReadonlySet<string>,
  keep: ReadonlySet<string>,
): string | undefined {
  if (keep.has(name)) return name;
  const lower = name.toLowerCase();
  for (const kept of keep) if (kept.toLowerCase() === lower && !listed.has(kept)) return kept;
  return undefined;
}

export type ExportSelection = { run: number } | { date: string } | { from: string; to: string };

/**
 * Exports a view other than the current one (SPEC §8): one run, one business date or a range of
 * business dates (the visible runs of those dates) — never silently all history. The file's format
 * follows its extension (`.xlsx`: Colors and Parents sheets; `.csv`: every row).
 */
export async function exportSelection(
  store: ObjectStore,
  selection: ExportSelection,
  outFile: string,
  options: { config?: ColumnConfig } = {},
): Promise<ExportResult> {
  const config = options.config ?? defaultColumnConfig;
  // Refuse a bad request before reading anything.
  const format = /\.(xlsx|csv)$/i.exec(outFile)?.[1]?.toLowerCase();
  if (!format)
    throw new MarketPulseError('VALIDATION_ERROR', `export to .xlsx or .csv (got ${outFile})`);
  const runs = 'run' in selection ? [await exportableRun(store, selection.run)] : [];
  if (!('run' in selection)) {
    const [from, to] =
      'date' in selection ? [selection.date, selection.date] : [selection.from, selection.to];
    if (!isCalendarDate(from) || !isCalendarDate(to) || from > to) {
      throw new MarketPulseError(
        'VALIDATION_ERROR',
        `export dates must be YYYY-MM-DD with from ≤ to (got ${from} … ${to})`,
      );
    }
    // Newest run first, as in the current view.
    for (const run of await listRuns(store)) {
      if (run.state !== 'committed' || run.hidden || run.record.status !== 'success') continue;
      const { businessDate } = run.record;
      if (businessDate >= from && businessDate <= to) runs.push(run.record);
    }
  }
  const rows: StoredRow[] = [];
  for (const record of runs) rows.push(...(await readRunRows(store, record)));
  const columns = exportColumnsOf(config, rows);
  if (format === 'csv') await writeCsvFile(outFile, rows as Row[], { columns });
  else await writeViewWorkbook(outFile, rows as Row[], { columns, kinds: columnKinds(config) });
  return { files: [outFile], rows: rows.length };
}

/** A run whose rows can be exported: committed, successful and not hidden. */
async function exportableRun(store: ObjectStore, id: number): Promise<RunRecord> {
  const record = await readRunRecord(store, id);
  if (!record)
    throw new MarketPulseError('NOT_FOUND', `run ${id} does not exist (or has not committed)`);
  if (record.status !== 'success')
    throw new MarketPulseError('CONFLICT', `run ${id} failed; it has no rows`);
  if (await isRunHidden(store, id))
    throw new MarketPulseError('CONFLICT', `run ${id} is hidden; restore it to export it`);
  return record;
}
