import { once } from 'node:events';
import { PassThrough, type Writable } from 'node:stream';
import {
  csvValue,
  neutralizeFormula,
  type SheetLayout,
  type SheetSpec,
  type SpreadsheetCodec,
  type SpreadsheetFormat,
  xlsxValue,
} from '@market-pulse/core';
import { stringify } from 'csv-stringify/sync';
import type ExcelJS from 'exceljs';
import { type XlsxCell, xlsxRowRenderer } from './xlsx-row-xml.js';

/**
 * exceljs, loaded when a workbook is first written: a thread that writes only CSV files (the
 * export worker with the default per-sector format) never loads it (~0.3 s of CPU).
 */
let exceljs: Promise<typeof ExcelJS> | undefined;
const loadExcelJS = () => {
  // A CommonJS module: its exports arrive as the default export.
  exceljs ??= import('exceljs').then(
    (module) => (module as unknown as { default: typeof ExcelJS }).default,
  );
  return exceljs;
};

/** Excel's limit is 1,048,576 rows including the header. */
export const XLSX_MAX_DATA_ROWS = 1_048_575;

const CSV_OPTIONS = { record_delimiter: '\r\n' } as const;
const CSV_BATCH_ROWS = 1_000;
/** Rendered rows handed to exceljs' sheet stream at a time. */
const ROWS_PER_WRITE = 256;

/**
 * The spreadsheet codec on exceljs (xlsx, streaming writer) and csv-stringify (CSV): core's
 * `SpreadsheetCodec` port. `maxRowsPerSheet` lowers Excel's row limit (tests of the sheet split).
 *
 * @example
 * ```ts
 * const bytes = createSpreadsheetCodec().write('csv', [{ name: 'Colors', rows }], layout);
 * await writeFileAtomically('colors.csv', bytes);
 * ```
 */
export function createSpreadsheetCodec(
  options: { maxRowsPerSheet?: number } = {},
): SpreadsheetCodec {
  const limit = options.maxRowsPerSheet ?? XLSX_MAX_DATA_ROWS;
  return {
    write(format: SpreadsheetFormat, sheets: readonly SheetSpec[], layout: SheetLayout) {
      return format === 'csv'
        ? csvBytes(sheets[0]?.rows ?? [], layout.columns)
        : xlsxBytes(sheets, layout, limit);
    },
  };
}

/** The codec with Excel's own limits. */
export const spreadsheetCodec: SpreadsheetCodec = createSpreadsheetCodec();

/**
 * An xlsx workbook through exceljs' streaming writer, one sheet per spec (continued in
 * "<name> (2)", … past the row limit): header row, text as text (formulas neutralised, headers
 * included), numbers
 * as numbers, dates as date cells.
 */
function xlsxBytes(
  sheets: readonly SheetSpec[],
  layout: SheetLayout,
  limit: number,
): AsyncIterable<Uint8Array> {
  const out = new PassThrough();
  const { columns } = layout;
  const kinds = columns.map((c) => layout.kinds.get(c));
  // One array for every row's cells: the renderer is done with them before the next row.
  const cells: XlsxCell[] = new Array(columns.length).fill(null);
  // Set once the consumer is gone (finished reading or failed): the writer stops waiting for it.
  const gone = new Promise<void>((resolve) => out.once('close', resolve));
  const write = async () => {
    const { WorkbookWriter } = (await loadExcelJS()).stream.xlsx;
    const workbook = new WorkbookWriter({
      stream: out,
      // Without a styles table exceljs still writes Date values as date cells; with one, it hashes
      // a style per cell: ~2.4x slower (8.3 s vs 3.4 s per 100k rows).
      useStyles: false,
      useSharedStrings: false,
    });
    const dateStyleId = showDatesAsIso(workbook);
    const render = xlsxRowRenderer(columns.length, dateStyleId);
    for (const spec of sheets) {
      let part = 1;
      let inSheet = 0;
      let chunk = '';
      let sheet = openSheet(workbook, spec.name, layout.columns);
      for await (const row of spec.rows) {
        if (inSheet === limit) {
          await writeSheetXml(sheet, chunk, gone);
          chunk = '';
          sheet.commit();
          part++;
          sheet = openSheet(workbook, `${spec.name} (${part})`, layout.columns);
          inSheet = 0;
        }
        const values = row as Readonly<Record<string, unknown>>;
        for (let i = 0; i < columns.length; i++)
          cells[i] = xlsxValue(values[columns[i] as string], kinds[i]);
        // Data rows follow the one header row.
        chunk += render(inSheet + 2, cells);
        inSheet++;
        if (inSheet % ROWS_PER_WRITE === 0) {
          await writeSheetXml(sheet, chunk, gone);
          chunk = '';
        }
      }
      await writeSheetXml(sheet, chunk, gone);
      sheet.commit();
    }
    await workbook.commit();
  };
  write().catch((err: unknown) => out.destroy(err as Error));
  return out;
}

