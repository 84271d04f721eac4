import { readdir, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ExportLaneJob, FailedExport, OpenExportLane } from '@market-pulse/core';
import { startTaskWorker } from '../worker-thread.js';

/** The built worker sits next to the bundle (`dist/`), its source next to this module. */
const STANDING_FILES_WORKER = new URL('./standing-files.worker.js', import.meta.url);

/** What the worker is handed: where to open the store and the exports folder — never rows. */
export interface ExportLaneData {
  /** The file store's folder (`<data>/store`): the worker reads the view from it. */
  storeDir: string;
  /** The exports folder (`<data>/exports`) the worker writes its files into. */
  exportsDir: string;
}

/** Where a worker lane reads and writes, and from what view size it is used. */
export interface WorkerExportLaneOptions extends ExportLaneData {
  /**
   * Views of fewer rows get no lane (default 20,000): starting a worker (~0.3 s of CPU) costs
   * more than it saves; `Infinity` never starts one.
   */
  minRows?: number;
  /** The worker's script (tests start failing ones); default the standing-files worker. */
  script?: URL;
}

/** Views from this size share their standing exports with a worker thread. */
export const DEFAULT_LANE_MIN_ROWS = 20_000;

/**
 * Core's export lane on a worker thread (the second core): the worker opens the file store and
 * the exports folder itself and writes the files it is handed from its own read of the view, while
 * the refresh writes the output workbook — the view is read twice at once, never held in memory.
 * A worker that dies fails the refresh (core waits for its own files first) and its temp files
 * are removed.
 *
 * @example
 * ```ts
 * const lane = workerExportLane({ storeDir: 'data/store', exportsDir: 'data/exports' });
 * await refreshExports({ store, sink, codec: spreadsheetCodec, clock, ids, timers, lane });
 * ```
 */
export function workerExportLane(options: WorkerExportLaneOptions): OpenExportLane {
  const { storeDir, exportsDir } = options;
  const minRows = options.minRows ?? DEFAULT_LANE_MIN_ROWS;
  return (rows) => {
    if (rows < minRows) return undefined;
    const data: ExportLaneData = { storeDir, exportsDir };
    const worker = startTaskWorker<ExportLaneJob, FailedExport[]>(
      options.script ?? STANDING_FILES_WORKER,
      data,
    );
    return {
      async write(job) {
        try {
          return await worker.run(job);
        } catch (err) {
          // A worker that died mid-file could not remove its temp file: it is gone now, do it here.
          await worker.close();
          await removeTempFiles(
            exportsDir,
            job.files.map((f) => f.name),
          );
          throw err;
        }
      },
      close: () => worker.close(),
    };
  };
}

/** Removes this process's temp files of `names` in `dir` (`writeFileAtomically`'s `<file>.tmp-<pid>-<hex>`). */
async function removeTempFiles(dir: string, names: readonly string[]): Promise<void> {
  for (const name of names) {
    const path = join(dir, ...name.split('/'));
    const prefix = `${basename(path)}.tmp-${process.pid}-`;
    const siblings = await readdir(dirname(path)).catch(() => [] as string[]);
    for (const sibling of siblings)
      if (sibling.startsWith(prefix))
        await unlink(join(dirname(path), sibling)).catch(() => undefined);
  }
}
