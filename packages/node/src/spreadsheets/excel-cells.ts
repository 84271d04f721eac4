import type { Cell } from '@market-pulse/core';

/**
 * The cells of a row from exceljs' `row.values` (1-based and sparse: a fresh array per call, so it
 * is converted in place rather than copied), 0-based, with `null` for empty cells. `sharedStrings`
 * resolves cells that name a shared string.
 */
export function cellsFromExcelRow(values: unknown, sharedStrings?: readonly unknown[]): Cell[] {
  if (!Array.isArray(values)) return [];
  for (let i = 1; i < values.length; i++) values[i] = cellFromExcel(values[i], sharedStrings);
  values.shift();
  return values as Cell[];
}

/**
 * Turns any value exceljs hands back for a cell into a parser cell: shared strings and rich text
 * become their text, hyperlinks their text, formulas their cached result, error values an error
 * cell (a row error in a configured column) — as are a formula with no readable result, a shared
 * string the workbook does not have and any value of an unknown shape — dates stay `Date`s (UTC
 * fields = the calendar date).
 */
export function cellFromExcel(value: unknown, sharedStrings?: readonly unknown[]): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return value;
  if (value instanceof Date) return value;
  if (typeof value !== 'object') return String(value);
  const v = value as {
    richText?: { text?: unknown }[];
    text?: unknown;
    hyperlink?: unknown;
    formula?: unknown;
    sharedFormula?: unknown;
    result?: unknown;
    error?: unknown;
    sharedString?: unknown;
  };
  // Checked first: every text cell of a workbook with shared strings comes this way.
  const index = v.sharedString;
  if (index !== undefined) {
    const text = typeof index === 'number' ? sharedStrings?.[index] : undefined;
    // Never read a cell we cannot resolve as empty: it is an error the user can see.
    if (text === undefined)
      return {
        error: `unreadable cell: shared string ${String(index)} does not exist in the workbook`,
        unreadable: true,
      };
    return typeof text === 'string' ? text : cellFromExcel(text);
  }
  if (Array.isArray(v.richText)) return v.richText.map((run) => String(run.text ?? '')).join('');
  if (typeof v.error === 'string') return { error: v.error };
  if ('formula' in v || 'sharedFormula' in v) {
    // exceljs' streaming reader drops error results (`<v>#DIV/0!</v>`) and files written without
    // calculation have none: never read a formula without a value as an empty cell.
    if (v.result === undefined)
      return {
        error: `=${String(v.formula ?? v.sharedFormula)} (a formula with no readable saved value)`,
        unreadable: true,
      };
    return cellFromExcel(v.result);
  }
  if ('hyperlink' in v || 'text' in v) return cellFromExcel(v.text);
  return { error: `unreadable cell (${JSON.stringify(value).slice(0, 80)})`, unreadable: true };
}
