// Worker thread entry (see `refreshExports`): writes the standing files it is handed, one message
// per file, and answers each when it is in place. A failure ends the worker with that error, which
// the caller rethrows.
import { parentPort, workerData } from 'node:worker_threads';
import { type StandingFile, type StandingSetJob, standingFileWriter } from './standing-files.js';

const write = standingFileWriter(workerData as StandingSetJob);
parentPort?.on('message', async (file: StandingFile) => {
  await write(file);
  parentPort?.postMessage(null);
});
