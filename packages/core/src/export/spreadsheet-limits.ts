import { withThousands } from '../format/thousands.js';

/**
 * What an xlsx sheet can hold (Excel's limits). Inputs past them are refused when they are read
 * (a header problem or a row error), so one upload can never make the standing exports
 * unwritable.
 */
export const SPREADSHEET_LIMITS = Object.freeze({
  /** Columns in a sheet (A…XFD). */
  maxColumns: 16_384,
  /**
   * Characters in a cell of text we read: a cell holds 32,767, and one is kept for the `'` that
   * neutralises a formula-like text when it is exported.
   */
  maxCellText: 32_766,
});

/** Why a text cannot be exported in one cell, or `undefined` when it can. */
export function cellTextProblem(text: string): string | undefined {
  return text.length > SPREADSHEET_LIMITS.maxCellText
    ? `the text is ${withThousands(text.length)} characters long; a spreadsheet cell holds at most ${withThousands(SPREADSHEET_LIMITS.maxCellText)}: shorten it`
    : undefined;
}

/** Why a table of this many export columns cannot be exported, or `undefined` when it can. */
export function columnCountProblem(columns: number): string | undefined {
  return columns > SPREADSHEET_LIMITS.maxColumns
    ? `the file has ${withThousands(columns)} columns once Market Pulse's own are added; a spreadsheet holds at most ${withThousands(SPREADSHEET_LIMITS.maxColumns)}: remove ${withThousands(columns - SPREADSHEET_LIMITS.maxColumns)} pass-through column(s)`
    : undefined;
}
