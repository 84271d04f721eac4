import { createReadStream } from 'node:fs';
import { isMarketPulseError, MarketPulseError } from '@market-pulse/core';
import ExcelJS from 'exceljs';
import { cellsFromExcelRow } from './excel-cells.js';
import { oneByOne, type SheetBatches, type SheetRow, type SheetRows } from './spreadsheet-rows.js';

type WorksheetReader = ExcelJS.stream.xlsx.WorksheetReader;
type ParseEvent = { eventType: string; value: unknown };

/**
 * Streams the sheets of an xlsx workbook in row batches (exceljs' streaming reader: shared strings
 * cached, styles cached so date cells arrive as dates). Consume each sheet's batches before moving
 * to the next sheet. Run the upload safety checks first: this parses whatever it is given.
 */
export async function* readXlsxSheetBatches(path: string): AsyncGenerator<SheetBatches> {
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
      yield {
        name: (sheet as unknown as { name: string }).name,
        date1904: properties?.model?.date1904 === true,
        batches: batchesOf(sheet, path),
      };
    }
  } catch (err) {
    throw notAWorkbook(path, err);
  }
}

/** A workbook that breaks while being read is bad input, named as such (never an unexpected failure). */
function notAWorkbook(path: string, err: unknown): MarketPulseError {
  if (isMarketPulseError(err)) return err;
  return new MarketPulseError(
    'UNSUPPORTED_MEDIA_TYPE',
    `cannot read the workbook ${path}: it is not a valid xlsx file (${(err as Error)?.message ?? String(err)})`,
    { cause: err },
  );
}

/**
 * Streams the sheets of an xlsx workbook row by row (exceljs' streaming reader; date cells arrive
 * as dates). Consume each sheet's rows before moving to the next sheet. Run the upload safety
 * checks ({@link checkSpreadsheetFile}) first: this parses whatever it is given.
 */
export async function* readXlsxSheets(path: string): AsyncGenerator<SheetRows> {
  for await (const sheet of readXlsxSheetBatches(path))
    yield { name: sheet.name, date1904: sheet.date1904, rows: oneByOne(sheet.batches) };
}

async function* batchesOf(sheet: WorksheetReader, path: string): AsyncGenerator<SheetRow[]> {
  // parse() yields the events of one chunk of the sheet's XML at a time (the worksheet's own
  // iterator then yields them row by row, an await each): take the rows of a chunk at once.
  const chunks = sheet.parse() as unknown as AsyncIterable<ParseEvent[]>;
  try {
    for await (const events of chunks) {
      const rows: SheetRow[] = [];
      for (const { eventType, value } of events) {
        if (eventType !== 'row') continue;
        const row = value as ExcelJS.Row;
        rows.push({ number: row.number, cells: cellsFromExcelRow(row.values) });
      }
      if (rows.length > 0) yield rows;
    }
  } catch (err) {
    throw notAWorkbook(path, err); // malformed sheet XML surfaces here, mid-sheet
  }
}
