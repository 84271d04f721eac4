import {
  type Cell,
  type ColorRecord,
  createRecordParser,
  type HeaderProblem,
  isMarketPulseError,
  MarketPulseError,
  type ParseNotice,
  type ParseOptions,
  type RecordParser,
  type RowError,
} from '@market-pulse/core';
import { readCsvRows } from './csv-reader.js';
import type { SheetRow } from './spreadsheet-rows.js';
import {
  checkSpreadsheetFile,
  DEFAULT_SPREADSHEET_LIMITS,
  formatOf,
  type SpreadsheetFormat,
  type SpreadsheetLimits,
} from './upload-safety.js';
import { readXlsxSheets } from './xlsx-reader.js';

export interface ReadColorFileOptions {
  /** Default: from the file name (.xlsx / .csv). */
  format?: SpreadsheetFormat;
  parse?: Omit<ParseOptions, 'date1904' | 'firstRow'>;
  limits?: SpreadsheetLimits;
}

export interface ColorFile {
  records: ColorRecord[];
  errors: RowError[];
  notices: ParseNotice[];
  /** The sheet read (xlsx). */
  sheet?: string;
}

const isBlankRow = (cells: readonly Cell[]) =>
  cells.every((c) => c === null || c === undefined || (typeof c === 'string' && c.trim() === ''));

/** Reads rows up to the first non-blank one, the header. */
async function headerOf(rows: AsyncIterator<SheetRow>): Promise<SheetRow | undefined> {
  for (;;) {
    const next = await rows.next();
    if (next.done) return undefined;
    if (!isBlankRow(next.value.cells)) return next.value;
  }
}

async function parseRest(
  rows: AsyncIterator<SheetRow>,
  parser: RecordParser,
  into: ColorFile,
): Promise<void> {
  for (;;) {
    const next = await rows.next();
    if (next.done) return;
    const outcome = parser.parseRow(next.value.cells, next.value.number);
    if (outcome.kind === 'record') into.records.push(outcome.record);
    else if (outcome.kind === 'errors') into.errors.push(...outcome.errors);
  }
}

/**
 * Reads a color file (xlsx or CSV) through core's parser after the safety checks: for a workbook,
 * the first sheet whose header matches the configuration. Row errors carry sheet row numbers.
 * Throws the header error (VALIDATION_ERROR with `HeaderProblem` details) when no sheet matches.
 *
 * @example
 * ```ts
 * const { records, errors } = await readColorFile('colors.xlsx');
 * ```
 */
export async function readColorFile(
  path: string,
  options: ReadColorFileOptions = {},
): Promise<ColorFile> {
  const format = options.format ?? formatOf(path);
  await checkSpreadsheetFile(path, format, options.limits ?? DEFAULT_SPREADSHEET_LIMITS);
  const result: ColorFile = { records: [], errors: [], notices: [] };
  if (format === 'csv') {
    const rows = readCsvRows(path)[Symbol.asyncIterator]();
    const header = await headerOf(rows);
    if (!header) throw new MarketPulseError('VALIDATION_ERROR', `${path} has no header row`);
    const parser = createRecordParser(header.cells, { ...options.parse });
    result.notices.push(...parser.notices);
    await parseRest(rows, parser, result);
    return result;
  }
  let firstProblem: MarketPulseError<HeaderProblem> | undefined;
  const checked: string[] = [];
  for await (const sheet of readXlsxSheets(path)) {
    checked.push(sheet.name);
    const rows = sheet.rows[Symbol.asyncIterator]();
    const header = await headerOf(rows);
    if (!header) continue;
    let parser: RecordParser;
    try {
      parser = createRecordParser(header.cells, { ...options.parse, date1904: sheet.date1904 });
    } catch (err) {
      if (
        !isMarketPulseError<HeaderProblem>(err, 'VALIDATION_ERROR') ||
        err.details?.kind !== 'header'
      )
        throw err;
      firstProblem ??= err;
      for (let next = await rows.next(); !next.done; next = await rows.next()); // skip this sheet
      continue;
    }
    result.sheet = sheet.name;
    result.notices.push(...parser.notices);
    await parseRest(rows, parser, result);
    return result;
  }
  if (firstProblem) {
    throw new MarketPulseError<HeaderProblem>(
      'VALIDATION_ERROR',
      `no sheet of ${path} has the expected header (checked ${checked.join(', ')}): ${firstProblem.message}`,
      {
        details: firstProblem.details as HeaderProblem,
        cause: firstProblem,
      },
    );
  }
  throw new MarketPulseError('VALIDATION_ERROR', `${path} has no header row in any sheet`);
}
