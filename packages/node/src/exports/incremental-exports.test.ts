// Issue 15 item 3: a refresh rewrites only the standing files whose content changed, and the files
// it leaves are what a full rewrite would write.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ColorRecord,
  EXPORTS_STATE_FILE,
  type ExportSink,
  exportsLag,
  type ObjectStore,
  OUTPUT_WORKBOOK,
  refreshExports,
  runAutomation,
  type SectorFormat,
  setRunHidden,
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

const FORMATS: readonly SectorFormat[] = ['csv', 'xlsx'];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mp-incremental-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A folder sink that records the names written, and can fail the nth write of the record. */
function countingSink(folder: string, options: { failRecordWrite?: number } = {}) {
  const inner = createFolderSink(folder);
  const written: string[] = [];
  let recordWrites = 0;
  const sink: ExportSink = {
    ...inner,
    async write(name, bytes) {
      if (name === EXPORTS_STATE_FILE && ++recordWrites === options.failRecordWrite)
        throw new Error('killed before the record');
      await inner.write(name, bytes);
      written.push(name);
    },
  };
  return { sink, written: () => written.filter((n) => n !== EXPORTS_STATE_FILE).sort() };
}

const refresh = (store: ObjectStore, sink: ExportSink) =>
  refreshExports(
    {
      store,
      clock: systemClock,
      ids: randomIds,
      timers: systemTimers,
      probe: createProcessProbe(),
      sink,
      codec: spreadsheetCodec,
    },
    { sectorFormats: FORMATS },
  );

async function sheetValues(path: string) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  return wb.worksheets.map((ws) => ({
    name: ws.name,
    rows: ws.getSheetValues().map((row) => (Array.isArray(row) ? row.slice(1) : row)),
  }));
}

/**
 * Every file of `files` in `folder` is what a full rewrite of the current view into a fresh
 * folder writes: CSV byte for byte, xlsx cell for cell (the workbook's creation time differs).
 */
async function expectSameAsFullRewrite(store: ObjectStore, folder: string, files: string[]) {
  const fresh = join(dir, `full-${Math.random().toString(36).slice(2)}`);
  const full = await refresh(store, createFolderSink(fresh));
  expect(files).toEqual(full.files);
  for (const file of full.files) {
    if (file.endsWith('.csv'))
      expect(await readFile(join(folder, file))).toEqual(await readFile(join(fresh, file)));
    else
      expect(await sheetValues(join(folder, file))).toEqual(await sheetValues(join(fresh, file)));
  }
}

/** A store with a day of colors over several sectors, and a small run of one sector's CUSIPs. */
async function storeWithDay(name: string) {
  const store = createFileStore({ dir: join(dir, name), durable: false });
  const clock = createManualClock('2026-03-13T22:30:00Z');
  let n = 0;
  const deps = { store, clock, ids: { nextId: () => `id-${++n}` } };
  const day = generateColors({ rows: 400, seed: 7 });
  const run = (records: ColorRecord[]) =>
    runAutomation(deps, {
      trigger: 'cli',
      businessDate: '2026-03-13',
      inputs: [{ origin: 'source', processingType: 'AUTOMATED', records }],
    });
  await run(day);
  const sector = String(day[0]?.SECTOR);
  // Colors of 10 securities new to the view, all of that sector: only its files (and the workbook)
  // change. (A security of the day can have rows in several sectors: new colors of it would
  // change each of them.)
  const known = new Set(day.map((r) => r.CUSIP));
  const small = generateColors({ rows: 40, seed: 8 })
    .filter((r) => !known.has(r.CUSIP))
    .slice(0, 10)
    .map((r) => ({ ...r, SECTOR: sector }) as ColorRecord);
  const sectorFiles = FORMATS.map(
    (f) => `processed_colors/${sector}/Processed_Colors_${sector}.${f}`,
  );
  return { store, clock, runSmall: () => run(small), sectorFiles };
}

describe('a refresh after a run touching one sector', () => {
  it("rewrites that sector's files and the output workbook only, as a full rewrite would write them", async () => {
    const { store, runSmall, sectorFiles } = await storeWithDay('one-sector');
    const folder = join(dir, 'one-sector-exports');
    const first = countingSink(folder);
    const all = await refresh(store, first.sink);
    expect(all.files.length).toBeGreaterThan(5);
    expect(first.written()).toEqual([...all.files].sort());

    // Nothing changed: nothing is written.
    const idle = countingSink(folder);
    expect((await refresh(store, idle.sink)).written).toEqual([]);
    expect(idle.written()).toEqual([]);

    const small = await runSmall();
    const after = countingSink(folder);
    const result = await refresh(store, after.sink);
    expect(after.written()).toEqual([OUTPUT_WORKBOOK, ...sectorFiles].sort());
    expect([...(result.written ?? [])].sort()).toEqual(after.written());
    await expectSameAsFullRewrite(store, folder, result.files);

    // Hidden: its rows leave the view and the older run's come back, in the same files only.
    await setRunHidden({ store, clock: systemClock }, small.id, true);
    const hidden = countingSink(folder);
    const afterHide = await refresh(store, hidden.sink);
    expect(hidden.written()).toEqual([OUTPUT_WORKBOOK, ...sectorFiles].sort());
    await expectSameAsFullRewrite(store, folder, afterHide.files);
    expect(await exportsLag(store, createFolderSink(folder), FORMATS)).toMatchObject({
      lagging: false,
    });
  }, 60_000);

  it('cut short before its record, leaves the next refresh to rewrite those files whatever the view is then', async () => {
    const { store, runSmall, sectorFiles } = await storeWithDay('cut-short');
    const folder = join(dir, 'cut-short-exports');
    await refresh(store, createFolderSink(folder));
    const small = await runSmall();
    // The files are rewritten, then the process dies before the record says what they show.
    const killed = countingSink(folder, { failRecordWrite: 2 });
    await expect(refresh(store, killed.sink)).rejects.toThrow('killed before the record');
    expect(killed.written()).toEqual([OUTPUT_WORKBOOK, ...sectorFiles].sort());
    expect(await exportsLag(store, createFolderSink(folder), FORMATS)).toMatchObject({
      lagging: true,
      reason: 'no-record',
    });
    // The view goes back to what the old record's digests describe: the files rewritten under the
    // cut-short refresh still hold the hidden run's rows, and the record knows it.
    await setRunHidden({ store, clock: systemClock }, small.id, true);
    const next = countingSink(folder);
    const result = await refresh(store, next.sink);
    expect(next.written()).toEqual([OUTPUT_WORKBOOK, ...sectorFiles].sort());
    await expectSameAsFullRewrite(store, folder, result.files);
    expect(await exportsLag(store, createFolderSink(folder), FORMATS)).toMatchObject({
      lagging: false,
    });
  }, 60_000);

  it('rewrites a file removed by hand, and only that one', async () => {
    const { store } = await storeWithDay('removed');
    const folder = join(dir, 'removed-exports');
    const all = await refresh(store, createFolderSink(folder));
    const gone = all.files[all.files.length - 1] as string;
    await createFolderSink(folder).remove(gone);
    const next = countingSink(folder);
    await refresh(store, next.sink);
    expect(next.written()).toEqual([gone]);
  }, 60_000);
});
