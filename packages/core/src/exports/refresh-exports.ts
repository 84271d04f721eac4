import { readColumnConfig } from '../column-store/column-store.js';
import type { ColumnConfig } from '../columns/column-config.js';
import { columnKinds } from '../export/cell-values.js';
import { exportColumnsOf } from '../export/export-columns.js';
import type { ExportSink } from '../ports/export-sink.js';
import type { SheetLayout, SpreadsheetCodec } from '../ports/spreadsheet-codec.js';
import type { StoredRow } from '../run/run-protocol.js';
import { readCurrentView, readManifest, rebuildCurrentView } from '../views/current-view.js';
import {
  type ExportsLeaseDependencies,
  type ExportsLeaseOptions,
  withExportsLease,
} from './exports-lease.js';
import { writeExportsState } from './exports-state.js';
import {
  DEFAULT_SECTOR_FORMATS,
  OUTPUT_WORKBOOK,
  planStandingSet,
  rowsBySector,
  type SectorFormat,
  type SectorRows,
  type StandingFile,
  sectorFile,
  staleExports,
  viewSheets,
} from './standing-set.js';

type Row = Readonly<Record<string, unknown>>;

/** What writing the standing files of a view needs; plain data, so it can cross to a worker. */
export interface StandingSetJob {
  /** The current view's rows, in view order. */
  rows: readonly Row[];
  layout: SheetLayout;
}

/**
 * Another writer of standing files working alongside this thread (e.g. a worker thread on a
 * second core), handed one file at a time.
 */
export interface ExportLane {
  /** Writes one standing file into place; resolves when it is written. */
  write(file: StandingFile): Promise<void>;
  /** Called once, when every lane is done or one failed: ends the lane (e.g. its worker). */
  close(): Promise<void>;
}

/** What a refresh of the standing exports needs. */
export interface ExportDependencies extends ExportsLeaseDependencies {
  sink: ExportSink;
  codec: SpreadsheetCodec;
  /**
   * Extra lanes for a view of this many rows or more (default: none). Below a host's threshold a
   * second lane costs more than it saves (starting a worker loads the spreadsheet library again).
   */
  lanes?: (job: StandingSetJob) => ExportLane[];
}

/** How the standing exports are written. */
export interface RefreshExportsOptions {
  config?: ColumnConfig;
  /** The formats of the per-sector files (default: CSV only, `DEFAULT_SECTOR_FORMATS`). */
  sectorFormats?: readonly SectorFormat[];
  /** Waiting for another process's refresh (see `withExportsLease`). */
  lease?: ExportsLeaseOptions;
}

/** A standing file that could not be written, and why. */
export interface FailedExport {
  name: string;
  reason: string;
}

/** What a refresh (or an export of another view) wrote. */
export interface ExportResult {
  /** Files in the standing set (sink names), written or not (see `failed`). */
  files: string[];
  rows: number;
  /** The current view's data version the files show (current view only). */
  version?: number;
  /**
   * False when the view kept moving while the files were written (current view only): they are
   * recorded as lagging and the next refresh catches up.
   */
  upToDate?: boolean;
  /**
   * Files that could not be written (the others were): each keeps its previous content, and the
   * exports are recorded as lagging (`files-failed`) so the next refresh tries again.
   */
  failed?: FailedExport[];
}

/**
 * A writer of a job's standing files, one at a time, each into place in `sink` through `codec`:
 * the output workbook holds every row on "Colors" and the parents on "Parents"; a sector's files
 * hold its rows. Worker threads build the same writer over their own codec and sink.
 */
export function standingFileWriter(
  job: StandingSetJob,
  codec: SpreadsheetCodec,
  sink: ExportSink,
): (file: StandingFile) => Promise<void> {
  let bySector: Map<string, SectorRows> | undefined;
  return async (file) => {
    if (file.kind === 'output') {
      await sink.write(OUTPUT_WORKBOOK, codec.write('xlsx', viewSheets(job.rows), job.layout));
      return;
    }
    bySector ??= rowsBySector(job.rows);
    const sector = bySector.get(file.sector);
    if (!sector) throw new Error(`no rows of sector ${file.sector}`);
    const sheets = [{ name: 'Colors', rows: sector.rows }];
    await sink.write(
      sectorFile(sector.name, file.format),
      codec.write(file.format, sheets, job.layout),
    );
  };
}

/**
 * Writes the standing files, the biggest first, on this thread and any extra lanes, each taking
 * the next file when it is free: spreadsheet writing is CPU-bound, so on two cores the halves
 * overlap, and taking files as they come keeps both busy whatever the sectors' sizes. A file that
 * cannot be written is reported and the others are still written (unrelated files must not fail
 * together); a lane that fails is retired, the calling thread carries on.
 */
