import { createHash } from 'node:crypto';
import {
  type ColorFile,
  type ColorSource,
  type ReadColorsOptions,
  readColors,
  type SourceParseOptions,
  type SourceTable,
} from '@market-pulse/core';
import { openCsvTable } from './csv-reader.js';
import { fileInput, type SpreadsheetInput } from './spreadsheet-input.js';
import { inBatches } from './spreadsheet-rows.js';
import {
  checkSpreadsheetFile,
  DEFAULT_SPREADSHEET_LIMITS,
  formatOf,
  type SpreadsheetFormat,
  type SpreadsheetLimits,
} from './upload-safety.js';
import { readXlsxSheetBatches } from './xlsx-reader.js';

/** How a color file is read. */
export interface ReadColorFileOptions {
  /** Default: from the file name (.xlsx / .csv). */
  format?: SpreadsheetFormat;
  parse?: ReadColorsOptions;
  limits?: SpreadsheetLimits;
}

/** How a color file source reads its file: its format, the upload limits, the configured parse options. */
export interface FileColorSourceOptions {
  /** Default: from the file name (.xlsx / .csv). */
  format?: SpreadsheetFormat;
  limits?: SpreadsheetLimits;
  /** The host's configuration of how values are read (e.g. `NodeConfig.parse`). */
  parse?: SourceParseOptions;
}

/** A color file: a source that always knows its content hash (the file's SHA-256). */
export type FileColorSource = ColorSource & {
  /** The file's SHA-256, hex. */
  contentHash(): Promise<string>;
};

/**
 * A spreadsheet or CSV file as a color source (core's `ColorSource` port): the safety checks
 * (size, zip entries, uncompressed size, ratio) run before any parsing; a workbook's tables are
 * its sheets, a CSV file is one table; its content hash is the file's SHA-256.
 *
 * @example
 * ```ts
 * const { records, errors } = await readColors(fileColorSource('colors.xlsx'));
 * ```
 */
export function fileColorSource(
  path: string,
  options: FileColorSourceOptions = {},
): FileColorSource {
  return spreadsheetColorSource(fileInput(path), options);
}

/**
 * A spreadsheet or CSV file wherever its bytes are (a local file, an S3 object) as a color source:
 * the same safety checks and reading as {@link fileColorSource}, the bytes read by ranges — a CSV
 * file streamed, a workbook's zip directory and then each part it needs.
 *
 * @example
 * ```ts
 * const { records } = await readColors(spreadsheetColorSource(fileInput('colors.csv')));
 * ```
 */
export function spreadsheetColorSource(
  input: SpreadsheetInput,
  options: FileColorSourceOptions = {},
): FileColorSource {
  return {
    name: input.name,
    ...(options.parse ? { parseOptions: options.parse } : {}),
    async *tables(): AsyncGenerator<SourceTable> {
      const format = options.format ?? formatOf(input.name);
      await checkSpreadsheetFile(input, format, options.limits ?? DEFAULT_SPREADSHEET_LIMITS);
      if (format === 'csv') {
        const csv = await openCsvTable(input);
        yield { delimiter: csv.delimiter, rows: inBatches(csv.rows) };
        return;
      }
      for await (const sheet of readXlsxSheetBatches(input))
        yield { name: sheet.name, date1904: sheet.date1904, rows: sheet.batches };
    },
    async contentHash() {
      const hash = createHash('sha256');
      for await (const chunk of input.stream()) hash.update(chunk as Buffer);
      return hash.digest('hex');
    },
  };
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
  const { parse, ...source } = options;
  return readColors(fileColorSource(path, source), parse);
}
