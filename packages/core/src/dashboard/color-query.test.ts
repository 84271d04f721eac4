import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StoredRow } from '../run/run-protocol.js';
import { queryColors } from './color-query.js';

/** Rows of a few runs: per (run, CUSIP) one parent and some children, as runs store them. */
const rowsArb = fc
  .array(
    fc.record({
      run: fc.integer({ min: 1, max: 3 }),
      cusip: fc.constantFrom('AAA111111', 'BBB222222', 'CCC333333', 'DDD444444'),
      sector: fc.constantFrom('MM-CLO', 'BSL-CLO', 'ABS'),
      date: fc.constantFrom('2026-03-10', '2026-03-11', '2026-03-12'),
      px: fc.option(fc.integer({ min: 50, max: 110 }), { nil: null }),
      children: fc.integer({ min: 0, max: 3 }),
    }),
    { maxLength: 25 },
  )
  .map((groups) => {
    const seen = new Set<string>();
    const rows: StoredRow[] = [];
    for (const g of groups) {
      const key = `${g.run}-${g.cusip}`;
      if (seen.has(key)) continue;
      seen.add(key);
      for (let i = 0; i <= g.children; i++)
        rows.push({
          CUSIP: g.cusip,
          RUN_ID: g.run,
          IS_PARENT: i === 0,
          SECTOR: g.sector,
          DATE: g.date,
          PX: g.px,
          ROW_ID: `${key}-${i}`,
        });
    }
    return rows;
  });

const pagesOf = (rows: StoredRow[], query: Parameters<typeof queryColors>[1]) => {
  const out: StoredRow[] = [];
  for (let skip = 0; ; skip += query.limit) {
    const page = queryColors(rows, { ...query, skip });
    out.push(...page.items);
    if (skip + query.limit >= page.total) return { out, total: page.total };
  }
};

describe('queryColors', () => {
  it('flat: the pages hold every matching row exactly once, and only those', () => {
    fc.assert(
      fc.property(
        rowsArb,
        fc.constantFrom('MM-CLO', 'ABS'),
        fc.integer({ min: 1, max: 7 }),
        (rows, sector, limit) => {
          const { out, total } = pagesOf(rows, {
            filters: { SECTOR: [sector.toLowerCase()] },
            skip: 0,
            limit,
            hierarchy: false,
          });
          const expected = rows.filter((r) => r.SECTOR === sector);
          expect(total).toBe(expected.length);
          expect(out.map((r) => r.ROW_ID).sort()).toEqual(expected.map((r) => r.ROW_ID).sort());
        },
      ),
    );
  });

  it('hierarchy: one entry per matching (run, CUSIP) group, its parent with every child', () => {
    fc.assert(
      fc.property(rowsArb, fc.constantFrom('2026-03-11', '2026-03-12'), (rows, from) => {
        const { out, total } = pagesOf(rows, {
          dateFrom: from,
          skip: 0,
          limit: 3,
          hierarchy: true,
        });
        const groups = new Set(
          rows.filter((r) => String(r.DATE) >= from).map((r) => `${r.RUN_ID}-${r.CUSIP}`),
        );
        expect(total).toBe(groups.size);
        for (const parent of out as (StoredRow & { children: StoredRow[] })[]) {
          expect(parent.IS_PARENT).toBe(true);
          const all = rows.filter(
            (r) => r.RUN_ID === parent.RUN_ID && r.CUSIP === parent.CUSIP && !r.IS_PARENT,
          );
          expect(parent.children.map((c) => c.ROW_ID)).toEqual(all.map((c) => c.ROW_ID));
        }
      }),
    );
  });

  it('sorts by DATE, newest first, by default; by any column either way with empty cells last', () => {
    fc.assert(
      fc.property(rowsArb, fc.constantFrom('asc' as const, 'desc' as const), (rows, order) => {
        const byDate = queryColors(rows, { skip: 0, limit: 1000, hierarchy: false }).items.map(
          (r) => String(r.DATE),
        );
        expect(byDate).toEqual([...byDate].sort().reverse());
        const px = queryColors(rows, {
          sort: 'PX',
          order,
          skip: 0,
          limit: 1000,
          hierarchy: false,
        }).items.map((r) => r.PX);
        const numbers = px.filter((p) => p !== null) as number[];
        expect(px.slice(numbers.length).every((p) => p === null)).toBe(true);
        expect(numbers).toEqual([...numbers].sort((a, b) => (order === 'asc' ? a - b : b - a)));
      }),
    );
  });

  it('refuses a date range that ends before it starts', () => {
    expect(() =>
      queryColors([], {
        dateFrom: '2026-03-12',
        dateTo: '2026-03-01',
        skip: 0,
        limit: 5,
        hierarchy: false,
      }),
    ).toThrow(/after dateTo/);
  });
});
