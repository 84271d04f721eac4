import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import {
  type ColorRecord,
  exportsLag as coreExportsLag,
  refreshExports as coreRefreshExports,
  defaultColumnConfig,
  type ExportSelection,
  exportColumns,
  type ObjectStore,
  OUTPUT_WORKBOOK,
  type RefreshExportsOptions,
  readCurrentView,
  readManifest,
  runAutomation,
  type SectorFormat,
  setRunHidden,
  type Timers,
} from '@market-pulse/core';
import { createLeases } from '@market-pulse/core/store';
import { createManualClock, generateColors } from '@market-pulse/core/testing';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileStore } from '../file-store.js';
import { randomIds } from '../node-host.js';
import { createProcessProbe } from '../process-probe.js';
import { readColorFile } from '../spreadsheets/file-color-source.js';
import { spreadsheetCodec } from '../spreadsheets/spreadsheet-codec.js';
import { systemClock } from '../system-clock.js';
import { systemTimers } from '../system-timers.js';
import { exportSelectionToFile } from './export-to-file.js';
import { createFolderSink } from './folder-sink.js';

/**
 * Core's refresh over this package's adapters (file store, folder sink, exceljs codec). `pause` stands in for the waits between attempts at the exports lease.
 */
function refreshExports(
  store: ObjectStore,
  exportsDir: string,
  options: RefreshExportsOptions & { pause?: () => Promise<void> } = {},
) {
  const { pause, ...refresh } = options;
  // Short waits are the lease's retries (handed to `pause`); long ones its renewals (never due here).
  const timers: Timers = pause
    ? {
        setTimeout: (callback, ms) => {
          if (ms < 1_000) void pause().then(callback);
          return ms;
        },
        clearTimeout: () => undefined,
      }
    : systemTimers;
  return coreRefreshExports(
    {
      store,
      clock: systemClock,
      ids: randomIds,
      timers,
      probe: createProcessProbe(),
      sink: createFolderSink(exportsDir),
      codec: spreadsheetCodec,
    },
    refresh,
  );
}

const exportsLag = (store: ObjectStore, exportsDir: string, formats: readonly SectorFormat[]) =>
  coreExportsLag(store, createFolderSink(exportsDir), formats);

const exportSelection = (store: ObjectStore, selection: ExportSelection, path: string) =>
  exportSelectionToFile(store, selection, path);

/** Export files under `root` (not the refresh record), as `/`-separated relative paths. */
async function filesIn(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name !== '.market-pulse-exports.json')
    .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join('/'));
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mp-exports-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A file store (in `dir`) with one committed run: `rows` generated colors of `seed`. */
async function storeWithOneRun(name: string, rows: number, seed: number) {
  const store = createFileStore({ dir: join(dir, name), durable: false });
  let n = 0;
  const deps = {
    store,
    clock: createManualClock('2026-03-13T22:30:00Z'),
    ids: { nextId: () => `id-${++n}` },
  };
  await runAutomation(deps, {
    trigger: 'cli',
    businessDate: '2026-03-13',
    inputs: [
      {
        origin: 'source',
        processingType: 'AUTOMATED',
        records: generateColors({ rows, seed }),
      },
    ],
  });
  return { store, deps };
}

