import { MarketPulseError } from '../errors.js';
import type { StoredRow } from '../run/run-protocol.js';

/** The columns the dashboard filters on by exact value (any case). SPEC §8. */
export const COLOR_FILTER_COLUMNS = [
  'CUSIP',
  'TICKER',
  'MESSAGE_ID',
  'SECTOR',
  'SOURCE',
  'BIAS',
  'PROCESSING_TYPE',
  'RUN_ID',
] as const;
/** One column the dashboard filters on. */
export type ColorFilterColumn = (typeof COLOR_FILTER_COLUMNS)[number];

/** What a page of colors asks for: filters, sort, page, hierarchy. */
export interface ColorQuery {
  /** Exact values (any case) per column; a row matches when it equals any of a column's values. */
  filters?: Partial<Record<ColorFilterColumn, readonly string[]>>;
  /** DATE from (inclusive, `YYYY-MM-DD`). */
  dateFrom?: string;
  /** DATE to (inclusive, `YYYY-MM-DD`). */
  dateTo?: string;
  /** Sort column; default DATE then PROCESSED_AT, newest first (SPEC §8). */
  sort?: string;
  order?: 'asc' | 'desc';
  skip: number;
  limit: number;
  /** Parents with their children (the page counts parents), or every row flat. */
  hierarchy: boolean;
}

/** A page of colors: with hierarchy, parents each with `children`. */
export interface ColorPage {
  /** Matching rows (flat) or matching parents (hierarchy). */
  total: number;
  skip: number;
  limit: number;
  items: (StoredRow & { children?: StoredRow[] })[];
}

const text = (v: unknown) => (v === null || v === undefined ? '' : String(v).trim().toUpperCase());

const isEmpty = (v: unknown) => v === null || v === undefined || v === '';

/** Orders two cell values: numbers as numbers, everything else as text; empty last. */
function compareCells(a: unknown, b: unknown): number {
  const ea = isEmpty(a);
  const eb = isEmpty(b);
  if (ea || eb) return ea === eb ? 0 : ea ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/**
 * Filters, sorts and pages the rows of a view (SPEC §8). With `hierarchy`, filters decide which
 * CUSIP groups match (a group matches when any of its rows does) and the page is of parents, each
 * with its children in their run order; flat, the page is of rows. Ties keep the view's order, so
 * pages are stable.
 *
 * @example
 * ```ts
 * const page = queryColors(rows, { filters: { SECTOR: ['MM-CLO'] }, skip: 0, limit: 50, hierarchy: true });
 * ```
 */
export function queryColors(rows: readonly StoredRow[], query: ColorQuery): ColorPage {
  if (query.dateFrom && query.dateTo && query.dateFrom > query.dateTo)
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `dateFrom ${query.dateFrom} is after dateTo ${query.dateTo}`,
      {
        details: { field: 'dateFrom' },
      },
    );
  const wanted = Object.entries(query.filters ?? {})
    .filter(([, values]) => values && values.length > 0)
    .map(([column, values]) => [column, new Set((values ?? []).map(text))] as const);
  const matches = (row: StoredRow) => {
    for (const [column, values] of wanted) if (!values.has(text(row[column]))) return false;
    const date = typeof row.DATE === 'string' ? row.DATE.slice(0, 10) : '';
    if (query.dateFrom && date < query.dateFrom) return false;
    if (query.dateTo && date > query.dateTo) return false;
    return true;
  };
  const direction = query.order === 'asc' ? 1 : -1;
  const keys = query.sort ? [query.sort] : ['DATE', 'PROCESSED_AT'];
  const sorted = <T extends StoredRow>(list: T[]) =>
    list
      .map((row, index) => ({ row, index }))
      .sort((a, b) => {
        for (const key of keys) {
          const c = compareCells(a.row[key], b.row[key]);
          // Empty cells sort last in either direction.
          if (c !== 0) return isEmpty(a.row[key]) || isEmpty(b.row[key]) ? c : c * direction;
        }
        return a.index - b.index;
      })
      .map(({ row }) => row);
  const page = <T>(list: T[]) => list.slice(query.skip, query.skip + query.limit);
  if (!query.hierarchy) {
    const all = sorted(rows.filter(matches));
    return { total: all.length, skip: query.skip, limit: query.limit, items: page(all) };
  }
  // Groups are (run, CUSIP): every run ranks on its own, so a CUSIP has a parent per run.
  const groups = new Map<string, { parent?: StoredRow; children: StoredRow[]; matched: boolean }>();
  for (const row of rows) {
    const key = `${row.RUN_ID}\u0000${row.CUSIP}`;
    const group = groups.get(key) ?? { children: [], matched: false };
    groups.set(key, group);
    if (row.IS_PARENT) group.parent = row;
    else group.children.push(row);
    if (!group.matched && matches(row)) group.matched = true;
  }
  const parents = [...groups.values()]
    .filter((g) => g.matched && g.parent)
    .map((g) => ({ ...(g.parent as StoredRow), children: g.children }));
  const all = sorted(parents);
  return { total: all.length, skip: query.skip, limit: query.limit, items: page(all) };
}
