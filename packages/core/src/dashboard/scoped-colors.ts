import type { ReadScope } from '../accounts/read-scope.js';
import { MarketPulseError } from '../errors.js';
import type { StoredRow } from '../run/run-protocol.js';
import { type ColorPage, type ColorQuery, queryColors } from './color-query.js';

/** FORBIDDEN when the query filters or sorts on a column the scope hides (the order would show it). */
export function refuseHiddenColumns(query: ColorQuery, scope: ReadScope): void {
  const asked = Object.entries(query.filters ?? {})
    .filter(([, values]) => values && values.length > 0)
    .map(([column]) => column);
  if (query.sort) asked.push(query.sort);
  if (query.dateFrom || query.dateTo) asked.push('DATE');
  for (const column of asked)
    if (!scope.columns.allows(column))
      throw new MarketPulseError('FORBIDDEN', `column ${column} is not visible to this reader`, {
        details: { column },
      });
}

/** `row` without the columns the scope hides. */
export function visibleColumns<T extends Record<string, unknown>>(row: T, scope: ReadScope): T {
  if (scope.columns.all) return row;
  const out: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row))
    if (scope.columns.allows(column)) out[column] = value;
  return out as T;
}

/**
 * `queryColors` for one reader: over the rows whose SECTOR the scope allows, each answered row
 * (and child) without the columns it hides. The reference the resident index answers as, and
 * the read path for views the index does not hold.
 *
 * @example
 * ```ts
 * const page = queryScopedColors(rows, { skip: 0, limit: 50, hierarchy: true }, scope);
 * ```
 */
export function queryScopedColors(
  rows: readonly StoredRow[],
  query: ColorQuery,
  scope: ReadScope,
): ColorPage {
  refuseHiddenColumns(query, scope);
  const seen = scope.rows.all ? rows : rows.filter((row) => scope.rows.allows(row.SECTOR));
  const page = queryColors(seen, query);
  return {
    ...page,
    items: page.items.map((item) => {
      const row = visibleColumns(item, scope);
      if (item.children) row.children = item.children.map((c) => visibleColumns(c, scope));
      return row;
    }),
  };
}
