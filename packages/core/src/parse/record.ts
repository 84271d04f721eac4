import type { CalendarDate } from './calendar-date.js';

/**
 * A spreadsheet error value (`#N/A`, `#DIV/0!`, …) — never data, always a row error in a configured
 * column — or a cell the reader could not read at all (`unreadable`: a formula without a saved
 * value, a shared string the workbook lacks), which is a row error in every column.
 */
export interface ErrorCell {
  error: string;
  unreadable?: boolean;
}

/** A cell as a reader hands it over (CSV cells arrive as text). */
export type Cell = string | number | boolean | Date | ErrorCell | null | undefined;

/** True for a spreadsheet error value such as `#N/A` (readers hand them over as {@link ErrorCell}). */
export function isErrorCell(cell: Cell): cell is ErrorCell {
  return (
    typeof cell === 'object' &&
    cell !== null &&
    !(cell instanceof Date) &&
    typeof cell.error === 'string'
  );
}

/** A value in a parsed record: text, number, calendar date (`YYYY-MM-DD` text) or `null` for empty. */
export type RecordValue = string | number | boolean | null;

/**
 * One parsed color: a plain object keyed by column name. Every configured column is present
 * (`null` when empty or when its optional header is absent); unknown input columns are carried
 * through under their header text.
 */
export interface ColorRecord {
  MESSAGE_ID: string;
  CUSIP: string;
  SECTOR: string;
  DATE: CalendarDate;
  DATE_1: CalendarDate | null;
  RANK: number;
  BIAS: string;
  PX: number | null;
  [column: string]: RecordValue | undefined;
}

/** A value the parser could not read. `row` is the 1-based sheet row (or record number). */
export interface RowError {
  row: number;
  column: string;
  value: Cell;
  reason: string;
}

/** Something the user should know about an input that did not stop it from being read. */
export interface ParseNotice {
  kind: 'output-columns-ignored' | 'unknown-columns-kept' | 'imprecise-ids';
  columns: string[];
  message: string;
}

/**
 * A data-quality finding on a row that was read and kept (SPEC §11): e.g. a MESSAGE_ID that was a
 * number cell past 2^53−1, kept as the integer the cell holds and marked imprecise.
 */
export interface RowFinding {
  row: number;
  column: string;
  value: Cell;
  kind: 'imprecise-id';
  message: string;
}

/**
 * The column that marks a row whose `column` (an id) was read from a number cell past 2^53−1:
 * `MESSAGE_ID_IMPRECISE: true`. Present only on such rows; it travels with them (stored rows,
 * exports, search), so an imprecise id is never passed off as exact.
 */
export function impreciseFlagColumn(column: string): string {
  return `${column}_IMPRECISE`;
}
