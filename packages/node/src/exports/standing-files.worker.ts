// Worker thread entry (see `workerLanes`): writes the standing files it is handed, one message per
// file, and answers each when it is in place. A failure ends the worker with that error, which the
// caller rethrows.
import { parentPort, workerData } from 'node:worker_threads';
import { type StandingFile, standingFileWriter } from '@market-pulse/core';
import { spreadsheetCodec } from '../spreadsheets/spreadsheet-codec.js';
import { createFolderSink } from './folder-sink.js';
import type { WorkerLaneData } from './worker-lanes.js';

const { job, dir } = workerData as WorkerLaneData;
const write = standingFileWriter(job, spreadsheetCodec, createFolderSink(dir));

parentPort?.on('message', async (file: StandingFile) => {
  await write(file);
  parentPort?.postMessage(null);
});
