import type { SheetLayout, SheetRowValues, SheetSpec, SpreadsheetFormat } from '@market-pulse/core';
import { writeFileAtomically } from '../atomic-file.js';
import { createSpreadsheetCodec, spreadsheetCodec } from './spreadsheet-codec.js';

/**
 * Writes rows as a spreadsheet file, atomically (readers never see half a file; a failure leaves
 * no file behind). xlsx: one sheet per spec; CSV: the first sheet.
 *
 * @example
 * ```ts
 * await writeSpreadsheetFile('out.xlsx', 'xlsx', viewSheets(rows), { columns, kinds });
 * ```
 */
export function writeSpreadsheetFile(
  path: string,
  format: SpreadsheetFormat,
  sheets: readonly SheetSpec[],
  layout: SheetLayout,
): Promise<void> {
  return writeFileAtomically(path, spreadsheetCodec.write(format, sheets, layout));
}

/** Writes an xlsx workbook file (see {@link writeSpreadsheetFile}); `maxRowsPerSheet` lowers Excel's limit. */
export function writeXlsxFile(
  path: string,
  sheets: readonly SheetSpec[],
  options: SheetLayout & { maxRowsPerSheet?: number },
): Promise<void> {
  const codec =
    options.maxRowsPerSheet === undefined
      ? spreadsheetCodec
      : createSpreadsheetCodec({ maxRowsPerSheet: options.maxRowsPerSheet });
  return writeFileAtomically(path, codec.write('xlsx', sheets, options));
}

/** Writes a CSV file of `rows` in the order of `columns` (see {@link writeSpreadsheetFile}). */
export function writeCsvFile(
  path: string,
  rows: Iterable<SheetRowValues> | AsyncIterable<SheetRowValues>,
  options: { columns: readonly string[] },
): Promise<void> {
  return writeFileAtomically(
    path,
    spreadsheetCodec.write('csv', [{ name: 'Colors', rows }], {
      columns: options.columns,
      kinds: new Map(),
    }),
  );
}
