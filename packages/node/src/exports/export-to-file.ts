import {
  type ColumnConfig,
  type ExportSelection,
  exportSelection,
  MarketPulseError,
  type ObjectStore,
  type SpreadsheetCodec,
} from '@market-pulse/core';
import { writeFileAtomically } from '../atomic-file.js';
import { spreadsheetCodec } from '../spreadsheets/spreadsheet-codec.js';

/**
 * Exports a run, a business date or a range (core's `exportSelection`) to a file whose format
 * follows its extension (`.xlsx`: Colors and Parents sheets; `.csv`: every row). The extension is
 * checked before anything is read; the file appears whole or not at all.
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
  const format = /\.(xlsx|csv)$/i.exec(path)?.[1]?.toLowerCase() as 'xlsx' | 'csv' | undefined;
  if (!format)
    throw new MarketPulseError('VALIDATION_ERROR', `export to .xlsx or .csv (got ${path})`);
  const codec = options.codec ?? spreadsheetCodec;
  const exported = await exportSelection(
    { store, codec },
    selection,
    format,
    options.config ? { config: options.config } : {},
  );
  await writeFileAtomically(path, exported.bytes);
  return { files: [path], rows: exported.rows };
}
