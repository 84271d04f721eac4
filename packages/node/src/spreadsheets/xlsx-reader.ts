import { isMarketPulseError, MarketPulseError } from '@market-pulse/core';
import ExcelJS from 'exceljs';
import { cellsFromExcelRow } from './excel-cells.js';
import { decodeEntitiesOnce } from './exceljs-entities.js';
import { inputOf, type SpreadsheetInput } from './spreadsheet-input.js';
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
export async function* readXlsxSheetBatches(
  file: string | SpreadsheetInput,
): AsyncGenerator<SheetBatches> {
  decodeEntitiesOnce();
  const path = inputOf(file).name;
  const input = await xlsxInReadingOrder(file).catch((err: unknown) => {
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
      yield {
        name: (sheet as unknown as { name: string }).name,
        date1904: state.properties?.model?.date1904 === true,
        batches: batchesOf(sheet, path, state),
      };
    }
  } catch (err) {
    throw notAWorkbook(path, err);
  } finally {
    input.destroy(); // a caller that stops at the first matching sheet leaves the rest unread
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

/**
 * The sheet's rows, shared strings resolved here: exceljs resolves an index its shared strings do
 * not have to `undefined` — an empty cell. Without shared strings at hand it hands over
 * `{ sharedString: index }` instead, which `cellFromExcel` resolves, or makes an error cell.
 */
async function* batchesOf(
  sheet: WorksheetReader,
  path: string,
  state: ReaderState,
): AsyncGenerator<SheetRow[]> {
  // The shared strings come before every sheet (xlsxInReadingOrder), so they are read by now.
  const strings = state.sharedStrings ?? [];
  // parse() yields the events of one chunk of the sheet's XML at a time (the worksheet's own
  // iterator then yields them row by row, an await each): take the rows of a chunk at once.
  const chunks = (sheet.parse() as unknown as AsyncIterable<ParseEvent[]>)[Symbol.asyncIterator]();
  state.sharedStrings = undefined;
  const first = chunks.next(); // the sheet reader takes the workbook's shared strings as it starts
  state.sharedStrings = strings; // and the next sheet needs them, or exceljs parks it in a temp file
  try {
    for (let chunk = await first; !chunk.done; chunk = await chunks.next()) {
      const rows: SheetRow[] = [];
      for (const { eventType, value } of chunk.value) {
        if (eventType !== 'row') continue;
        const row = value as ExcelJS.Row;
        rows.push({ number: row.number, cells: cellsFromExcelRow(row.values, strings) });
      }
      if (rows.length > 0) yield rows;
    }
  } catch (err) {
    throw notAWorkbook(path, err); // malformed sheet XML surfaces here, mid-sheet
  } finally {
    await chunks.return?.(undefined);
  }
}
