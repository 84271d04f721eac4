import { createReadStream } from 'node:fs';
import { MarketPulseError } from '@market-pulse/core';
import ExcelJS from 'exceljs';
import { cellFromExcel } from './excel-cells.js';
import type { SheetRow, SheetRows } from './spreadsheet-rows.js';

/**
 * Streams the sheets of an xlsx workbook, row by row (exceljs' streaming reader: shared strings
 * cached, styles cached so date cells arrive as dates). Consume each sheet's rows before moving to
 * the next sheet. Run the upload safety checks first: this parses whatever it is given.
 */
export async function* readXlsxSheets(path: string): AsyncGenerator<SheetRows> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(createReadStream(path), {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'emit',
  });
  try {
    for await (const sheet of reader) {
      const properties = (reader as unknown as { properties?: { model?: { date1904?: boolean } } })
        .properties;
      const worksheet = sheet as unknown as { name: string } & AsyncIterable<{
        number: number;
        values: unknown;
      }>;
      yield {
        name: worksheet.name,
        date1904: properties?.model?.date1904 === true,
        rows: rowsOf(worksheet),
      };
    }
  } catch (err) {
    throw new MarketPulseError(
      'UNSUPPORTED_MEDIA_TYPE',
      `cannot read the workbook ${path}: it is not a valid xlsx file (${(err as Error).message})`,
      {
        cause: err,
      },
    );
  }
}

async function* rowsOf(
  sheet: AsyncIterable<{ number: number; values: unknown }>,
): AsyncGenerator<SheetRow> {
  for await (const row of sheet) {
    // exceljs row values are 1-based and sparse.
    const values = Array.isArray(row.values) ? (row.values as unknown[]) : [];
    const cells = new Array(Math.max(values.length - 1, 0));
    for (let i = 1; i < values.length; i++) cells[i - 1] = cellFromExcel(values[i]);
    yield { number: row.number, cells };
  }
}
