import {
  type ColumnConfig,
  type ExportSelection,
  encodeRows,
  exportRunRowSet,
  exportSelection,
  MarketPulseError,
  type ObjectStore,
  type RowsFormat,
  type RowsKind,
  type RunRowFilter,
  type RunRowSet,
  rowsFormatOf,
  type SpreadsheetCodec,
} from '@market-pulse/core';
import { writeFileAtomically } from '../atomic-file.js';
import { spreadsheetCodec } from '../spreadsheets/spreadsheet-codec.js';

/** The format a file's extension asks for; refused before anything is read. */
function formatOfPath(path: string): RowsFormat {
  const format = rowsFormatOf(path);
  if (!format)
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `write rows to a .xlsx, .csv or .jsonl file (got ${path})`,
      { details: { reason: 'file-format', path } },
    );
  return format;
}

/**
 * Exports a run, a business date or a range (core's `exportSelection`) to a file whose format
 * follows its extension (`.xlsx`: Colors and Parents sheets; `.csv`: every row; `.jsonl`: one JSON
 * object per row). The extension is checked before anything is read; the file appears whole or
 * not at all.
 *
 * @example
 * ```ts
 * const { rows } = await exportSelectionToFile(store, { run: 3 }, 'run-3.xlsx');
 * ```
 */
export async function exportSelectionToFile(
  store: ObjectStore,
  selection: ExportSelection,
  path: string,
  options: { config?: ColumnConfig; codec?: SpreadsheetCodec } = {},
): Promise<{ files: string[]; rows: number }> {
  const format = formatOfPath(path);
  const exported = await exportSelection(
    { store, codec: options.codec ?? spreadsheetCodec },
    selection,
    format,
    options.config ? { config: options.config } : {},
  );
  await writeFileAtomically(path, exported.bytes);
  return { files: [path], rows: exported.rows };
}

/**
 * Writes one row set of a committed run — output rows, excluded rows (with rule and witness) or
 * row errors — filtered, to a `.xlsx`, `.csv` or `.jsonl` file, whole or not at all.
 *
 * @example
 * ```ts
 * await exportRunRowSetToFile(store, 3, 'excluded', 'excluded-3.csv', { filter: { sector: 'MM-CLO' } });
 * ```
 */
export async function exportRunRowSetToFile(
  store: ObjectStore,
  runId: number,
  set: RunRowSet,
  path: string,
  options: { filter?: RunRowFilter; config?: ColumnConfig } = {},
): Promise<{ files: string[]; rows: number }> {
  const format = formatOfPath(path);
  const exported = await exportRunRowSet(
    { store, codec: spreadsheetCodec },
    runId,
    set,
    format,
    options,
  );
  await writeFileAtomically(path, exported.bytes);
  return { files: [path], rows: exported.rows };
}

/**
 * Writes rows of a kind (e.g. a dry run's would-be output) to a `.xlsx`, `.csv` or `.jsonl` file,
 * in export column order, whole or not at all.
 *
 * @example
 * ```ts
 * await writeRowsFile('preview.jsonl', 'output', result.rows);
 * ```
 */
export async function writeRowsFile(
  path: string,
  kind: RowsKind,
  rows: readonly Readonly<Record<string, unknown>>[],
  options: { config?: ColumnConfig } = {},
): Promise<{ files: string[]; rows: number }> {
  const format = formatOfPath(path);
  await writeFileAtomically(path, encodeRows(spreadsheetCodec, kind, format, rows, options.config));
  return { files: [path], rows: rows.length };
}
