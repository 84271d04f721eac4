import type { Cell } from '@market-pulse/core';

/** One row of a sheet or CSV file: its 1-based row (or record) number and its cells. */
export interface SheetRow {
  number: number;
  cells: Cell[];
}

/** One sheet of a workbook, read as a stream of rows. */
export interface SheetRows {
  name: string;
  /** The workbook's 1904 date system flag (for numeric cells in date columns). */
  date1904: boolean;
  rows: AsyncIterable<SheetRow>;
}
