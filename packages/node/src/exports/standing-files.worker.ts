// Worker thread entry (see `writeSectorFilesInWorker`): writes the per-sector files of one job and
// posts their names. A failure ends the worker with that error, which the caller rethrows.
import { parentPort, workerData } from 'node:worker_threads';
import { type SectorFilesJob, writeSectorFiles } from './sector-files.js';

parentPort?.postMessage(await writeSectorFiles(workerData as SectorFilesJob));
