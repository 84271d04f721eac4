// An export lane worker that dies mid-file: it starts writing the first file it is handed through
// the real folder sink, and once bytes are in its temp file (recorded in `marker`) throws an
// uncaught error — the way a crashing worker leaves a temp file behind. The marker goes next to
// the exports folder (`temp-file-was-written`), so a test knows a temp file existed.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { ExportLaneJob } from '@market-pulse/core';
import { createFolderSink } from '../../src/exports/folder-sink.js';

const { exportsDir } = workerData as { exportsDir: string };
const marker = join(exportsDir, '..', 'temp-file-was-written');
const sink = createFolderSink(exportsDir);
const chunk = new Uint8Array(1024 * 1024);

parentPort?.on('message', (job: ExportLaneJob) => {
  const [first] = job.files;
  if (!first) throw new Error('no file handed to the lane');
  void sink.write(
    first.name,
    (async function* () {
      // The file stream takes a chunk only once the previous one is on disk: by the third, the
      // temp file exists with data in it.
      for (let i = 0; ; i++) {
        if (i === 3) {
          writeFileSync(marker, first.name);
          // Uncaught, outside the write: the worker ends before the sink can remove its temp file.
          setImmediate(() => {
            throw Object.assign(new Error('lane worker died (test)'), { code: 'ERR_TEST_LANE' });
          });
          await new Promise(() => undefined);
        }
        yield chunk;
      }
    })(),
  );
});
