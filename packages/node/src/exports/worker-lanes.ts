import type { ExportLane, StandingFile, StandingSetJob } from '@market-pulse/core';
import { startTaskWorker } from '../worker-thread.js';

/** The built worker sits next to the bundle (`dist/`), its source next to this module. */
const STANDING_FILES_WORKER = new URL('./standing-files.worker.js', import.meta.url);

/** What the worker is handed: the job, and the folder it writes into. */
export interface WorkerLaneData {
  job: StandingSetJob;
  dir: string;
}

/**
 * A second lane for the standing exports of big views: a worker thread that writes files into the
 * exports folder `dir` while this thread writes others (exceljs is CPU-bound; on two cores the
 * halves overlap). Views under `minRows` (default 20,000) get none: starting a worker (loading
 * exceljs again, ~1 s of CPU) costs more than it saves; `Infinity` never starts one.
 */
export function workerLanes(dir: string, minRows = 20_000): (job: StandingSetJob) => ExportLane[] {
  return (job) => {
    if (job.rows.length < minRows) return [];
    const data: WorkerLaneData = { job, dir };
    const worker = startTaskWorker<StandingFile, null>(STANDING_FILES_WORKER, data);
    return [{ write: async (file) => void (await worker.run(file)), close: () => worker.close() }];
  };
}
