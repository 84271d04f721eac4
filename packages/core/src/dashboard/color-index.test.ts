import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReadScope } from '../accounts/read-scope.js';
import { UNRESTRICTED_READ_SCOPE } from '../accounts/read-scope.js';
import type { StoredRow } from '../run/run-protocol.js';
import { ColorIndex } from './color-index.js';
import type { ColorQuery } from './color-query.js';
import { concatTables, createDictionaries, encodeRows } from './color-table.js';
import type { ColorView } from './dashboard.js';
import { queryScopedColors } from './scoped-colors.js';

const DATES = ['2026-03-10', '2026-03-11', '2026-03-12'];
const SECTORS = ['MM-CLO', 'BSL-CLO', 'ABS'];
const businessDateOf = (run: number) => (run <= 2 ? '2026-03-11' : '2026-03-12');

/** Rows of a few runs: per (run, CUSIP) one parent first and its children, as runs store them. */
const rowsArb = fc
  .array(
    fc.record({
      run: fc.integer({ min: 1, max: 4 }),
      cusip: fc.constantFrom('AAA111111', 'BBB222222', 'CCC333333', 'DDD444444', 'EEE555555'),
      sector: fc.constantFrom(...SECTORS, 'abs '),
      source: fc.constantFrom('JPM', 'Citi', 'DZ Bank', null),
      date: fc.option(fc.constantFrom(...DATES), { nil: null }),
      px: fc.option(fc.integer({ min: 50, max: 110 }), { nil: null }),
      children: fc.integer({ min: 0, max: 3 }),
      extra: fc.boolean(),
    }),
    { maxLength: 30 },
  )
  .map((groups) => {
    const seen = new Set<string>();
    const byRun = new Map<number, StoredRow[]>();
    for (const g of groups) {
      const key = `${g.run}-${g.cusip}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const rows = byRun.get(g.run) ?? [];
      byRun.set(g.run, rows);
      for (let i = 0; i <= g.children; i++)
        rows.push({
          CUSIP: g.cusip,
          RUN_ID: g.run,
          IS_PARENT: i === 0,
          SECTOR: g.sector,
          DATE: i % 2 === 0 ? g.date : DATES[(i + g.run) % 3],
          PX: i === 0 ? g.px : (g.px ?? 60) + i,
          SOURCE: g.source,
          PROCESSED_AT: `2026-03-1${g.run}T22:30:00.000Z`,
          ROW_ID: `${g.run}-${rows.length + 1}`,
          // A pass-through column some rows have: shapes differ.
          ...(g.extra ? { DESK_NOTE: `note ${i}` } : {}),
        });
    }
    return [...byRun.entries()].sort(([a], [b]) => b - a);
  });

/** The index of runs (newest first) and the rows of each view, as the store path reads them. */
function fixture(runs: [number, StoredRow[]][]) {
  const dicts = createDictionaries();
  const tables = runs.map(([, rows]) => encodeRows(dicts, rows));
  const table = concatTables(tables.map((t) => ({ table: t, from: 0, to: t.length })));
  const owner = new Map<string, number>();
  for (const [run, rows] of runs)
    for (const r of rows) if (!owner.has(r.CUSIP)) owner.set(r.CUSIP, run);
  let start = 0;
  const indexed = runs.map(([run, rows]) => {
    const entry = { run, businessDate: businessDateOf(run), start, count: rows.length };
    start += rows.length;
    return entry;
  });
  const index = new ColorIndex({ dicts, table, runs: indexed, currentOwner: owner });
  const all = runs.flatMap(([, rows]) => rows);
  const rowsOf = (view: ColorView): StoredRow[] =>
    view.view === 'current'
      ? all.filter((r) => owner.get(r.CUSIP) === r.RUN_ID)
      : view.view === 'history'
        ? all
        : view.view === 'run'
          ? all.filter((r) => r.RUN_ID === view.run)
          : all.filter((r) => businessDateOf(r.RUN_ID) === view.date);
  return { index, rowsOf };
}

/** A scope of some sectors and without some columns, as the CLO mappings will build them. */
function scopeOf(sectors: string[] | '*', hidden: string[]): ReadScope {
  const upper = new Set(sectors === '*' ? [] : sectors.map((s) => s.toUpperCase()));
  return {
    rows:
      sectors === '*'
        ? UNRESTRICTED_READ_SCOPE.rows
        : {
            all: false,
            sectors: upper,
            allows: (s) => typeof s === 'string' && upper.has(s.trim().toUpperCase()),
          },
    columns:
      hidden.length === 0
        ? UNRESTRICTED_READ_SCOPE.columns
        : {
            all: false,
            visible: new Set(),
            allows: (c) => !hidden.includes(c),
          },
  };
}

const viewArb = fc.oneof(
  fc.constant<ColorView>({ view: 'current' }),
  fc.constant<ColorView>({ view: 'history' }),
  fc.integer({ min: 1, max: 4 }).map((run): ColorView => ({ view: 'run', run })),
  fc
    .constantFrom(...['2026-03-11', '2026-03-12'])
    .map((date): ColorView => ({ view: 'date', date })),
);

const queryArb: fc.Arbitrary<ColorQuery> = fc
  .record(
    {
      filters: fc.record(
        {
          SECTOR: fc.subarray(['mm-clo', 'ABS', 'BSL-CLO', 'nothing'], { minLength: 1 }),
          CUSIP: fc.subarray(['aaa111111', 'CCC333333 ', 'EEE555555'], { minLength: 1 }),
          SOURCE: fc.subarray(['jpm', 'DZ BANK', ''], { minLength: 1 }),
          RUN_ID: fc.subarray(['1', '3', '4'], { minLength: 1 }),
        },
        { requiredKeys: [] },
      ),
      dateFrom: fc.constantFrom(...DATES),
      dateTo: fc.constantFrom('2026-03-11', '2026-03-12'),
      sort: fc.constantFrom('PX', 'SOURCE', 'DATE', 'CUSIP', 'DESK_NOTE', 'NOT_A_COLUMN'),
      order: fc.constantFrom('asc' as const, 'desc' as const),
      skip: fc.integer({ min: 0, max: 12 }),
      limit: fc.integer({ min: 1, max: 40 }),
      hierarchy: fc.boolean(),
    },
    { requiredKeys: ['skip', 'limit', 'hierarchy'] },
  )
  .filter((q) => !(q.dateFrom && q.dateTo && q.dateFrom > q.dateTo));

const scopeArb = fc.oneof(
  fc.constant(UNRESTRICTED_READ_SCOPE),
  fc
    .tuple(fc.subarray(SECTORS), fc.subarray(['PX', 'SOURCE', 'DESK_NOTE']))
    .map(([sectors, hidden]) => scopeOf(sectors, hidden)),
);

/** The refusal (its message) or the answer. */
const outcome = (answer: () => unknown) => {
  try {
    return answer();
  } catch (err) {
    return { refused: (err as Error).message };
  }
};

describe('ColorIndex', () => {
  it('answers every query as queryScopedColors over the view’s rows (naive filter, sort, page)', () => {
    fc.assert(
      fc.property(rowsArb, viewArb, queryArb, scopeArb, (runs, view, query, scope) => {
        const { index, rowsOf } = fixture(runs);
        const expected = outcome(() => queryScopedColors(rowsOf(view), query, scope));
        expect(outcome(() => index.query(view, query, scope))).toStrictEqual(expected);
        // Asked again (the answer is cached): the same.
        expect(outcome(() => index.query(view, query, scope))).toStrictEqual(expected);
      }),
      { numRuns: 400 },
    );
  });

  it('rebuilds rows exactly as stored: same keys in the same order, same values', () => {
    fc.assert(
      fc.property(rowsArb, (runs) => {
        const { index, rowsOf } = fixture(runs);
        const page = index.query(
          { view: 'history' },
          { skip: 0, limit: 1000, hierarchy: false, sort: 'ROW_ID_NONE' },
          UNRESTRICTED_READ_SCOPE,
        );
        const rows = rowsOf({ view: 'history' });
        expect(page.items.map((r) => JSON.stringify(r))).toEqual(
          rows.map((r) => JSON.stringify(r)),
        );
      }),
    );
  });

  it('two scopes never see each other’s sectors or hidden columns; no entitlement sees nothing', () => {
    fc.assert(
      fc.property(rowsArb, fc.boolean(), (runs, hierarchy) => {
        const { index } = fixture(runs);
        const query = { skip: 0, limit: 1000, hierarchy };
        const mm = index.query({ view: 'history' }, query, scopeOf(['MM-CLO'], ['PX']));
        const abs = index.query({ view: 'history' }, query, scopeOf(['ABS'], ['SOURCE']));
        const rowsOf = (page: typeof mm) =>
          page.items.flatMap((r) => [r, ...((r as { children?: StoredRow[] }).children ?? [])]);
        for (const r of rowsOf(mm)) {
          expect(r.SECTOR).toBe('MM-CLO');
          expect(r).not.toHaveProperty('PX');
        }
        for (const r of rowsOf(abs)) {
          expect(String(r.SECTOR).trim().toUpperCase()).toBe('ABS');
          expect(r).not.toHaveProperty('SOURCE');
        }
        expect(index.query({ view: 'history' }, query, scopeOf([], [])).total).toBe(0);
        expect(index.currentOutput(scopeOf([], []))).toEqual({
          rows: 0,
          parents: 0,
          cusips: 0,
          sectors: [],
        });
        for (const sector of index.currentOutput(scopeOf(['MM-CLO'], [])).sectors)
          expect(sector).toBe('MM-CLO');
      }),
    );
  });

  it('refuses a filter or sort on a column the reader cannot see', () => {
    const { index } = fixture([[1, []]]);
    expect(() =>
      index.query(
        { view: 'current' },
        { sort: 'PX', skip: 0, limit: 5, hierarchy: false },
        scopeOf('*', ['PX']),
      ),
    ).toThrow(/PX is not visible/);
  });
});
