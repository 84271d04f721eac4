import type { RecordValue } from '../parse/record.js';

/** A row to write: column name → value (JSON types; dates as `YYYY-MM-DD`). */
export type SheetRowValues = Readonly<Record<string, RecordValue | undefined | unknown>>;

/** How a column is written: dates as date cells / `YYYY-MM-DD`, everything else by its value. */
export type ColumnKinds = ReadonlyMap<string, 'date' | 'value'>;

/** One sheet to write. */
export interface SheetSpec {
  name: string;
  rows: Iterable<SheetRowValues> | AsyncIterable<SheetRowValues>;
}

/** The columns of a written table, in order, and which of them are dates. */
export interface SheetLayout {
  columns: readonly string[];
  kinds: ColumnKinds;
}

/** The spreadsheet formats Market Pulse reads and writes. */
export type SpreadsheetFormat = 'xlsx' | 'csv';

/**
 * Writes rows as a spreadsheet file, into a byte stream (DESIGN §1: the spreadsheet library sits
 * behind this port, swappable). `xlsx`: one sheet per spec — continued in "<name> (2)", … past
 * Excel's row limit — with MESSAGE_ID and all text as text, numbers as numbers, dates as date
 * cells; `csv`: the first sheet, RFC 4180, dates `YYYY-MM-DD`, booleans `TRUE`/`FALSE`. Text that
 * a spreadsheet would run as a formula is neutralised in both (header cells included).
 */
export interface SpreadsheetCodec {
  /** The file of `sheets` in `format`, with `layout`'s columns in order, streamed as it is written. */
  write(
    format: SpreadsheetFormat,
    sheets: readonly SheetSpec[],
    layout: SheetLayout,
  ): AsyncIterable<Uint8Array>;
}
