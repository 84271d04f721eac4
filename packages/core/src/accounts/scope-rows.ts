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

/**
 * What an excluded row adds to its data columns — the rule credited (`EXCLUDED_BY`, `RULE_NAME`)
 * and the `WITNESS` that explains it — kept for every reader; the witness is scoped leaf by leaf
 * ({@link scopeWitness}).
 */
export const EXCLUSION_FIELDS: ReadonlySet<string> = new Set([
  'EXCLUDED_BY',
  'RULE_NAME',
  'WITNESS',
]);

/**
 * A witness as a reader may see it: only the leaves on columns they see. A leaf quotes the row's
 * value of its own column (`actual`, `listMatch`) and the rule's literals, nothing else, so a leaf
 * on a visible column leaks no hidden value; what the hidden leaves decided is no more than the
 * credited rule already tells. A witness that is not a leaf list (an older form) names no column
 * that can be checked: only readers of every column see it (undefined for the others).
 */
export function scopeWitness(witness: unknown, columns: ColumnScope): unknown {
  if (columns.all) return witness;
  if (!Array.isArray(witness)) return undefined;
  return witness.filter(
    (leaf: { field?: unknown }) => typeof leaf?.field === 'string' && columns.allows(leaf.field),
  );
}

/**
 * An excluded row as a reader may see it (run details, their exports, a dry run's samples): the
 * visible data columns, the rule credited, and the witness's leaves on visible columns. One rule
 * for every path that shows an exclusion.
 */
export function projectExcludedRow<R extends Row>(row: R, columns: ColumnScope): R {
  if (columns.all) return row;
  const projected: Record<string, unknown> = projectRow(row, columns, EXCLUSION_FIELDS);
  if ('WITNESS' in projected) {
    const witness = scopeWitness(projected.WITNESS, columns);
    if (witness === undefined) delete projected.WITNESS;
    else projected.WITNESS = witness;
  }
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
