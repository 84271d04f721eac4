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
import { inBatches, type SheetRow } from './spreadsheet-rows.js';
import {
  checkSpreadsheetFile,
  DEFAULT_SPREADSHEET_LIMITS,
  formatOf,
  type SpreadsheetFormat,
  type SpreadsheetLimits,
} from './upload-safety.js';
import { readXlsxSheetBatches } from './xlsx-reader.js';

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

/**
 * Parses a table into `into`: its first non-blank row is the header, which `parserFor` turns into
 * a parser (or `undefined`: skip the table). The table is always read to its end, as exceljs needs
 * before the next sheet. Returns the parser, `undefined` when skipped, `null` with no header.
 */
async function parseTable(
  batches: AsyncIterable<SheetRow[]>,
  parserFor: (header: readonly Cell[]) => RecordParser | undefined,
  into: ColorFile,
): Promise<RecordParser | undefined | null> {
  let parser: RecordParser | undefined | null = null;
  for await (const batch of batches) {
    for (const row of batch) {
      if (parser === null) {
        if (!isBlankRow(row.cells)) parser = parserFor(row.cells);
        continue;
      }
      if (parser === undefined) break;
      const outcome = parser.parseRow(row.cells, row.number);
      if (outcome.kind === 'record') into.records.push(outcome.record);
      else if (outcome.kind === 'errors') into.errors.push(...outcome.errors);
    }
  }
  return parser;
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
    const parser = await parseTable(
      inBatches(readCsvRows(path)),
      (header) => {
        const parser = createRecordParser(header, { ...options.parse });
        result.notices.push(...parser.notices);
        return parser;
      },
      result,
    );
    if (!parser) throw new MarketPulseError('VALIDATION_ERROR', `${path} has no header row`);
    return result;
  }
  let firstProblem: MarketPulseError<HeaderProblem> | undefined;
  const checked: string[] = [];
  for await (const sheet of readXlsxSheetBatches(path)) {
    checked.push(sheet.name);
    const parser = await parseTable(
      sheet.batches,
      (header) => {
        let parser: RecordParser;
        try {
          parser = createRecordParser(header, { ...options.parse, date1904: sheet.date1904 });
        } catch (err) {
          if (
            !isMarketPulseError<HeaderProblem>(err, 'VALIDATION_ERROR') ||
            err.details?.kind !== 'header'
          )
            throw err;
          firstProblem ??= err;
          return undefined; // skip this sheet
        }
        result.sheet = sheet.name;
        result.notices.push(...parser.notices);
        return parser;
      },
      result,
    );
    if (parser) return result;
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