describe('exports', () => {
  it('writes the output workbook (with a parents sheet) and per-sector files from the current view', async () => {
    const store = createFileStore({ dir: join(dir, 'store'), durable: false });
    const clock = createManualClock('2026-03-13T22:30:00Z');
    let n = 0;
    const deps = { store, clock, ids: { nextId: () => `id-${++n}` } };
    const day1 = generateColors({ rows: 300, seed: 31 });
    day1[0] = { ...day1[0], MESSAGE_ID: '17734228894978519' } as ColorRecord;
    const rmbsOnly = generateColors({ rows: 60, seed: 32 }).map((r) => ({
      ...r,
      SECTOR: 'RMBS-ONLY',
    }));
    await runAutomation(deps, {
      trigger: 'cli',
      businessDate: '2026-03-12',
      inputs: [{ origin: 'source', processingType: 'AUTOMATED', records: day1 }],
    });
    const second = await runAutomation(deps, {
      trigger: 'cli',
      businessDate: '2026-03-13',
      inputs: [{ origin: 'source', processingType: 'AUTOMATED', records: rmbsOnly }],
    });
    const exportsDir = join(dir, 'exports');
    // A per-sector file of the flat layout used before `processed_colors/`.
    await mkdir(exportsDir, { recursive: true });
    await writeFile(join(exportsDir, 'Processed_Colors_MM-CLO.csv'), 'old');
    const result = await refreshExports(store, exportsDir);
    expect(result.rows).toBe(300 + 60);
    const sectors = [...new Set([...day1, ...rmbsOnly].map((r) => r.SECTOR))].sort();
    const inFolder = (s: string, ext: string) =>
      `processed_colors/${s}/Processed_Colors_${s}.${ext}`;
    // By default, per-sector files are CSV, in the S3 layout.
    expect(result.files).toEqual([OUTPUT_WORKBOOK, ...sectors.map((s) => inFolder(s, 'csv'))]);
    expect((await filesIn(exportsDir)).sort()).toEqual([...result.files].sort());

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(exportsDir, OUTPUT_WORKBOOK));
    const colors = wb.getWorksheet('Colors') as ExcelJS.Worksheet;
    const parents = wb.getWorksheet('Parents') as ExcelJS.Worksheet;
    const header = (colors.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 27)).toEqual(exportColumns(defaultColumnConfig).slice(0, 27));
    const isParent = header.indexOf('IS_PARENT') + 1;
    expect(parents.rowCount - 1).toBeGreaterThan(0);
    for (let r = 2; r <= parents.rowCount; r++)
      expect(parents.getRow(r).getCell(isParent).value).toBe(true);

    const read = await readColorFile(join(exportsDir, OUTPUT_WORKBOOK));
    expect(read.errors).toEqual([]);
    expect(read.records.map((r) => r.MESSAGE_ID)).toContain('17734228894978519');
    const sectorFile = await readColorFile(join(exportsDir, inFolder('RMBS-ONLY', 'csv')));
    expect(sectorFile.records).toHaveLength(60);
    expect(new Set(sectorFile.records.map((r) => r.SECTOR))).toEqual(new Set(['RMBS-ONLY']));

    // Both formats, then xlsx alone: the CSVs go.
    const both = await refreshExports(store, exportsDir, { sectorFormats: ['xlsx', 'csv'] });
    expect(both.files).toEqual([
      OUTPUT_WORKBOOK,
      ...sectors.flatMap((s) => [inFolder(s, 'xlsx'), inFolder(s, 'csv')]),
    ]);
    const xlsxSector = await readColorFile(join(exportsDir, inFolder('RMBS-ONLY', 'xlsx')));
    expect(xlsxSector.records).toEqual(sectorFile.records);
    const xlsxOnly = await refreshExports(store, exportsDir, { sectorFormats: ['xlsx'] });
    expect((await filesIn(exportsDir)).sort()).toEqual([...xlsxOnly.files].sort());

    // Hiding the run removes its sector (and its folder) from the standing exports. Until they are
    // refreshed, they lag the data.
    expect(await exportsLag(store, exportsDir, ['xlsx'])).toMatchObject({ lagging: false });
    expect(await exportsLag(store, exportsDir, ['csv'])).toMatchObject({ lagging: true });
    await setRunHidden(deps, second.id, true);
    const hidden = await exportsLag(store, exportsDir, ['xlsx']);
    expect(hidden).toMatchObject({ lagging: true });
    expect(hidden.viewVersion).toBeGreaterThan(hidden.exportsVersion as number);
    await refreshExports(store, exportsDir);
    expect(await exportsLag(store, exportsDir, ['csv'])).toEqual({
      lagging: false,
      viewVersion: hidden.viewVersion,
      exportsVersion: hidden.viewVersion,
    });
    expect((await filesIn(exportsDir)).filter((f) => f.includes('RMBS-ONLY'))).toEqual([]);
    expect(await readdir(join(exportsDir, 'processed_colors'))).not.toContain('RMBS-ONLY');

    // No record of a refresh (never written, or one cut short before its end): lagging.
    await rm(join(exportsDir, '.market-pulse-exports.json'));
    expect(await exportsLag(store, exportsDir, ['csv'])).toMatchObject({
      lagging: true,
      exportsVersion: null,
    });

    // Other views: a run, a business date, a range; a hidden run is refused; bad dates are refused.
    expect((await exportSelection(store, { run: 1 }, join(dir, 'run1.csv'))).rows).toBe(300);
    expect((await exportSelection(store, { date: '2026-03-12' }, join(dir, 'day.xlsx'))).rows).toBe(
      300,
    );
    expect(
      (
        await exportSelection(
          store,
          { from: '2026-03-01', to: '2026-03-31' },
          join(dir, 'range.csv'),
        )
      ).rows,
    ).toBe(300);
    // A date that does not exist, and a format we do not write, are refused (nothing written).
    await expect(
      exportSelection(store, { date: '2026-02-30' }, join(dir, 'feb.csv')),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(exportSelection(store, { run: 1 }, join(dir, 'run1.json'))).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      message: /\.xlsx or \.csv/,
    });
    await expect(readdir(dir)).resolves.not.toContain('feb.csv');
    await expect(
      exportSelection(store, { run: second.id }, join(dir, 'x.csv')),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(
      exportSelection(store, { from: '2026-03-31', to: '2026-03-01' }, join(dir, 'x.csv')),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
  }, 20_000);
});

