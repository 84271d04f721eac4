// A second writer of standing files (issue 15 item 6): spreadsheet writing is CPU-bound, so a host
// with a second core (Node: a worker thread) writes part of the files while the refresh writes the
// rest. The lane reads the view itself, from the store: it is never handed rows, so the view is
// never held twice in memory (issue 15 item 4).
import type { SheetLayout } from '../ports/spreadsheet-codec.js';
import type { PlannedFile } from './standing-set.js';
import type { FailedExport } from './write-standing-files.js';

/** The files a lane is handed and their layout: plain data, so it can cross to a worker thread. */
export interface ExportLaneJob {
  files: PlannedFile[];
  layout: SheetLayout;
}

/**
 * Another writer of standing files working alongside a refresh (e.g. a worker thread on a second
 * core) over its own store and sink opened on the same storage (`writeStandingFiles`).
 */
export interface ExportLane {
  /**
   * Writes `job.files` from its own read of the current view; resolves with the files it could not
   * write (the others are written). Rejects when the lane itself fails (e.g. its worker dies): the
   * refresh then fails once its own files are done.
   */
  write(job: ExportLaneJob): Promise<FailedExport[]>;
  /** Ends the lane (e.g. terminates its worker); called once, whatever happened. */
  close(): Promise<void>;
}

/**
 * Opens a lane for a refresh of a view of `rows` rows, or returns none (a small view is written
 * faster on one thread than a worker starts). Called before the view is scanned, so a worker
 * starts while the refresh reads.
 */
export type OpenExportLane = (rows: number) => ExportLane | undefined;

/**
 * Which planned files a lane writes: the per-sector files, while the refresh's own thread writes
 * the output workbook (the biggest file: every row, plus its "Parents" sheet from a second read).
 * Measured at 100k rows (CPU): the workbook ~2.9 s, every per-sector CSV ~1.5 s with its own read.
 */
export function laneShare(files: readonly PlannedFile[]): {
  here: PlannedFile[];
  lane: PlannedFile[];
} {
  return {
    here: files.filter((f) => f.file.kind === 'output'),
    lane: files.filter((f) => f.file.kind !== 'output'),
  };
}
