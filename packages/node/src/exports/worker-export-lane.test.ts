// The export lane on a worker thread: the worker opens the store and the exports folder itself and
// writes the per-sector files while this thread writes the output workbook.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import {
  exportsLag,
  type OpenExportLane,
  OUTPUT_WORKBOOK,
  refreshExports,
  runAutomation,
  type SectorFormat,
} from '@market-pulse/core';
import { createManualClock, generateColors } from '@market-pulse/core/testing';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileStore } from '../file-store.js';
import { randomIds } from '../node-host.js';
import { createProcessProbe } from '../process-probe.js';
import { spreadsheetCodec } from '../spreadsheets/spreadsheet-codec.js';
import { systemClock } from '../system-clock.js';
import { systemTimers } from '../system-timers.js';
import { createFolderSink } from './folder-sink.js';
import { workerExportLane } from './worker-export-lane.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mp-lane-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A file store under `dir/<name>/store` with one committed run of `rows` generated colors. */
async function dataFolder(name: string, rows: number) {
  const storeDir = join(dir, name, 'store');
  const store = createFileStore({ dir: storeDir, durable: false });
  let n = 0;
  await runAutomation(
    { store, clock: createManualClock('2026-03-13T22:30:00Z'), ids: { nextId: () => `id-${++n}` } },
    {
      trigger: 'cli',
      businessDate: '2026-03-13',
      inputs: [
        {
          origin: 'source',
          processingType: 'AUTOMATED',
          records: generateColors({ rows, seed: 5 }),
        },
      ],
    },
  );
  return { store, storeDir };
}

function refresh(
  store: ReturnType<typeof createFileStore>,
  exportsDir: string,
  sectorFormats: readonly SectorFormat[],
  lane?: OpenExportLane,
) {
  return refreshExports(
    {
      store,
      clock: systemClock,
      ids: randomIds,
      timers: systemTimers,
      probe: createProcessProbe(),
      sink: createFolderSink(exportsDir),
      codec: spreadsheetCodec,
      ...(lane ? { lane } : {}),
    },
    { sectorFormats },
  );
}

/** A workbook's sheets and their cells (its zip carries the writer's timestamps). */
async function cells(path: string) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path);
  return workbook.worksheets.map((sheet) => [sheet.name, sheet.getSheetValues()]);
}

/** Every file under `root`, as `/`-separated relative paths. */
async function filesIn(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

describe('the export lane on a worker thread', () => {
  it('writes the same files as one thread (CSV bytes; workbook sheets and cells)', async () => {
    const { store, storeDir } = await dataFolder('same', 600);
    const formats = ['xlsx', 'csv'] as const;
    const alone = join(dir, 'same', 'alone');
    const shared = join(dir, 'same', 'shared');
    await refresh(store, alone, formats);
    const opened: number[] = [];
    const lane = workerExportLane({ storeDir, exportsDir: shared, minRows: 0 });
    const result = await refresh(store, shared, formats, (rows) => {
      opened.push(rows);
      return lane(rows);
    });
    expect(opened).toEqual([result.rows]);
    expect(result.written?.length).toBeGreaterThan(3);
    const names = (await filesIn(alone)).filter((f) => f !== '.market-pulse-exports.json');
    expect((await filesIn(shared)).filter((f) => f !== '.market-pulse-exports.json')).toEqual(
      names,
    );
    for (const name of names)
      if (name.endsWith('.csv'))
        expect(await readFile(join(shared, name)), name).toEqual(await readFile(join(alone, name)));
      else expect(await cells(join(shared, name)), name).toEqual(await cells(join(alone, name)));
  }, 60_000);

  it('starts no worker for a view under its size', () => {
    const lane = workerExportLane({ storeDir: dir, exportsDir: dir, minRows: 1_000 });
    expect(lane(999)).toBeUndefined();
  });

  it('that dies fails the refresh after the output workbook is written, leaving no temp file and the exports lagging', async () => {
    const { store, storeDir } = await dataFolder('dies', 600);
    const exportsDir = join(dir, 'dies', 'exports');
    const marker = join(dir, 'dies', 'temp-file-was-written');
    // Writes its marker next to the exports folder once its temp file has data.
    const dying = workerExportLane({
      storeDir,
      exportsDir,
      minRows: 0,
      script: new URL('../../test/workers/dying-lane.worker.js', import.meta.url),
    });
    await expect(refresh(store, exportsDir, ['csv'], dying)).rejects.toMatchObject({
      code: 'ERR_TEST_LANE',
    });
    expect(existsSync(marker)).toBe(true);
    const left = await filesIn(exportsDir);
    expect(left.filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(left).toContain(OUTPUT_WORKBOOK);
    expect(await exportsLag(store, createFolderSink(exportsDir), ['csv'])).toMatchObject({
      lagging: true,
      reason: 'no-record',
    });
    // The next refresh (a working lane) writes every file and the exports are up to date.
    const next = await refresh(
      store,
      exportsDir,
      ['csv'],
      workerExportLane({ storeDir, exportsDir, minRows: 0 }),
    );
    expect(next.upToDate).toBe(true);
    expect(await exportsLag(store, createFolderSink(exportsDir), ['csv'])).toMatchObject({
      lagging: false,
    });
  }, 60_000);
});
