// What a committed run kept besides its output rows (SPEC §3, §4): the rows its rules excluded,
// each with the rule credited and the witness, and the rows its inputs could not read. Read with
// the filters every run reader offers.
import { type ReadScope, UNRESTRICTED_READ_SCOPE } from '../accounts/read-scope.js';
import { projectExcludedRow, projectRow } from '../accounts/scope-rows.js';
import { MarketPulseError } from '../errors.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { InputRowError } from '../processing/process-colors.js';
import { listRules } from '../rules/rule-store.js';
import { readExcludedLines, readRunRecord, readRunRows } from '../run/run-protocol.js';
import type { RunRecord } from '../run/run-record.js';
import { runKeys } from '../store/layout.js';

/** The three row sets of a run: output rows, excluded rows, row errors. */
export type RunRowSet = 'rows' | 'excluded' | 'errors';

/**
 * Narrows a run's rows. `cusip` (exact, any case) and `sector` (any case) apply to output and
 * excluded rows; `rule` (an id, or a name in any case) to excluded rows; `column` (any case) to row
 * errors; `origin` (`source`, `upload:<id>`) to all three; `limit` keeps the first N that match.
 */
export interface RunRowFilter {
  cusip?: string;
  sector?: string;
  origin?: string;
  rule?: string;
  column?: string;
  limit?: number;
}

/**
 * A row of a run's row set: an output row as stored; an excluded row with `EXCLUDED_BY` (the rule's
 * id), `RULE_NAME` and `WITNESS`; a row error as `ORIGIN`, `ROW`, `COLUMN`, `VALUE`, `REASON`.
 */
export type RunDetailRow = Record<string, unknown>;

const lower = (v: unknown) => (typeof v === 'string' ? v.trim().toLowerCase() : undefined);

/**
 * The names of a run's rules by id: as they were when it ran (`record.ruleNames`), else as the
 * rules are named now (runs from before names were recorded). A rule gone since has none.
 */
export async function ruleNamesOf(
  store: ObjectStore,
  record: Pick<RunRecord, 'ruleNames'> | null,
): Promise<Record<string, string>> {
  const current = await listRules(store).catch(() => []);
  return { ...Object.fromEntries(current.map((r) => [r.id, r.name])), ...record?.ruleNames };
}

function matcher(set: RunRowSet, filter: RunRowFilter, names: Record<string, string>) {
  const tests: ((row: RunDetailRow) => boolean)[] = [];
  const has = (key: string, wanted: string | undefined) => {
    if (wanted !== undefined) tests.push((row) => lower(row[key]) === lower(wanted));
  };
  if (set === 'errors') {
    has('ORIGIN', filter.origin);
    has('COLUMN', filter.column);
  } else {
    has('CUSIP', filter.cusip);
    has('SECTOR', filter.sector);
    has('ORIGIN', filter.origin);
    if (set === 'excluded' && filter.rule !== undefined) {
      const rule = filter.rule.trim();
      tests.push(
        (row) =>
          row.EXCLUDED_BY === rule || lower(names[row.EXCLUDED_BY as string]) === lower(rule),
      );
    }
  }
  return (row: RunDetailRow) => tests.every((t) => t(row));
}

/** A row error's own fields: its VALUE is a cell of COLUMN, shown only when COLUMN is visible. */
const ERROR_FIELDS: ReadonlySet<string> = new Set(['ORIGIN', 'ROW', 'COLUMN', 'REASON']);

/**
 * A row of a set as `scope` lets its reader see it, or `null` when they may not see it (SPEC §10).
 * Output and excluded rows go by their own SECTOR and show the visible columns; an excluded row
 * keeps its rule and the witness's leaves on visible columns (`projectExcludedRow`). A row error has no
 * SECTOR (the row could not be read), so only readers of every sector see row errors; their VALUE
 * is hidden when its column is.
 */
export function scopeDetailRow(
  set: RunRowSet,
  row: RunDetailRow,
  scope: ReadScope,
): RunDetailRow | null {
  if (set === 'errors') {
    if (!scope.rows.all) return null;
    if (scope.columns.all || scope.columns.allows(String(row.COLUMN))) return row;
    return { ...projectRow(row, scope.columns, ERROR_FIELDS), VALUE: null };
  }
  if (!scope.rows.allows(row.SECTOR)) return null;
  return set === 'excluded'
    ? projectExcludedRow(row, scope.columns)
    : projectRow(row, scope.columns);
}

/**
 * One row set of a committed run, filtered, in stored order (output order; excluded rows and
 * errors in input order), as `scope` lets its reader see it ({@link scopeDetailRow}; everything
 * by default). NOT_FOUND when the run has not committed; a failed run has none.
 *
 * @example
 * ```ts
 * const { rows } = await readRunRowSet(store, 3, 'excluded', { rule: 'No DZ Bank', limit: 20 });
 * ```
 */
export async function readRunRowSet(
  store: ObjectStore,
  runId: number,
  set: RunRowSet,
  filter: RunRowFilter = {},
  scope: ReadScope = UNRESTRICTED_READ_SCOPE,
): Promise<{ record: RunRecord; rows: RunDetailRow[]; ruleNames: Record<string, string> }> {
  const record = await readRunRecord(store, runId);
  if (!record)
    throw new MarketPulseError(
      'NOT_FOUND',
      `run ${runId} has not committed (it is running, died, or never existed)`,
      { details: { runId } },
    );
  const ruleNames = await ruleNamesOf(store, record);
  if (record.status !== 'success') return { record, rows: [], ruleNames };
  const all = await readSet(store, record, set, ruleNames);
  const matches = matcher(set, filter, ruleNames);
  const rows: RunDetailRow[] = [];
  for (const row of all) {
    if (filter.limit !== undefined && rows.length >= filter.limit) break;
    if (!matches(row)) continue;
    const seen = scopeDetailRow(set, row, scope);
    if (seen) rows.push(seen);
  }
  return { record, rows, ruleNames };
}

async function readSet(
  store: ObjectStore,
  record: RunRecord,
  set: RunRowSet,
  names: Record<string, string>,
): Promise<RunDetailRow[]> {
  const keys = runKeys(record.id);
  if (set === 'rows') return readRunRows(store, record);
  if (set === 'excluded')
    return (await readExcludedLines(store, record)).map((line) => {
      const row = JSON.parse(line) as RunDetailRow;
      row.RULE_NAME = names[row.EXCLUDED_BY as string] ?? null;
      return row;
    });
  const body = await store.get(keys.rowErrors);
  if (!body)
    throw new MarketPulseError('INTERNAL', `${keys.rowErrors} is missing`, {
      details: { key: keys.rowErrors },
    });
  const errors = JSON.parse(new TextDecoder().decode(body.body)) as InputRowError[];
  return errors.map((e) => ({
    ORIGIN: e.origin,
    ROW: e.row,
    COLUMN: e.column,
    VALUE: e.value ?? null,
    REASON: e.reason,
  }));
}
