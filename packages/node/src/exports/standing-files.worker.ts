// Worker thread entry of the export lane (see `workerExportLane`): opens the file store and the
// exports folder it is told, and writes the standing files of each job from its own read of the
// view, answering with the files it could not write. Anything else ends the worker with its error,
// which fails the refresh.
import { parentPort, workerData } from 'node:worker_threads';
import { type ExportLaneJob, writeStandingFiles } from '@market-pulse/core';
import { createFileStore } from '../file-store.js';
import { nativeDecompress } from '../native-compress.js';
import { spreadsheetCodec } from '../spreadsheets/spreadsheet-codec.js';
import { createFolderSink } from './folder-sink.js';
import type { ExportLaneData } from './worker-export-lane.js';

const { storeDir, exportsDir } = workerData as ExportLaneData;
const deps = {
  store: createFileStore({ dir: storeDir }),
  sink: createFolderSink(exportsDir),
  codec: spreadsheetCodec,
  decompress: nativeDecompress,
};

parentPort?.on('message', async (job: ExportLaneJob) => {
  parentPort?.postMessage(await writeStandingFiles(deps, job.files, job.layout));
});
