import type { Cell } from '@market-pulse/core';

/** One row of a sheet or CSV file: its 1-based row (or record number) and its cells. */
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

/**
 * One sheet of a workbook, read as a stream of row batches (the rows exceljs parsed from one chunk
 * of the sheet): one await per batch instead of one per row.
 */
export interface SheetBatches {
  name: string;
  /** The workbook's 1904 date system flag (for numeric cells in date columns). */
  date1904: boolean;
  batches: AsyncIterable<SheetRow[]>;
}

/** Hands rows over one by one. */
export async function* oneByOne<T>(batches: AsyncIterable<T[]>): AsyncGenerator<T> {
  for await (const batch of batches) yield* batch;
}

/** Groups rows into batches of up to `size`. */
export async function* inBatches<T>(rows: AsyncIterable<T>, size = 1024): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const row of rows) {
    batch.push(row);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
