/**
 * Ten runs of the same 10,000-row source on one data folder: each run's duration, including its
 * commit, current-view refresh and standing exports. Issue 3: the tenth costs about the same as
 * the first — nothing grows with history. Prints one JSON object per run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initializeStore, refreshExports, runAutomation } from '@market-pulse/core';
import { generateColors, REALISTIC_RULES } from '@market-pulse/core/sample';
import {
  createFileStore,
  createFolderSink,
  randomIds,
  spreadsheetCodec,
  systemClock,
  systemTimers,
} from '@market-pulse/node';

const dir = await mkdtemp(join(tmpdir(), 'mp-ten-'));
try {
  const store = createFileStore({ dir: join(dir, 'store') });
  await initializeStore(store, { rules: REALISTIC_RULES });
  const exportsDir = join(dir, 'exports');
  const exportDeps = {
    store,
    clock: systemClock,
    ids: randomIds,
    timers: systemTimers,
    sink: createFolderSink(exportsDir),
    codec: spreadsheetCodec,
  };
  let n = 0;
  const source = generateColors({ rows: 10_000, seed: 1, businessDate: '2026-03-13' });
  for (let i = 1; i <= 10; i++) {
    // The same 10,000-row source every run (the same securities, as a desk's day after day): the
    // current view stays one run's size while the history grows by a run each time.
    const records = source;
    (globalThis as { gc?: () => void }).gc?.();
    const start = performance.now();
    const record = await runAutomation(
      { store, clock: systemClock, ids: { nextId: () => `ten-${++n}` } },
      {
        trigger: 'cli',
        businessDate: '2026-03-13',
        inputs: [{ origin: 'source', processingType: 'AUTOMATED', records }],
      },
    );
    const runMs = performance.now() - start;
    const exported = await refreshExports(exportDeps);
    console.log(
      JSON.stringify({
        name: 'run of 10,000 rows',
        run: i,
        runMs: Math.round(runMs),
        withExportsMs: Math.round(performance.now() - start),
        viewRows: exported.rows,
        output: record.counts.output,
      }),
    );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
