import { type ReadScope, UNRESTRICTED_READ_SCOPE } from '../accounts/read-scope.js';
import { scopeRows } from '../accounts/scope-rows.js';
import { readColumnConfig } from '../column-store/column-store.js';
import type { ColumnConfig } from '../columns/column-config.js';
import { MarketPulseError } from '../errors.js';
import { isCalendarDate } from '../parse/calendar-date.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { SpreadsheetCodec } from '../ports/spreadsheet-codec.js';
import { isRunHidden, readRunRecord, readRunRows, type StoredRow } from '../run/run-protocol.js';
import { listRuns } from '../run/run-queries.js';
import type { RunRecord } from '../run/run-record.js';
import { damagedObject } from '../store/damaged-object.js';
import { encodeRows, type RowsFormat } from './rows-file.js';

/** A view other than the current one (SPEC §8): one run, one business date, or a date range. */
export type ExportSelection = { run: number } | { date: string } | { from: string; to: string };

/**
 * The rows of a selection: one run's, or those of the visible runs of a business date or range —
 * newest run first, as in the current view. Never silently all history. Refuses a bad selection
 * (dates not `YYYY-MM-DD`, from > to; a run that is missing, failed or hidden) before reading rows.
 */
export async function selectionRows(
  store: ObjectStore,
  selection: ExportSelection,
): Promise<StoredRow[]> {
  const rows: StoredRow[] = [];
  for (const record of await selectedRuns(store, selection))
    for (const row of await readRunRows(store, record)) rows.push(row);
  return rows;
}

/**
 * The runs a selection exports, newest first, validated (see {@link selectionRows}) — small reads
 * of run records only, no rows.
 */
export async function selectedRuns(
  store: ObjectStore,
  selection: ExportSelection,
): Promise<RunRecord[]> {
  if ('run' in selection) return [await exportableRun(store, selection.run)];
  const runs: RunRecord[] = [];
  const [from, to] =
    'date' in selection ? [selection.date, selection.date] : [selection.from, selection.to];
  if (!isCalendarDate(from) || !isCalendarDate(to) || from > to) {
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `export dates must be YYYY-MM-DD with from ≤ to (got ${from} … ${to})`,
    );
  }
  for (const run of await listRuns(store)) {
    // A run that cannot be read may belong to the range: leaving it out would be wrong data.
    if (run.state === 'unreadable') throw damagedObject(run.key, run.reason);
    if (run.state !== 'committed' || run.hidden || run.record.status !== 'success') continue;
    const { businessDate } = run.record;
    if (businessDate >= from && businessDate <= to) runs.push(run.record);
  }
  return runs;
}

/**
 * Rows held in memory by a long-lived host (the dashboard's resident index): the rows of runs a
 * reader sees, or null when it does not hold them all. See `DashboardReader.rowsOfRuns`.
 */
export interface ResidentRows {
  /** The rows of `runs` in the order given, as `scopeRows` makes them; null when not all held. */
  rowsOfRuns(runs: readonly number[], scope: ReadScope): Promise<StoredRow[] | null>;
}

/** A run whose rows can be exported: committed, successful and not hidden. */
async function exportableRun(store: ObjectStore, id: number): Promise<RunRecord> {
  const record = await readRunRecord(store, id);
  if (!record)
    throw new MarketPulseError('NOT_FOUND', `run ${id} does not exist (or has not committed)`);
  if (record.status !== 'success')
    throw new MarketPulseError('CONFLICT', `run ${id} failed; it has no rows`);
  if (await isRunHidden(store, id))
    throw new MarketPulseError('CONFLICT', `run ${id} is hidden; restore it to export it`);
  return record;
}

/** An export of a selection, ready to stream. */
export interface SelectionExport {
  rows: number;
  format: RowsFormat;
  /** The file's bytes (xlsx: "Colors" and "Parents" sheets; CSV: every row; JSON lines). */
  bytes: AsyncIterable<Uint8Array>;
}

/**
 * Exports a selection as an xlsx workbook, a CSV file or JSON lines (SPEC §8), as bytes to stream
 * to a file or a response. With `scope` (a user's export), the file holds only the rows and
 * columns its reader may see; the standing exports (the desk's files) are not scoped. With
 * `resident` (a long-lived host's index), rows it holds are not read from the store again.
 *
 * @example
 * ```ts
 * const { rows, bytes } = await exportSelection({ store, codec }, { run: 3 }, 'csv');
 * ```
 */
export async function exportSelection(
  deps: { store: ObjectStore; codec: SpreadsheetCodec; resident?: ResidentRows },
  selection: ExportSelection,
  format: RowsFormat,
  options: { config?: ColumnConfig; scope?: ReadScope } = {},
): Promise<SelectionExport> {
  const config = options.config ?? (await readColumnConfig(deps.store));
  const scope = options.scope ?? UNRESTRICTED_READ_SCOPE;
  const runs = await selectedRuns(deps.store, selection);
  // From the resident index when it holds every run (same rows, same order), else from the store.
  const rows =
    (await deps.resident?.rowsOfRuns(
      runs.map((r) => r.id),
      scope,
    )) ?? (await storedRows(deps.store, runs, scope));

  return {
    rows: rows.length,
    format,
    bytes: encodeRows(deps.codec, 'output', format, rows, config, scope.columns),
  };
}

/** The runs' rows as stored, then as the reader sees them. */
async function storedRows(
  store: ObjectStore,
  runs: readonly RunRecord[],
  scope: ReadScope,
): Promise<StoredRow[]> {
  const all: StoredRow[] = [];
  // Row by row: spreading a run of 1,000,000 rows into push() overflows the stack.
  for (const record of runs) for (const row of await readRunRows(store, record)) all.push(row);
  return scope === UNRESTRICTED_READ_SCOPE ? all : scopeRows(all, scope);
}
