import { describe, expect, it } from 'vitest';
import type { ReadScope } from '../accounts/read-scope.js';
import { UNRESTRICTED_READ_SCOPE } from '../accounts/read-scope.js';
import { initializeStore } from '../init/initialize-store.js';
import { createPipeline } from '../pipeline/pipeline.js';
import type { SpreadsheetCodec } from '../ports/spreadsheet-codec.js';
import { colorsToTable, generateColors } from '../sample/index.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemorySink } from '../testing/memory-sink.js';
import { createMemoryStore } from '../testing/memory-store.js';
import { tableSource } from '../testing/table-source.js';
import { setRunHidden } from '../views/current-view.js';
import type { ColorQuery } from './color-query.js';
import { type ColorView, readDashboardColors, readDashboardStats } from './dashboard.js';
import { createDashboardReader } from './dashboard-reader.js';

const codec: SpreadsheetCodec = { write: async function* () {} };
const BUSINESS_TZ = 'America/New_York';

async function world() {
  const store = createMemoryStore();
  await initializeStore(store, { rules: [] });
  const clock = createManualClock('2026-11-23T22:00:00Z');
  let n = 0;
  let seed = 0;
  /** A run of a new sample (new CUSIPs), or of the same sample again (`again`: the same CUSIPs). */
  const run = async (again = false) => {
    if (!again) seed++;
    const t = colorsToTable(generateColors({ rows: 300, seed, businessDate: '2026-11-23' }));
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
    return (await pipeline.run({ requestedBy: 'cli:tester', trigger: 'cli' })).record;
  };
  return { store, clock, run };
}

const QUERIES: ColorQuery[] = [
  { skip: 0, limit: 50, hierarchy: true },
  { skip: 40, limit: 25, hierarchy: false, sort: 'PX', order: 'asc' },
  { skip: 0, limit: 50, hierarchy: false, filters: { SECTOR: ['mm-clo'] } },
  {
    skip: 0,
    limit: 10,
    hierarchy: true,
    filters: { BIAS: ['BID', 'OFFER'] },
    dateFrom: '2026-11-20',
  },
];

const sectorScope = (sector: string): ReadScope => ({
  rows: {
    all: false,
    sectors: new Set([sector]),
    allows: (s) => typeof s === 'string' && s.trim().toUpperCase() === sector,
  },
  columns: UNRESTRICTED_READ_SCOPE.columns,
});

describe('createDashboardReader', () => {
  it('answers every view as the store read path does, and the same figures', async () => {
    const w = await world();
    await w.run();
    const second = await w.run();
    const reader = createDashboardReader({ ...w, businessTimeZone: BUSINESS_TZ });
    const views: ColorView[] = [
      { view: 'current' },
      { view: 'history' },
      { view: 'run', run: second.id - 1 },
      { view: 'date', date: second.businessDate },
    ];
    for (const view of views)
      for (const query of QUERIES)
        expect(await reader.colors(view, query)).toStrictEqual(
          await readDashboardColors(w.store, view, query),
        );
    expect(await reader.stats()).toStrictEqual(
      await readDashboardStats({ ...w, businessTimeZone: BUSINESS_TZ }),
    );
  });

  it('shows a new run once the freshness window has passed, reading only that run', async () => {
    const w = await world();
    await w.run();
    const reader = createDashboardReader({
      ...w,
      businessTimeZone: BUSINESS_TZ,
      freshnessMs: 1000,
    });
    const before = await reader.colors({ view: 'history' }, QUERIES[0] as ColorQuery);
    const third = await w.run();
    w.clock.advance(999);
    expect(await reader.colors({ view: 'history' }, QUERIES[0] as ColorQuery)).toStrictEqual(
      before,
    );
    w.clock.advance(1);
    const after = await reader.colors({ view: 'run', run: third.id }, QUERIES[0] as ColorQuery);
    expect(after.dataVersion).toBeGreaterThan(before.dataVersion);
    expect(after.total).toBe(third.counts.parents);
    expect(reader.figures()).toMatchObject({ runs: 2, lastBuildRunsRead: 1 });
  });

  it('drops a hidden run at the next version', async () => {
    const w = await world();
    const first = await w.run();
    const second = await w.run();
    const reader = createDashboardReader({ ...w, businessTimeZone: BUSINESS_TZ, freshnessMs: 0 });
    expect((await reader.colors({ view: 'history' }, QUERIES[1] as ColorQuery)).total).toBe(
      first.counts.output + second.counts.output,
    );
    await setRunHidden(w, second.id, true);
    for (const view of [{ view: 'history' }, { view: 'current' }] as ColorView[])
      expect(await reader.colors(view, QUERIES[0] as ColorQuery)).toStrictEqual(
        await readDashboardColors(w.store, view, QUERIES[0] as ColorQuery),
      );
    await expect(
      reader.colors({ view: 'run', run: second.id }, QUERIES[0] as ColorQuery),
    ).rejects.toThrow(/hidden/);
  });

  it('beyond its row budget holds the current view and reads older runs from the store', async () => {
    const w = await world();
    const first = await w.run();
    // The same CUSIPs again: the current view needs only the second run.
    await w.run(true);
    const reader = createDashboardReader({ ...w, businessTimeZone: BUSINESS_TZ, maxRows: 10 });
    for (const view of [
      { view: 'history' },
      { view: 'run', run: first.id },
      { view: 'current' },
    ] as ColorView[])
      expect(await reader.colors(view, QUERIES[0] as ColorQuery)).toStrictEqual(
        await readDashboardColors(w.store, view, QUERIES[0] as ColorQuery),
      );
    expect(reader.figures()).toMatchObject({ runs: 1, runsNotHeld: 1 });
  });

  it("counts a scoped reader's rows only, and lists only their sectors", async () => {
    const w = await world();
    await w.run();
    await w.run();
    const reader = createDashboardReader({ ...w, businessTimeZone: BUSINESS_TZ, maxRows: 10 });
    const scope = sectorScope('MM-CLO');
    const history = await readDashboardColors(
      w.store,
      { view: 'history' },
      {
        skip: 0,
        limit: 1e6,
        hierarchy: false,
      },
    );
    const current = await readDashboardColors(
      w.store,
      { view: 'current' },
      {
        skip: 0,
        limit: 1e6,
        hierarchy: false,
      },
    );
    const mine = (rows: typeof history.items) => rows.filter((r) => r.SECTOR === 'MM-CLO');
    const stats = await reader.stats(scope);
    expect(stats.today.rows).toBe(mine(history.items).length);
    expect(stats.output.rows).toBe(mine(current.items).length);
    expect(stats.sectors).toEqual(['MM-CLO']);
    const none = await reader.stats(sectorScope('NOT-MINE'));
    expect(none.today.rows).toBe(0);
    expect(none.sectors).toEqual([]);
    expect(none.output).toEqual({ rows: 0, parents: 0, cusips: 0 });
  });
});
