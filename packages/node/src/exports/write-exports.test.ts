import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ColorRecord,
  defaultColumnConfig,
  exportColumns,
  readCurrentView,
  runAutomation,
  setRunHidden,
} from '@market-pulse/core';
import { createManualClock, generateColors } from '@market-pulse/core/testing';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileStore } from '../file-store.js';
import { readColorFile } from '../spreadsheets/read-color-file.js';
import { exportSelection, OUTPUT_WORKBOOK, refreshExports } from './write-exports.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mp-exports-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

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
    const result = await refreshExports(store, exportsDir);
    expect(result.rows).toBe(300 + 60);
    const sectors = [...new Set([...day1, ...rmbsOnly].map((r) => r.SECTOR))];
    expect(result.files.sort()).toEqual(
      [
        OUTPUT_WORKBOOK,
        ...sectors.flatMap((s) => [`Processed_Colors_${s}.csv`, `Processed_Colors_${s}.xlsx`]),
      ].sort(),
    );

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
    const sectorFile = await readColorFile(join(exportsDir, 'Processed_Colors_RMBS-ONLY.csv'));
    expect(sectorFile.records).toHaveLength(60);
    expect(new Set(sectorFile.records.map((r) => r.SECTOR))).toEqual(new Set(['RMBS-ONLY']));

    // Hiding the run removes its sector from the standing exports.
    await setRunHidden(deps, second.id, true);
    await refreshExports(store, exportsDir);
    expect((await readdir(exportsDir)).filter((f) => f.includes('RMBS-ONLY'))).toEqual([]);

    // Other views: a run, a business date, a range; a hidden run is refused; bad dates are refused.
    expect(
      (await exportSelection(store, { run: 1 }, join(dir, 'run1.csv'), { lastRunId: 2 })).rows,
    ).toBe(300);
    expect(
      (
        await exportSelection(store, { date: '2026-03-12' }, join(dir, 'day.xlsx'), {
          lastRunId: 2,
        })
      ).rows,
    ).toBe(300);
    expect(
      (
        await exportSelection(
          store,
          { from: '2026-03-01', to: '2026-03-31' },
          join(dir, 'range.csv'),
          { lastRunId: 2 },
        )
      ).rows,
    ).toBe(300);
    await expect(
      exportSelection(store, { run: second.id }, join(dir, 'x.csv'), { lastRunId: 2 }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(
      exportSelection(store, { from: '2026-03-31', to: '2026-03-01' }, join(dir, 'x.csv'), {
        lastRunId: 2,
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
  }, 20_000);
});

describe('per-sector files on a worker thread', () => {
  async function committedStore(name: string) {
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
          records: generateColors({ rows: 400, seed: 41 }),
        },
      ],
    });
    return store;
  }
  const sheetValues = async (path: string) => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    return wb.worksheets.map((ws) =>
      ws.getSheetValues().map((row) => (Array.isArray(row) ? row.slice(1) : row)),
    );
  };

  it('writes the same files as on the calling thread', async () => {
    const store = await committedStore('same-store');
    const here = await refreshExports(store, join(dir, 'here'), { workerMinRows: Infinity });
    const there = await refreshExports(store, join(dir, 'there'), { workerMinRows: 0 });
    expect(there.files).toEqual(here.files);
    expect(here.files.length).toBeGreaterThan(3);
    for (const file of here.files) {
      if (file.endsWith('.csv'))
        expect(await readFile(join(dir, 'there', file), 'utf8')).toBe(
          await readFile(join(dir, 'here', file), 'utf8'),
        );
      else
        expect(await sheetValues(join(dir, 'there', file))).toEqual(
          await sheetValues(join(dir, 'here', file)),
        );
    }
  }, 20_000);

  it("fails refreshExports with the worker's error, after both threads stopped writing", async () => {
    const store = await committedStore('failing-store');
    const exportsDir = join(dir, 'failing');
    const { rows } = await readCurrentView(store);
    const sizes = new Map<string, number>();
    for (const row of rows) sizes.set(String(row.SECTOR), (sizes.get(String(row.SECTOR)) ?? 0) + 1);
    const [biggest] = [...sizes].sort((a, b) => b[1] - a[1])[0] ?? [];
    // A folder where the biggest sector's xlsx goes (the second biggest file: the worker's first,
    // while this thread writes the output workbook): the worker's rename into place fails.
    await mkdir(join(exportsDir, `Processed_Colors_${biggest}.xlsx`), { recursive: true });
    await expect(refreshExports(store, exportsDir, { workerMinRows: 0 })).rejects.toMatchObject({
      code: 'EISDIR',
    });
    const left = await readdir(exportsDir);
    expect(left.filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(left).toContain(OUTPUT_WORKBOOK);
  }, 20_000);
});
