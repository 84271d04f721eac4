import { describe, expect, it } from 'vitest';
import type { ReadScope } from '../accounts/read-scope.js';
import { UNRESTRICTED_READ_SCOPE } from '../accounts/read-scope.js';
import { type ExportSelection, exportSelection } from '../exports/export-selection.js';
import { initializeStore } from '../init/initialize-store.js';
import { createPipeline } from '../pipeline/pipeline.js';
import type { SpreadsheetCodec } from '../ports/spreadsheet-codec.js';
import { colorsToTable, generateColors } from '../sample/index.js';
import { searchCurrentView } from '../search/search-view.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemorySink } from '../testing/memory-sink.js';
import { createMemoryStore } from '../testing/memory-store.js';
import { tableSource } from '../testing/table-source.js';
import { setRunHidden } from '../views/current-view.js';
import { createDashboardReader } from './dashboard-reader.js';

const BUSINESS_TZ = 'America/New_York';
const encoder = new TextEncoder();
/** A codec writing what it is given (sheets, columns) as JSON: equal bytes, equal input. */
const codec: SpreadsheetCodec = {
  write: async function* (format, sheets, options) {
    yield encoder.encode(JSON.stringify({ format, sheets, columns: options?.columns }));
  },
};

async function world() {
  const store = createMemoryStore();
  await initializeStore(store, { rules: [] });
  const clock = createManualClock('2026-11-23T22:00:00Z');
  let n = 0;
  let seed = 0;
  const run = async (again = false, businessDate = '2026-11-23') => {
    if (!again) seed++;
    const t = colorsToTable(generateColors({ rows: 300, seed, businessDate }));
    const pipeline = createPipeline({
      store,
      clock,
      ids: { nextId: () => `id-${++n}` },
      timers: { setTimeout, clearTimeout },
      codec,
      sink: createMemorySink(),
      settings: { businessTimeZone: BUSINESS_TZ },
      source: tableSource(`seed-${seed}`, [t.header, ...t.rows]),
    });
    return (await pipeline.run({ trigger: 'cli', requestedBy: 'test' })).record;
  };
  return { store, clock, run };
}

const sectorScope = (sector: string, hidden: string[] = []): ReadScope => ({
  rows: {
    all: false,
    sectors: new Set([sector]),
    allows: (s) => typeof s === 'string' && s.trim().toUpperCase() === sector,
  },
  columns:
    hidden.length === 0
      ? UNRESTRICTED_READ_SCOPE.columns
      : { all: false, visible: new Set(), allows: (c) => !hidden.includes(c) },
});
const SCOPES = [
  UNRESTRICTED_READ_SCOPE,
  sectorScope('MM-CLO'),
  sectorScope('ABS', ['PX', 'TICKER']),
];

async function bytes(source: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

describe('the dashboard reader serves search and exports of a view', () => {
  it('searches as searchCurrentView reads the store, for any identifier kind and scope', async () => {
    const w = await world();
    await w.run();
    await w.run(true);
    await w.run();
    const reader = createDashboardReader({ ...w, businessTimeZone: BUSINESS_TZ });
    const sample = (await searchCurrentView(w.store, 'a', undefined, { kind: 'ticker' })).rows;
    expect(sample.length).toBeGreaterThan(0);
    const identifiers = [
      String(sample[0]?.CUSIP).toLowerCase(),
      String(sample[3]?.MESSAGE_ID),
      String(sample[5]?.TICKER).slice(0, 4),
      'no such thing',
    ];
    for (const identifier of identifiers)
      for (const scope of SCOPES)
        for (const expand of [true, false]) {
          const { dataVersion, ...indexed } = await reader.search(identifier, scope, { expand });
          expect(indexed).toStrictEqual(
            await searchCurrentView(w.store, identifier, scope, { expand }),
          );
          expect(dataVersion).toBeGreaterThan(0);
        }
    await expect(reader.search('  ')).rejects.toThrow(/give a CUSIP/);
    await expect(reader.search('XX', undefined, { kind: 'isin' })).rejects.toThrow(/not an ISIN/);
  });

  it('exports a run, a date and a range byte for byte as the store path, and refuses alike', async () => {
    const w = await world();
    const first = await w.run(false, '2026-11-20');
    const second = await w.run(false, '2026-11-23');
    await w.run(true, '2026-11-23');
    const hidden = await w.run(false, '2026-11-23');
    await setRunHidden(w, hidden.id, true);
    const reader = createDashboardReader({ ...w, businessTimeZone: BUSINESS_TZ, freshnessMs: 0 });
    const selections: ExportSelection[] = [
      { run: first.id },
      { run: second.id },
      { date: '2026-11-23' },
      { from: '2026-11-01', to: '2026-11-30' },
      { date: '2026-11-22' },
    ];
    for (const selection of selections)
      for (const scope of SCOPES)
        for (const format of ['csv', 'jsonl'] as const) {
          const streamed = await exportSelection({ store: w.store, codec }, selection, format, {
            scope,
          });
          const indexed = await exportSelection(
            { store: w.store, codec, resident: reader },
            selection,
            format,
            { scope },
          );
          expect(indexed.rows).toBe(streamed.rows);
          expect(await bytes(indexed.bytes)).toBe(await bytes(streamed.bytes));
        }
    // The index held them all: it answered (not the store).
    expect(await reader.rowsOfRuns([first.id, second.id])).not.toBeNull();
    for (const bad of [{ run: hidden.id }, { run: 99 }, { from: '2026-11-30', to: '2026-11-01' }])
      await expect(
        exportSelection({ store: w.store, codec, resident: reader }, bad, 'csv'),
      ).rejects.toThrow(/hidden|does not exist|from ≤ to/);
  });

  it('answers null for runs it does not hold (beyond maxRows, or not yet seen): the export streams', async () => {
    const w = await world();
    const first = await w.run();
    const second = await w.run(true);
    const reader = createDashboardReader({
      ...w,
      businessTimeZone: BUSINESS_TZ,
      maxRows: 10,
      freshnessMs: 60_000,
    });
    expect(await reader.rowsOfRuns([second.id])).not.toBeNull();
    expect(await reader.rowsOfRuns([first.id])).toBeNull();
    const third = await w.run();
    // Not seen yet (within the freshness window): null, and the export reads the store.
    expect(await reader.rowsOfRuns([third.id])).toBeNull();
    const streamed = await exportSelection({ store: w.store, codec }, { run: third.id }, 'csv');
    const fallback = await exportSelection(
      { store: w.store, codec, resident: reader },
      { run: third.id },
      'csv',
    );
    expect(await bytes(fallback.bytes)).toBe(await bytes(streamed.bytes));
    expect(fallback.rows).toBe(third.counts.output);
  });
});