describe('a file that cannot be written', () => {
  const committedStore = async (name: string) => (await storeWithOneRun(name, 400, 41)).store;
  it('is reported and every other file is written from the same read of the view', async () => {
    const store = await committedStore('failing-store');
    const exportsDir = join(dir, 'failing');
    const { rows } = await readCurrentView(store);
    const sizes = new Map<string, number>();
    for (const row of rows) sizes.set(String(row.SECTOR), (sizes.get(String(row.SECTOR)) ?? 0) + 1);
    const [biggest] = [...sizes].sort((a, b) => b[1] - a[1])[0] ?? [];
    // A folder where the biggest sector's xlsx goes: its rename into place fails.
    const blocked = `processed_colors/${biggest}/Processed_Colors_${biggest}.xlsx`;
    await mkdir(join(exportsDir, blocked), { recursive: true });
    const result = await refreshExports(store, exportsDir, { sectorFormats: ['xlsx', 'csv'] });
    // That one file is reported; every other file is written (its rows stop queueing).
    expect(result.failed).toEqual([
      { name: blocked, reason: expect.stringMatching(/EISDIR|directory/i) },
    ]);
    const left = await filesIn(exportsDir);
    expect(left.filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(left.sort()).toEqual(result.files.filter((f) => f !== blocked).sort());
    expect(await exportsLag(store, exportsDir, ['xlsx', 'csv'])).toMatchObject({
      lagging: true,
      reason: 'files-failed',
      failedFiles: [blocked],
    });
  }, 20_000);
});

describe('a failure of the output workbook', () => {
  it('reports that file, writes the others and leaves no temp file', async () => {
    const { store } = await storeWithOneRun('main-fails-store', 400, 81);
    const exportsDir = join(dir, 'main-fails');
    // The output workbook cannot be renamed into place.
    await mkdir(join(exportsDir, OUTPUT_WORKBOOK), { recursive: true });
    const result = await refreshExports(store, exportsDir, { sectorFormats: ['xlsx', 'csv'] });
    expect(result.failed?.map((f) => f.name)).toEqual([OUTPUT_WORKBOOK]);
    const left = await filesIn(exportsDir);
    expect(left.filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(left.sort()).toEqual(result.files.filter((f) => f !== OUTPUT_WORKBOOK).sort());
    expect(await exportsLag(store, exportsDir, ['xlsx', 'csv'])).toMatchObject({
      lagging: true,
      reason: 'files-failed',
    });
    // Once the obstacle is gone, the next refresh writes it and the exports are up to date.
    await rm(join(exportsDir, OUTPUT_WORKBOOK), { recursive: true });
    const again = await refreshExports(store, exportsDir, { sectorFormats: ['xlsx', 'csv'] });
    expect(again.failed).toBeUndefined();
    expect(await exportsLag(store, exportsDir, ['xlsx', 'csv'])).toMatchObject({ lagging: false });
  }, 20_000);
});

describe('inputs one export file cannot represent', () => {
  it('fail that file alone: a sector too long for a file name, 17,000 columns for xlsx', async () => {
    const store = createFileStore({ dir: join(dir, 'unrepresentable-store'), durable: false });
    let n = 0;
    const deps = {
      store,
      clock: createManualClock('2026-03-13T22:30:00Z'),
      ids: { nextId: () => `id-${++n}` },
    };
    const long = 'L'.repeat(300);
    const wide = Object.fromEntries(Array.from({ length: 17_000 }, (_, i) => [`C${i}`, i]));
    const records = generateColors({ rows: 30, seed: 91 }).map((r, i) =>
      i < 10 ? { ...r, SECTOR: long } : i < 12 ? { ...r, ...wide } : r,
    );
    await runAutomation(deps, {
      trigger: 'cli',
      businessDate: '2026-03-13',
      inputs: [{ origin: 'source', processingType: 'AUTOMATED', records }],
    });
    const exportsDir = join(dir, 'unrepresentable');
    const result = await refreshExports(store, exportsDir, { sectorFormats: ['xlsx', 'csv'] });
    const failed = new Map(result.failed?.map((f) => [f.name, f.reason]));
    // The long sector's files cannot be named; no workbook can hold 17,027 columns.
    expect([...failed.keys()].filter((f) => f.includes('LLLL'))).toHaveLength(2);
    for (const name of result.files.filter((f) => f.endsWith('.xlsx')))
      expect(failed.get(name)).toBeDefined();
    // Every CSV of an ordinary sector is written, with the wide rows' extra columns.
    const written = await filesIn(exportsDir);
    const csvs = result.files.filter((f) => f.endsWith('.csv') && !f.includes('LLLL'));
    expect(csvs.length).toBeGreaterThan(0);
    for (const csv of csvs) expect(written).toContain(csv);
    expect(await exportsLag(store, exportsDir, ['xlsx', 'csv'])).toMatchObject({
      lagging: true,
      reason: 'files-failed',
    });
  }, 60_000);
});

describe('a refresh while the view moves on', () => {
  async function twoRuns(name: string) {
    const inner = createFileStore({ dir: join(dir, name), durable: false });
    let n = 0;
    const deps = {
      store: inner,
      clock: createManualClock('2026-03-13T22:30:00Z'),
      ids: { nextId: () => `id-${++n}` },
    };
    for (const [seed, sector] of [
      [51, undefined],
      [52, 'LATE-SECTOR'],
    ] as const) {
      const records = generateColors({ rows: 80, seed }).map((r) =>
        sector ? { ...r, SECTOR: sector } : r,
      );
      await runAutomation(deps, {
        trigger: 'cli',
        businessDate: '2026-03-13',
        inputs: [{ origin: 'source', processingType: 'AUTOMATED', records }],
      });
    }
    return { inner, deps };
  }

  /** The store, except that reading the view manifest runs `beforeRead(n)` first (n = 1, 2, …). */
  function onManifestRead(inner: ObjectStore, beforeRead: (n: number) => Promise<void>) {
    let reads = 0;
    return new Proxy(inner, {
      get(target, property, receiver) {
        if (property !== 'get') return Reflect.get(target, property, receiver);
        return async (key: string) => {
          if (key === 'views/current.json') await beforeRead(++reads);
          return target.get(key);
        };
      },
    });
  }

  it('starts again, so that the files and their record show the newest view', async () => {
    const { inner, deps } = await twoRuns('moving-store');
    // The second manifest read is the check after the first pass wrote its files: hide run 2 there.
    const store = onManifestRead(inner, async (n) => {
      if (n === 2) await setRunHidden(deps, 2, true);
    });
    const exportsDir = join(dir, 'moving');
    const result = await refreshExports(store, exportsDir);
    const newest = await readManifest(inner);
    expect(result.version).toBe(newest?.version);
    expect(result.files.some((f) => f.includes('LATE-SECTOR'))).toBe(false);
    expect((await filesIn(exportsDir)).some((f) => f.includes('LATE-SECTOR'))).toBe(false);
    expect(await exportsLag(inner, exportsDir, ['csv'])).toMatchObject({ lagging: false });
  }, 20_000);

  it('gives up after three passes of a view that keeps moving, recorded as lagging', async () => {
    const { inner, deps } = await twoRuns('restless-store');
    let hidden = false;
    const store = onManifestRead(inner, async (n) => {
      if (n % 2 === 0) {
        hidden = !hidden;
        await setRunHidden(deps, 2, hidden);
      }
    });
    const exportsDir = join(dir, 'restless');
    await refreshExports(store, exportsDir);
    expect(await exportsLag(inner, exportsDir, ['csv'])).toMatchObject({
      lagging: true,
      exportsVersion: null,
    });
  }, 20_000);
});

describe('per-sector file names', () => {
  it('group sectors case-insensitively, keep unsafe ones inside processed_colors/, and clean up after a case change', async () => {
    const store = createFileStore({ dir: join(dir, 'names-store'), durable: false });
    let n = 0;
    const deps = {
      store,
      clock: createManualClock('2026-03-13T22:30:00Z'),
      ids: { nextId: () => `id-${++n}` },
    };
    const sectors = ['Mm-Clo', 'MM-CLO', '..', 'CON', 'Abs'];
    const records = generateColors({ rows: 100, seed: 61 }).map((r, i) => ({
      ...r,
      SECTOR: sectors[i % sectors.length] as string,
    }));
    await runAutomation(deps, {
      trigger: 'cli',
      businessDate: '2026-03-13',
      inputs: [{ origin: 'source', processingType: 'AUTOMATED', records }],
    });
    const exportsDir = join(dir, 'names');
    // A dead writer's temp file in a sector folder, from an earlier refresh.
    await mkdir(join(exportsDir, 'processed_colors', 'MM-CLO'), { recursive: true });
    const deadTemp = 'processed_colors/MM-CLO/Processed_Colors_MM-CLO.csv.tmp-999999999-abcd';
    await writeFile(join(exportsDir, deadTemp), 'half');

    const first = await refreshExports(store, exportsDir);
    const sectorFiles = first.files.filter((f) => f !== OUTPUT_WORKBOOK);
    expect(sectorFiles).toHaveLength(4); // Mm-Clo and MM-CLO are one sector
    expect(sectorFiles).toContain('processed_colors/MM-CLO/Processed_Colors_MM-CLO.csv');
    expect(sectorFiles).toContain('processed_colors/Abs/Processed_Colors_Abs.csv');
    for (const file of sectorFiles) expect(file).toMatch(/^processed_colors\/[^./][^/]*\/[^/]+$/);
    const mmClo = await readColorFile(
      join(exportsDir, 'processed_colors/MM-CLO/Processed_Colors_MM-CLO.csv'),
    );
    expect(mmClo.records).toHaveLength(40);
    expect((await filesIn(exportsDir)).sort()).toEqual([...first.files].sort());

    // The desk now spells it ABS: one folder, named the new way, and nothing of Abs left.
    await runAutomation(deps, {
      trigger: 'cli',
      businessDate: '2026-03-14',
      inputs: [
        {
          origin: 'source',
          processingType: 'AUTOMATED',
          records: records.map((r) => (r.SECTOR === 'Abs' ? { ...r, SECTOR: 'ABS' } : r)),
        },
      ],
    });
    const second = await refreshExports(store, exportsDir);
    expect(second.files).toContain('processed_colors/ABS/Processed_Colors_ABS.csv');
    expect((await filesIn(exportsDir)).sort()).toEqual([...second.files].sort());
    const folders = await readdir(join(exportsDir, 'processed_colors'));
    expect(folders.filter((f) => f.toLowerCase() === 'abs')).toHaveLength(1);

    // An empty view: no sector files, no processed_colors/ folder.
    await setRunHidden(deps, 1, true);
    await setRunHidden(deps, 2, true);
    const empty = await refreshExports(store, exportsDir);
    expect(empty.files).toEqual([OUTPUT_WORKBOOK]);
    expect(await readdir(exportsDir)).not.toContain('processed_colors');
  }, 20_000);
});

describe('one refresh at a time', () => {
  async function storeWithRun(name: string) {
    const { store } = await storeWithOneRun(name, 50, 71);
    // Another process (on another host, alive as far as we can tell) is refreshing.
    const other = createLeases({
      store,
      clock: createManualClock('2026-03-13T22:31:00Z'),
      ttlMs: 60_000,
    });
    const attempt = await other.tryAcquire('locks/exports.json', {
      id: 'other-refresh',
      host: 'elsewhere',
      pid: 4242,
    });
    if (!attempt.acquired) throw new Error('test setup: the exports lease is taken');
    return { store, otherLease: attempt.lease };
  }

  it('waits for another process to finish, then writes', async () => {
    const { store, otherLease } = await storeWithRun('waiting-store');
    const exportsDir = join(dir, 'waiting');
    const pauses: string[][] = [];
    const result = await refreshExports(store, exportsDir, {
      pause: async () => {
        // Nothing is written while the other refresh holds the exports.
        pauses.push(await readdir(exportsDir).catch(() => []));
        if (pauses.length === 2) await otherLease.release();
      },
    });
    expect(pauses).toEqual([[], []]);
    expect(await filesIn(exportsDir)).toEqual(expect.arrayContaining(result.files));
    expect(await exportsLag(store, exportsDir, ['csv'])).toMatchObject({ lagging: false });
  }, 20_000);

  it('gives up after the longest wait, busy, having written nothing', async () => {
    const { store } = await storeWithRun('busy-store');
    const exportsDir = join(dir, 'busy');
    await expect(
      refreshExports(store, exportsDir, { lease: { maxWaitMs: 0 }, pause: async () => undefined }),
    ).rejects.toMatchObject({ code: 'CONFLICT', details: { reason: 'exports-busy' } });
    await expect(readdir(exportsDir)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
