import type { ColumnScope, ReadScope } from './read-scope.js';

type Row = Readonly<Record<string, unknown>>;

/**
 * A row with only the columns the reader may see (and `keep`, columns a read path adds that are
 * not data columns, e.g. an excluded row's rule). The row itself when every column is visible.
 */
export function projectRow<R extends Row>(
  row: R,
  columns: ColumnScope,
  keep: ReadonlySet<string> = new Set(),
): R {
  if (columns.all) return row;
  const projected: Record<string, unknown> = {};
  for (const key in row) if (columns.allows(key) || keep.has(key)) projected[key] = row[key];
  return projected as R;
}

/** The headers a reader may see, in their order (a file's header row is projected like its rows). */
export function visibleColumns(
  columns: readonly string[],
  scope: ColumnScope,
  keep: ReadonlySet<string> = new Set(),
): string[] {
  return scope.all ? [...columns] : columns.filter((c) => scope.allows(c) || keep.has(c));
}

/**
 * The rows a reader may see — by their own SECTOR (case-insensitive) — each projected to the
 * visible columns (SPEC §10). Rows without a SECTOR are seen only by readers of every sector.
 *
 * @example
 * ```ts
 * const visible = scopeRows(rows, await readScopeFor(store, principal));
 * ```
 */
export function scopeRows<R extends Row>(
  rows: Iterable<R>,
  scope: ReadScope,
  keep?: ReadonlySet<string>,
): R[] {
  const seen: R[] = [];
  for (const row of rows)
    if (scope.rows.allows(row.SECTOR)) seen.push(projectRow(row, scope.columns, keep));
  return seen;
}