async function writeStandingSet(
  deps: ExportDependencies,
  rows: StoredRow[],
  options: RefreshExportsOptions,
): Promise<{ files: string[]; failed: FailedExport[] }> {
  const config = options.config ?? (await readColumnConfig(deps.store));
  const job: StandingSetJob = {
    rows,
    layout: { columns: exportColumnsOf(config, rows), kinds: columnKinds(config) },
  };
  const planned = planStandingSet(job.rows, options.sectorFormats ?? DEFAULT_SECTOR_FORMATS);
  const queue = [...planned].sort((a, b) => b.cost - a.cost);
  const failed: FailedExport[] = [];
  let next = 0;
  const drain = async (
    write: (file: StandingFile) => Promise<unknown>,
    retireOnFailure: boolean,
  ) => {
    for (let item = queue[next++]; item; item = queue[next++]) {
      try {
        await write(item.file);
      } catch (err) {
        failed.push({ name: item.name, reason: (err as Error)?.message ?? String(err) });
        if (retireOnFailure) return;
      }
    }
  };
  const lanes = deps.lanes?.(job) ?? [];
  // This thread takes the first (biggest) file at once, while the lanes start.
  await Promise.all([
    drain(standingFileWriter(job, deps.codec, deps.sink), false),
    ...lanes.map((lane) => drain((file) => lane.write(file), true)),
  ]);
  await Promise.allSettled(lanes.map((lane) => lane.close()));
  return { files: planned.map((p) => p.name), failed };
}

/** Passes of one refresh while the view keeps moving under it. */
const MAX_REFRESH_PASSES = 3;

/**
 * Rewrites the standing exports from the current view (SPEC §8): `Processed_Colors_Output.xlsx`
 * (all rows, and a "Parents" sheet) and, per sector,
 * `processed_colors/<SECTOR>/Processed_Colors_<SECTOR>.<csv|xlsx>` (the S3 layout) in the
 * configured formats. Reads only the current view, so its cost follows the view, not the history.
 * Files of sectors (or formats) no longer exported are removed, and the view version the files
 * show is recorded last (see `exportsLag`). One refresh at a time across processes (a lease).
 *
 * @example
 * ```ts
 * const result = await refreshExports({ store, sink, codec, clock, ids, timers });
 * console.log(result.files); // ['Processed_Colors_Output.xlsx', 'processed_colors/MM-CLO/…', …]
 * ```
 */
export async function refreshExports(
  deps: ExportDependencies,
  options: RefreshExportsOptions = {},
): Promise<ExportResult> {
  return withExportsLease(deps, () => refreshUnderLease(deps, options), options.lease);
}

async function refreshUnderLease(
  deps: ExportDependencies,
  options: RefreshExportsOptions,
): Promise<ExportResult> {
  // One refresh at a time (the lease), but the view can move on while it writes (a run commits and
  // waits for this lease to refresh in turn): a refresh that finds it moved starts again, so the
  // files and their record end showing the newest view.
  for (let pass = 1; ; pass++) {
    let view = await readCurrentView(deps.store);
    if (view.damaged) {
      // Rows rebuilt from the committed runs (the truth): store them as a new version, so that
      // the files show a version the next status and refresh can compare with.
      await rebuildCurrentView(deps.store, deps.clock);
      view = await readCurrentView(deps.store);
    }
    const { manifest, rows } = view;
    const { files, failed } = await writeStandingSet(deps, rows, options);
    const listed: string[] = [];
    for await (const name of deps.sink.list()) listed.push(name);
    for (const stale of staleExports(listed, files)) await deps.sink.remove(stale);
    const shown = manifest?.version ?? null;
    const result = {
      files,
      rows: rows.length,
      ...(manifest ? { version: manifest.version } : {}),
      ...(failed.length > 0 ? { failed } : {}),
    };
    if (((await readManifest(deps.store))?.version ?? null) === shown) {
      // Last, once every file is in place: a refresh cut short leaves the exports lagging.
      await writeExportsState(deps.sink, {
        shownViewVersion: shown,
        sectorFormats: [...(options.sectorFormats ?? DEFAULT_SECTOR_FORMATS)],
        writtenAt: deps.clock.now().toISOString(),
        ...(failed.length > 0 ? { failedFiles: failed.map((f) => f.name) } : {}),
      });
      return { ...result, upToDate: true };
    }
    // A view that keeps moving: leave the exports recorded as lagging (`exportsLag`); the refresh
    // after the next commit, or the next start, catches up.
    if (pass === MAX_REFRESH_PASSES) return { ...result, upToDate: false };
  }
}
