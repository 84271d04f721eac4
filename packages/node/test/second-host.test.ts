// A second host, proven: core's services end to end — source → run → exports → dry run → search
// → status — on the in-memory store, an in-memory source and an in-memory export sink, with
// nothing but core and the spreadsheet codec (no file store, no folder sink, no CLI).
import {
  createPipeline,
  DEFAULT_COLUMNS,
  defaultColumnConfig,
  dryRun,
  exportColumns,
  initializeStore,
  listRules,
  OUTPUT_WORKBOOK,
  readCurrentView,
  readSystemStatus,
  searchCurrentView,
  type Timers,
} from '@market-pulse/core';
import {
  colorsToTable,
  createManualClock,
  createMemorySink,
  createMemoryStore,
  generateColors,
  REALISTIC_RULES,
  tableSource,
} from '@market-pulse/core/testing';
import { spreadsheetCodec } from '@market-pulse/node/spreadsheets';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';

const timers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

it('runs source → run → exports → dry run → search → status on in-memory ports', async () => {
  const store = createMemoryStore();
  const sink = createMemorySink();
  const clock = createManualClock('2026-03-13T22:30:00Z');
  let n = 0;
  const ids = { nextId: () => `id-${++n}` };
  await initializeStore(store, { rules: REALISTIC_RULES });
  const { header, rows } = colorsToTable(generateColors({ rows: 2_000, seed: 5 }));
  const source = tableSource('colors-2026-03-13', [header, ...rows]);
  const settings = {
    businessTimeZone: 'America/New_York',
    sectorFormats: ['csv', 'xlsx'] as const,
  };
  const pipeline = createPipeline({
    store,
    clock,
    ids,
    timers,
    sink,
    codec: spreadsheetCodec,
    settings,
    source,
  });

  // The run, and its standing exports in the sink.
  const { record, exports, warnings } = await pipeline.run({
    requestedBy: 'cli:tester',
    trigger: 'cli',
  });
  expect(record.status).toBe('success');
  expect(warnings).toEqual([]);
  expect(record.counts.input).toBe(2_000);
  expect(record.counts.excluded).toBeGreaterThan(0);
  const { rows: view } = await readCurrentView(store);
  expect(view).toHaveLength(record.counts.output);
  const files = sink.files();
  expect([...files.keys()].sort()).toEqual([...exports, '.market-pulse-exports.json'].sort());
  const sectors = [...new Set(view.map((r) => r.SECTOR))];
  expect(exports).toContain(OUTPUT_WORKBOOK);
  expect(exports.filter((f) => f.endsWith('.csv'))).toHaveLength(sectors.length);
  expect(exports.filter((f) => f.endsWith('.xlsx'))).toHaveLength(sectors.length + 1);

  // Each sector's CSV holds exactly that sector's rows of the view, in view order.
  for (const sector of sectors) {
    const csv = files.get(`processed_colors/${sector}/Processed_Colors_${sector}.csv`);
    const table = parse(Buffer.from(csv as Uint8Array), { columns: true }) as Record<
      string,
      string
    >[];
    expect(table.map((r) => r.ROW_ID)).toEqual(
      view.filter((r) => r.SECTOR === sector).map((r) => r.ROW_ID),
    );
  }
  // The output workbook: every row on "Colors", the parents on "Parents", export column order.
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(files.get(OUTPUT_WORKBOOK) as unknown as ArrayBuffer);
  const colors = workbook.getWorksheet('Colors') as ExcelJS.Worksheet;
  expect(colors.rowCount - 1).toBe(view.length);
  expect((workbook.getWorksheet('Parents') as ExcelJS.Worksheet).rowCount - 1).toBe(
    record.counts.parents,
  );
  expect((colors.getRow(1).values as unknown[]).slice(1)).toEqual(
    exportColumns(defaultColumnConfig),
  );

  // The dry run shares the run's processing: the same counts and the same rows, unstamped ids.
  const dry = await dryRun({
    source,
    rules: await listRules(store),
    businessDate: record.businessDate,
    processedAt: clock.now().toISOString(),
  });
  expect(dry.counts).toEqual(record.counts);
  expect(dry.rows[0]?.ROW_ID).toBe('preview-1');
  const withoutRun = (r: Record<string, unknown>) =>
    Object.fromEntries(
      DEFAULT_COLUMNS.map((c) => [c.name, r[c.name] ?? null]).concat([
        ['IS_PARENT', r.IS_PARENT],
        ['CHILDREN_COUNT', r.CHILDREN_COUNT],
      ]),
    );
  expect(dry.rows.map(withoutRun)).toEqual(view.map(withoutRun));

  // Search finds a CUSIP's whole group; status tells the truth about runs and exports.
  const child = view.find((r) => !r.IS_PARENT) as (typeof view)[number];
  const found = await searchCurrentView(store, child.CUSIP.toLowerCase());
  expect(found.cusips).toEqual([child.CUSIP]);
  expect(found.rows.map((r) => r.ROW_ID)).toEqual(
    view.filter((r) => r.CUSIP === child.CUSIP).map((r) => r.ROW_ID),
  );
  expect(found.rows.filter((r) => r.IS_PARENT)).toHaveLength(1);
  const status = await readSystemStatus({
    store,
    clock,
    sink,
    sectorFormats: settings.sectorFormats,
    leaseTtlMs: 60_000,
    checkedBy: 'test',
  });
  expect(status.lastRuns).toMatchObject([{ id: 1, state: 'committed' }]);
  expect(status.exports).toMatchObject({ lagging: false, viewVersion: 1, exportsVersion: 1 });
  expect(status.pipeline).toBe('free');
  expect(status.pendingUploads).toBe(0);
});
