import { type ReadScope, UNRESTRICTED_READ_SCOPE } from '../accounts/read-scope.js';
import { readColumnConfig } from '../column-store/column-store.js';
import type { ColumnConfig } from '../columns/column-config.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { SpreadsheetCodec } from '../ports/spreadsheet-codec.js';
import { type RunRowFilter, type RunRowSet, readRunRowSet } from '../run-details/run-details.js';
import { encodeRows, type RowsFormat, type RowsKind } from './rows-file.js';

const KIND: Record<RunRowSet, RowsKind> = {
  rows: 'output',
  excluded: 'excluded',
  errors: 'errors',
};

/**
 * One row set of a committed run (output rows, excluded rows or row errors), filtered, as file
 * bytes in `format` (see `encodeRows`): only the rows and columns `scope` lets its reader see.
 *
 * @example
 * ```ts
 * const { rows, bytes } = await exportRunRowSet({ store, codec }, 3, 'errors', 'csv');
 * ```
 */
export async function exportRunRowSet(
  deps: { store: ObjectStore; codec: SpreadsheetCodec },
  runId: number,
  set: RunRowSet,
  format: RowsFormat,
  options: { filter?: RunRowFilter; config?: ColumnConfig; scope?: ReadScope } = {},
): Promise<{ rows: number; bytes: AsyncIterable<Uint8Array> }> {
  const scope = options.scope ?? UNRESTRICTED_READ_SCOPE;
  const { rows } = await readRunRowSet(deps.store, runId, set, options.filter, scope);
  return {
    rows: rows.length,
    bytes: encodeRows(
      deps.codec,
      KIND[set],
      format,
      rows,
      options.config ?? (await readColumnConfig(deps.store)),
      scope.columns,
    ),
  };
}
