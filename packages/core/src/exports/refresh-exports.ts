import { readColumnConfig } from '../column-store/column-store.js';
import type { ColumnConfig } from '../columns/column-config.js';
import type { ExportSink } from '../ports/export-sink.js';
import type { SheetLayout, SpreadsheetCodec } from '../ports/spreadsheet-codec.js';
import { damageOf } from '../store/damaged-object.js';
import {
  type CurrentViewManifest,
  readManifest,
  rebuildCurrentView,
  streamCurrentView,
} from '../views/current-view.js';
import { type ExportLane, laneShare, type OpenExportLane } from './export-lane.js';
import {
  type ExportsLeaseDependencies,
  type ExportsLeaseOptions,
  withExportsLease,
} from './exports-lease.js';
import { readExportsState, writeExportsState } from './exports-state.js';
import {
  DEFAULT_SECTOR_FORMATS,
  type PlannedFile,
  type SectorFormat,
  type StandingSetScan,
  scanStandingSet,
  staleExports,
} from './standing-set.js';
import {
  type FailedExport,
  type StandingFilesDependencies,
  writeStandingFiles,
} from './write-standing-files.js';

export type { FailedExport };

/** What a refresh of the standing exports needs. */
export interface ExportDependencies extends ExportsLeaseDependencies, StandingFilesDependencies {
  sink: ExportSink;
  codec: SpreadsheetCodec;
  /**
   * A second writer for big views (e.g. a worker thread): it writes the per-sector files from its
   * own read of the view while this thread writes the output workbook. Without one, every file is
   * written on this thread.
   */
  lane?: OpenExportLane;
}

/** How the standing exports are written. */
export interface RefreshExportsOptions {
  config?: ColumnConfig;
  /** The formats of the per-sector files (default: CSV only, `DEFAULT_SECTOR_FORMATS`). */
  sectorFormats?: readonly SectorFormat[];
  /** Waiting for another process's refresh (see `withExportsLease`). */
  lease?: ExportsLeaseOptions;
}