/**
 * Writes rendered rows to a sheet, then waits while the zip has not taken what was written
 * before: exceljs' sheet stream hands data on without backpressure, so rows rendered faster than
 * they are compressed would pile up in memory (~1 GB for a million rows).
 */
async function writeSheetXml(sheet: SheetStandIn, xml: string, gone: Promise<void>) {
  sheet.stream.write(xml);
  // The zip's entry input is a `readable-stream` 2 PassThrough: no `writableNeedDrain` getter.
  for (const pipe of sheet.stream.pipes ?? [])
    if (pipe.writableNeedDrain || pipe._writableState?.needDrain)
      await Promise.race([once(pipe, 'drain'), gone]);
}

/** The one date format of every workbook Market Pulse writes: unambiguous in every locale. */
export const DATE_FORMAT = 'yyyy-mm-dd';
/** Excel's first id for a custom number format. */
const CUSTOM_FORMAT_ID = 164;

/**
 * Without a styles table exceljs gives date cells Excel's built-in short date (id 14), shown as
 * `mm-dd-yy` or the reader's locale. Its stand-in styles table hands every date cell one style id
 * (created on first use): declare that style with our own `yyyy-mm-dd` format first, so dates read
 * the same everywhere at no per-cell cost.
 */
function showDatesAsIso(workbook: ExcelJS.stream.xlsx.WorkbookWriter): number {
  const styles = (workbook as unknown as { styles: StylesStandIn }).styles;
  styles.model.numFmts.push({ id: CUSTOM_FORMAT_ID, formatCode: DATE_FORMAT });
  const id = styles.model.styles.length;
  styles._dateStyleId = id;
  styles.model.styles.push({ numFmtId: CUSTOM_FORMAT_ID });
  return id;
}

/**
 * A sheet with its header row written through exceljs (the `<cols>`, the opening of
 * `<sheetData>`, the header cells), ready for data rows rendered by `xlsxRowRenderer` and written
 * to its stream as exceljs' own `_writeRow` does; `commit()` then closes it as usual.
 */
function openSheet(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  name: string,
  columns: readonly string[],
): SheetStandIn {
  const sheet = workbook.addWorksheet(name);
  // Headers are cells too: a pass-through column may be named like a formula.
  sheet.columns = columns.map((header) => ({ header: neutralizeFormula(header), key: header }));
  sheet.lastRow?.commit();
  const open = sheet as unknown as SheetStandIn;
  if (!open.startedData) throw new Error(`exceljs did not open the data of sheet ${name}`);
  return open;
}

/** The part of exceljs' `WorksheetWriter` that data rows are written through. */
interface SheetStandIn {
  /** exceljs' `StreamBuf`; `pipes` are the streams it hands data to (the zip's entry input). */
  stream: { write(xml: string): unknown; pipes?: EntryInput[] };
  startedData: boolean;
  commit(): void;
}

/** A stream the sheet data goes to; `_writableState` is where `readable-stream` 2 keeps its state. */
type EntryInput = Writable & { _writableState?: { needDrain?: boolean } };

/** The part of exceljs' stand-in styles table (`StylesXform.Mock`) the date format relies on. */
interface StylesStandIn {
  model: { numFmts: { id: number; formatCode: string }[]; styles: { numFmtId: number }[] };
  _dateStyleId?: number;
}

/** A CSV file: header row (neutralised like text), RFC 4180 quoting, CRLF, values through `csvValue`. */
async function* csvBytes(
  rows: SheetSpec['rows'],
  columns: readonly string[],
): AsyncGenerator<Uint8Array> {
  // csv-stringify's sync API over batches of rows: its stream API pays a stream write per row
  // (~1.3x slower).
  yield Buffer.from(stringify([columns.map(neutralizeFormula)], CSV_OPTIONS));
  let batch: string[][] = [];
  for await (const row of rows) {
    const values = row as Readonly<Record<string, unknown>>;
    batch.push(columns.map((c) => csvValue(values[c])));
    if (batch.length === CSV_BATCH_ROWS) {
      yield Buffer.from(stringify(batch, CSV_OPTIONS));
      batch = [];
    }
  }
  if (batch.length > 0) yield Buffer.from(stringify(batch, CSV_OPTIONS));
}
