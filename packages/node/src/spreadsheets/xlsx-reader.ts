import { isMarketPulseError, MarketPulseError } from '@market-pulse/core';
import ExcelJS from 'exceljs';
import { cellsFromExcelRow } from './excel-cells.js';
import { oneByOne, type SheetBatches, type SheetRow, type SheetRows } from './spreadsheet-rows.js';
import { xlsxInReadingOrder } from './xlsx-reading-order.js';

type WorksheetReader = ExcelJS.stream.xlsx.WorksheetReader;
type ParseEvent = { eventType: string; value: unknown };

/** What exceljs' workbook reader holds once it has read the parts before the sheets. */
interface ReaderState {
  properties?: { model?: { date1904?: boolean } };
  sharedStrings?: unknown[];
}

/**
 * Streams the sheets of an xlsx workbook in row batches (exceljs' streaming reader: shared strings
 * cached, styles cached so date cells arrive as dates), whatever the order of its zip entries.
 * Sheets come in the order of their part numbers. Consume each sheet's batches before moving to
 * the next sheet. Run the upload safety checks first: this parses whatever it is given.
 */
export async function* readXlsxSheetBatches(path: string): AsyncGenerator<SheetBatches> {
  const input = await xlsxInReadingOrder(path).catch((err: unknown) => {
    throw notAWorkbook(path, err);
  });
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  const state = reader as unknown as ReaderState;
  try {
    for await (const sheet of reader) {
      // The shared strings are read by now (they come first); each sheet reads them when it starts.
      state.sharedStrings = unresolvedSharedStrings(state.sharedStrings ?? []);
      yield {
        name: (sheet as unknown as { name: string }).name,
        date1904: state.properties?.model?.date1904 === true,
        batches: batchesOf(sheet, path),
      };
    }
  } catch (err) {
    throw notAWorkbook(path, err);
  } finally {
    input.destroy(); // a caller that stops at the first matching sheet leaves the rest unread
  }
}

const guarded = new WeakSet<object>();

/**
 * The shared strings, answering an index they do not have with a marker instead of `undefined`:
 * exceljs would store `undefined`, which reads as an empty cell. `cellFromExcel` turns the marker
 * into an error cell.
 */
function unresolvedSharedStrings(strings: unknown[]): unknown[] {
  if (guarded.has(strings)) return strings;
  const proxy = new Proxy(strings, {
    get(target, key) {
      const value = Reflect.get(target, key);
      return value === undefined && typeof key === 'string' ? { sharedString: key } : value;
    },
  });
  guarded.add(proxy);
  return proxy;
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

/** Streams the sheets of an xlsx workbook row by row: {@link readXlsxSheetBatches}, one row at a time. */
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
