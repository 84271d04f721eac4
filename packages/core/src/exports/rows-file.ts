import type { ColumnScope } from '../accounts/read-scope.js';
import { EXCLUSION_FIELDS, visibleColumns } from '../accounts/scope-rows.js';
import type { ColumnConfig } from '../columns/column-config.js';
import { defaultColumnConfig } from '../columns/default-columns.js';
import { columnKinds } from '../export/cell-values.js';
import { exportColumns } from '../export/export-columns.js';
import { witnessText } from '../export/witness-text.js';
import type {
  ColumnKinds,
  SpreadsheetCodec,
  SpreadsheetFormat,
} from '../ports/spreadsheet-codec.js';
import { viewSheets } from './standing-set.js';

/** The formats rows are written in: the spreadsheet ones, and JSON lines (JSON types kept). */
export type RowsFormat = SpreadsheetFormat | 'jsonl';

/** What rows a file holds: output rows, excluded rows (with rule and witness), or row errors. */
export type RowsKind = 'output' | 'excluded' | 'errors';

/** The columns an excluded row has after the output columns. */
export const EXCLUDED_COLUMNS = ['EXCLUDED_BY', 'RULE_NAME', 'WITNESS'] as const;
/** The columns of a row error. */
export const ERROR_COLUMNS = ['ORIGIN', 'ROW', 'COLUMN', 'VALUE', 'REASON'] as const;

/** The format a file name asks for (`.xlsx`, `.csv`, `.jsonl`, any case), or undefined. */
export function rowsFormatOf(path: string): RowsFormat | undefined {
  return /\.(xlsx|csv|jsonl)$/i.exec(path)?.[1]?.toLowerCase() as RowsFormat | undefined;
}

type Row = Readonly<Record<string, unknown>>;

/** The columns of rows of a kind, in export order (SPEC §1.3), pass-through columns last. */
export function rowsColumns(kind: RowsKind, rows: Iterable<Row>, config: ColumnConfig): string[] {
  if (kind === 'errors') return [...ERROR_COLUMNS];
  const extra = new Set<string>(kind === 'excluded' ? EXCLUDED_COLUMNS : []);
  const keys = new Set<string>();
  for (const row of rows) for (const key in row) if (!extra.has(key)) keys.add(key);
  return [...exportColumns(config, keys), ...extra];
}

const encoder = new TextEncoder();

/** The columns of a kind that are not data columns: kept whatever the reader's CLO. */
const OWN_COLUMNS: Record<RowsKind, ReadonlySet<string>> = {
  output: new Set(),
  excluded: EXCLUSION_FIELDS,
  errors: new Set(ERROR_COLUMNS),
};

/**
 * Rows as file bytes. `xlsx`: output rows as the Colors and Parents sheets, excluded rows as
 * "Excluded", row errors as "Errors"; `csv`: every row; `jsonl`: one JSON object per row in
 * column order, JSON types kept (a witness stays structured). In a spreadsheet a witness is
 * written in words ({@link witnessText}). With `scope` (a reader's columns), the file has only the
 * columns it allows — headers included; an excluded row's WITNESS as the rows carry it (scoped
 * leaf by leaf when read, `projectExcludedRow`).
 *
 * @example
 * ```ts
 * const bytes = encodeRows(codec, 'output', 'jsonl', rows);
 * ```
 */
export function encodeRows(
  codec: SpreadsheetCodec,
  kind: RowsKind,
  format: RowsFormat,
  rows: readonly Row[],
  config: ColumnConfig = defaultColumnConfig,
  scope?: ColumnScope,
): AsyncIterable<Uint8Array> {
  const all = rowsColumns(kind, rows, config);
  const columns = scope ? visibleColumns(all, scope, OWN_COLUMNS[kind]) : all;
  if (format === 'jsonl') return jsonLines(rows, columns);
  const flat =
    kind === 'excluded' ? rows.map((r) => ({ ...r, WITNESS: witnessText(r.WITNESS) })) : rows;
  const kinds: ColumnKinds = kind === 'errors' ? new Map() : columnKinds(config);
  const sheets =
    format === 'csv' || kind !== 'output'
      ? [
          {
            name: kind === 'output' ? 'Colors' : kind === 'excluded' ? 'Excluded' : 'Errors',
            rows: flat,
          },
        ]
      : viewSheets(flat as Parameters<typeof viewSheets>[0]);
  return codec.write(format, sheets, { columns, kinds });
}

async function* jsonLines(
  rows: readonly Row[],
  columns: readonly string[],
): AsyncGenerator<Uint8Array> {
  let batch: string[] = [];
  for (const row of rows) {
    batch.push(JSON.stringify(Object.fromEntries(columns.map((c) => [c, row[c] ?? null]))));
    if (batch.length === 1000) {
      yield encoder.encode(`${batch.join('\n')}\n`);
      batch = [];
    }
  }
  if (batch.length > 0) yield encoder.encode(`${batch.join('\n')}\n`);
}
