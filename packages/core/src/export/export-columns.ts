import { type ColumnConfig, OUTPUT_ONLY_COLUMNS } from '../columns/column-config.js';

// OUTPUT_ONLY_COLUMNS is listed in export order: the first three come before the inputs, the
// rest after them (the first implementation's order, then ROW_ID, PARENT_ROW_ID, ORIGIN).
const LEADING = OUTPUT_ONLY_COLUMNS.slice(0, 3);
const TRAILING = OUTPUT_ONLY_COLUMNS.slice(3);

/**
 * The column order of every export (SPEC §1.3): RUN_ID, PROCESSED_AT, PROCESSING_TYPE, the
 * configured input columns, IS_PARENT, PARENT_MESSAGE_ID, CHILDREN_COUNT, then ROW_ID,
 * PARENT_ROW_ID, ORIGIN, then pass-through columns in the order first seen.
 *
 * @example
 * ```ts
 * exportColumns(defaultColumnConfig, ['Desk Note']).slice(0, 4); // ['RUN_ID', 'PROCESSED_AT', 'PROCESSING_TYPE', 'MESSAGE_ID']
 * ```
 */
export function exportColumns(config: ColumnConfig, passThrough: Iterable<string> = []): string[] {
  const known = [...LEADING, ...config.columns.map((c) => c.name), ...TRAILING];
  const seen = new Set(known);
  const extra: string[] = [];
  for (const name of passThrough) {
    if (!seen.has(name)) {
      seen.add(name);
      extra.push(name);
    }
  }
  return [...known, ...extra];
}

/** {@link exportColumns} for these rows: pass-through columns from every row, never a sample. */
export function exportColumnsOf(
  config: ColumnConfig,
  rows: Iterable<Readonly<Record<string, unknown>>>,
): string[] {
  const keys = new Set<string>();
  for (const row of rows) for (const key in row) keys.add(key);
  return exportColumns(config, keys);
}

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Neutralises spreadsheet formula injection (SPEC §10): text starting with `=`, `+`, `-`, `@`, tab
 * or carriage return gets a leading `'`, so a spreadsheet shows it as text instead of running it.
 * Only text is touched — numbers stay numbers.
 */
export function neutralizeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}