/** What a refresh (or an export of another view) wrote. */
export interface ExportResult {
  /** Files in the standing set (sink names), written or not (see `failed`). */
  files: string[];
  /**
   * The files this refresh rewrote (current view only): those whose content changed since the
   * files in place were written, or that were missing; the others were left as they are.
   */
  written?: string[];
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
 * The view's standing files, read once: its layout and per file a digest. A view whose own
 * objects cannot be read is rebuilt from the committed runs (the truth) and read again.
 */
async function scanView(
  deps: ExportDependencies,
  config: ColumnConfig,
  sectorFormats: readonly SectorFormat[],
): Promise<{ manifest: CurrentViewManifest | null; scan: StandingSetScan }> {
  try {
    const manifest = await readManifest(deps.store);
    return {
      manifest,
      scan: await scanStandingSet(
        streamCurrentView(deps.store, { decompress: deps.decompress }),
        config,
        sectorFormats,
      ),
    };
  } catch (err) {
    if (!damageOf(err)?.key.startsWith('views/')) throw err;
    const manifest = await rebuildCurrentView(deps.store, deps.clock);
    return {
      manifest,
      scan: await scanStandingSet(
        streamCurrentView(deps.store, { decompress: deps.decompress }),
        config,
        sectorFormats,
      ),
    };
  }
}

/**
 * Writes `files`: all on this thread, or with a lane, the lane's share there while this thread
 * writes the rest. A lane that fails fails the refresh, once this thread's files are done too
 * (nothing is left half-written behind it).
 */
async function writeFiles(
  deps: ExportDependencies,
  files: readonly PlannedFile[],
  layout: SheetLayout,
  lane: ExportLane | undefined,
): Promise<FailedExport[]> {
  if (!lane) return writeStandingFiles(deps, files, layout);
  const share = laneShare(files);
  const [here, there] = await Promise.allSettled([
    writeStandingFiles(deps, share.here, layout),
    share.lane.length > 0 ? lane.write({ files: share.lane, layout }) : [],
  ]);
  if (there.status === 'rejected') throw there.reason;
  if (here.status === 'rejected') throw here.reason;
  return [...here.value, ...there.value];
}

/** A lane for this pass, sized by the view's manifest (none for a view that cannot be read). */
async function openLane(deps: ExportDependencies): Promise<ExportLane | undefined> {
  if (!deps.lane) return undefined;
  const manifest = await readManifest(deps.store).catch(() => null);
  return manifest ? deps.lane(manifest.rows) : undefined;
}

/**
 * The planned files to rewrite: those whose digest differs from the one recorded for the file in
 * place, and those not listed under their name (removed by hand, or a sector's spelling changed).
 */
function filesToWrite(
  planned: readonly PlannedFile[],
  recorded: Readonly<Record<string, string>>,
  listed: ReadonlySet<string>,
): PlannedFile[] {
  return planned.filter(({ name, digest }) => recorded[name] !== digest || !listed.has(name));
}

async function listSink(sink: ExportSink): Promise<string[]> {
  const listed: string[] = [];
  for await (const name of sink.list()) listed.push(name);
  return listed;
}

/**
 * One pass's scan and writes: digests the view's files, then rewrites those whose content changed
 * — after the record forgot their digests, so that a pass cut short leaves them to the next.
 */
async function scanAndWrite(
  deps: ExportDependencies,
  config: ColumnConfig,
  sectorFormats: readonly SectorFormat[],
  lane: ExportLane | undefined,
) {
  const { manifest, scan } = await scanView(deps, config, sectorFormats);
  const previous = await readExportsState(deps.sink);
  const recorded = previous?.files ?? {};
  const toWrite = filesToWrite(scan.files, recorded, new Set(await listSink(deps.sink)));
  if (previous && toWrite.length > 0) {
    // First, the record forgets the digests of the files about to change: a refresh cut short
    // leaves them without one, so the next refresh rewrites them whatever the view is then.
    const kept = { ...recorded };
    for (const { name } of toWrite) delete kept[name];
    await writeExportsState(deps.sink, {
      ...previous,
      files: kept,
      writing: toWrite.map((f) => f.name),
    });
  }
  const failed = toWrite.length > 0 ? await writeFiles(deps, toWrite, scan.layout, lane) : [];
  return { manifest, scan, toWrite, failed };
}

/** Passes of one refresh while the view keeps moving under it. */
const MAX_REFRESH_PASSES = 3;

/**
 * Rewrites the standing exports from the current view (SPEC §8): `Processed_Colors_Output.xlsx`
 * (all rows, and a "Parents" sheet) and, per sector,
 * `processed_colors/<SECTOR>/Processed_Colors_<SECTOR>.<csv|xlsx>` (the S3 layout) in the
 * configured formats. Reads only the current view, so its cost follows the view, not the history:
 * once to know what each file holds (a digest per file), and once more to write, in one pass,
 * only the files whose content changed since their recorded digest (a run touching one sector
 * rewrites that sector's files and the output workbook, which holds every sector). Rows stream
 * from the runs' partitions: memory does not grow with the view. Files of sectors (or formats) no
 * longer exported are removed, and the view version the files show is recorded last (see
 * `exportsLag`). One refresh at a time across processes (a lease).
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
  const config = options.config ?? (await readColumnConfig(deps.store));
  const sectorFormats = options.sectorFormats ?? DEFAULT_SECTOR_FORMATS;
  // One refresh at a time (the lease), but the view can move on while it writes (a run commits and
  // waits for this lease to refresh in turn): a refresh that finds it moved starts again, so the
  // files and their record end showing the newest view.
  for (let pass = 1; ; pass++) {
    // Opened before the scan, so that a worker starts while this thread reads the view.
    const lane = await openLane(deps);
    let passed: Awaited<ReturnType<typeof scanAndWrite>>;
    try {
      passed = await scanAndWrite(deps, config, sectorFormats, lane);
    } finally {
      await lane?.close();
    }
    const { manifest, scan, toWrite, failed } = passed;
    const files = scan.files.map((f) => f.name);
    // Listed again: on a case-insensitive file system a file written as `ABS` may be listed `Abs`.
    for (const stale of staleExports(await listSink(deps.sink), files))
      await deps.sink.remove(stale);
    const shown = manifest?.version ?? null;
    const result = {
      files,
      written: toWrite.map((f) => f.name).filter((name) => !failed.some((f) => f.name === name)),
      rows: scan.rows,
      ...(manifest ? { version: manifest.version } : {}),
      ...(failed.length > 0 ? { failed } : {}),
    };
    if (((await readManifest(deps.store))?.version ?? null) === shown) {
      const failedNames = new Set(failed.map((f) => f.name));
      // Last, once every file is in place: a refresh cut short leaves the exports lagging.
      await writeExportsState(deps.sink, {
        shownViewVersion: shown,
        sectorFormats: [...sectorFormats],
        writtenAt: deps.clock.now().toISOString(),
        ...(failed.length > 0 ? { failedFiles: [...failedNames] } : {}),
        files: Object.fromEntries(
          scan.files.filter((f) => !failedNames.has(f.name)).map((f) => [f.name, f.digest]),
        ),
      });
      return { ...result, upToDate: true };
    }
    // A view that keeps moving: leave the exports recorded as lagging (`exportsLag`); the refresh
    // after the next commit, or the next start, catches up.
    if (pass === MAX_REFRESH_PASSES) return { ...result, upToDate: false };
  }
}
