import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReadScope } from '../accounts/read-scope.js';
import { UNRESTRICTED_READ_SCOPE } from '../accounts/read-scope.js';
import { scopeRows } from '../accounts/scope-rows.js';
import { isinOfCusip } from '../cusip.js';
import type { StoredRow } from '../run/run-protocol.js';
import type { SearchKind } from '../search/search-match.js';
import { searchMatcher } from '../search/search-match.js';
import { searchRows } from '../search/search-view.js';
import { ColorIndex } from './color-index.js';
import { concatTables, createDictionaries, encodeRows } from './color-table.js';
import { rowsOfRunsFromIndex, searchIndex } from './view-engine.js';

const CUSIPS = ['037833100', '594918104', '38259P508', 'AAA111111', 'BBB222222'];
const TICKERS = ['AAPL 2030', 'MSFT 4.5 31', 'GOOG', 'aapl x', null];
const SECTORS = ['MM-CLO', 'BSL-CLO', 'ABS'];
const businessDateOf = (run: number) => (run <= 2 ? '2026-03-11' : '2026-03-12');

/** Rows of a few runs: per (run, CUSIP) one parent first and its children, as runs store them. */
const runsArb = fc
  .array(
    fc.record({
      run: fc.integer({ min: 1, max: 4 }),
      cusip: fc.constantFrom(...CUSIPS),
      sector: fc.constantFrom(...SECTORS, 'abs ', null),
      ticker: fc.constantFrom(...TICKERS),
      children: fc.integer({ min: 0, max: 3 }),
      extra: fc.boolean(),
    }),
    { maxLength: 30 },
  )
  .map((groups) => {
    const seen = new Set<string>();
    const byRun = new Map<number, StoredRow[]>();
    let message = 0;
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
          SECTOR: g.sector as string, // null: a row without a sector (seen by readers of every sector)
          TICKER: i === 2 ? null : g.ticker,
          MESSAGE_ID: `m-${++message % 7}`,
          PX: 90 + i,
          ROW_ID: `${g.run}-${rows.length + 1}`,
          ...(g.extra ? { DESK_NOTE: `note ${i}` } : {}),
        });
    }
    return [...byRun.entries()].sort(([a], [b]) => b - a);
  });

/** The index of runs (newest first) and the rows of the current view and of runs, as stored. */
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
  const current = all.filter((r) => owner.get(r.CUSIP) === r.RUN_ID);
  const rowsOfRuns = (ids: number[]) => ids.flatMap((id) => all.filter((r) => r.RUN_ID === id));
  return { index, current, rowsOfRuns };
}

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
        : { all: false, visible: new Set(), allows: (c) => !hidden.includes(c) },
  };
}

const scopeArb = fc.oneof(
  fc.constant(UNRESTRICTED_READ_SCOPE),
  fc
    .tuple(fc.subarray(SECTORS), fc.subarray(['PX', 'TICKER', 'MESSAGE_ID', 'CUSIP', 'DESK_NOTE']))
    .map(([sectors, hidden]) => scopeOf(sectors, hidden)),
);

const identifierArb = fc.oneof(
  fc.constantFrom(...CUSIPS).map((c) => c.toLowerCase()),
  fc.constantFrom(...CUSIPS).map((c) => ` ${isinOfCusip(c)} `),
  fc.constantFrom('m-1', 'm-3', 'M-3', 'aapl', 'X', '31', 'none', '  '),
);
const kindArb = fc.constantFrom<SearchKind>('any', 'cusip', 'isin', 'message_id', 'ticker');

/** The refusal (its message) or the answer. */
const outcome = (answer: () => unknown) => {
  try {
    return answer();
  } catch (err) {
    return { refused: (err as Error).message };
  }
};

describe('the index’s answers for search and exports', () => {
  it('search: the index answers as the streaming search over the current view’s rows', () => {
    fc.assert(
      fc.property(
        runsArb,
        identifierArb,
        kindArb,
        fc.boolean(),
        scopeArb,
        (runs, identifier, kind, expand, scope) => {
          const { index, current } = fixture(runs);
          const options = { kind, expand };
          const streamed = outcome(() =>
            searchRows(current, searchMatcher(identifier, scope, options), scope),
          );
          const indexed = outcome(() => searchIndex(index, identifier, scope, options));
          expect(indexed).toStrictEqual(streamed);
          // Key order too: the rows are written to files in it.
          expect(JSON.stringify(indexed)).toBe(JSON.stringify(streamed));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('exports: the rows of runs from the index are the stored rows as scopeRows makes them', () => {
    fc.assert(
      fc.property(runsArb, fc.subarray([4, 3, 2, 1, 9]), scopeArb, (runs, ids, scope) => {
        const { index, rowsOfRuns } = fixture(runs);
        const expected = scopeRows(rowsOfRuns(ids), scope);
        const got = rowsOfRunsFromIndex(index, ids, scope);
        expect(JSON.stringify(got)).toBe(JSON.stringify(expected));
      }),
      { numRuns: 300 },
    );
  });
});
