import type { ParseOptions } from '../parse/parse-records.js';
import type { Cell } from '../parse/record.js';

/**
 * How a source's values are to be read, as its host was configured (e.g. the decimal separator
 * of its `;`-delimited files, what to do with imprecise ids). Options a caller passes to
 * `readColors` win.
 */
export type SourceParseOptions = Pick<ParseOptions, 'decimalSeparator' | 'impreciseIds'>;

/** One row of a table as its reader saw it: its 1-based row (or record) number and its cells. */
export interface SourceRow {
  number: number;
  cells: readonly Cell[];
}

/** One table of a source: a workbook's sheet, or the whole of a CSV file. */
export interface SourceTable {
  /** A workbook's sheet name; absent for a source of one table (CSV). */
  name?: string;
  /** The workbook's 1904 date system (for serial numbers in date columns). */
  date1904?: boolean;
  /**
   * The field delimiter of a delimited text file (`,` `;` or tab): in a `;`- or tab-delimited file
   * a comma in a number may be a decimal comma (SPEC §1.2).
   */
  delimiter?: string;
  /** Its rows in batches, as the reader produced them: one await per batch, not per row. */
  rows: AsyncIterable<readonly SourceRow[]>;
}

/**
 * Where colors come from (SPEC §1.2): a spreadsheet or CSV file, an object in a bucket, a query.
 * Core's one parser reads its tables (`readColors`); the source only hands over cells.
 *
 * @example
 * ```ts
 * const source: ColorSource = {
 *   name: 'inline',
 *   async *tables() {
 *     yield { rows: (async function* () { yield [{ number: 1, cells: header }, ...rows]; })() };
 *   },
 * };
 * ```
 */
export interface ColorSource {
  /** What the source is called in messages: a file name, an object key. */
  readonly name: string;
  /** How its values are to be read (from the host's configuration). */
  readonly parseOptions?: SourceParseOptions;
  /**
   * Its tables in order (a workbook's sheets); the first whose header matches the columns is read.
   * Each table is read to its end before the next is asked for.
   */
  tables(): AsyncIterable<SourceTable>;
  /**
   * SHA-256 (hex) of the source's content, for the unchanged-source guard and duplicate uploads.
   * Absent when the source cannot tell (the guard then does not apply).
   */
  contentHash?(): Promise<string>;
}
