import type { ReadScope } from '../accounts/read-scope.js';
import { projectExcludedRow } from '../accounts/scope-rows.js';
import { type ColumnConfig, OUTPUT_ONLY_COLUMNS } from '../columns/column-config.js';
import { MarketPulseError } from '../errors.js';
import type { ColorRecord, RowError } from '../parse/record.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { RunInput } from '../processing/process-colors.js';
import { readExcludedLines, readRunRecord, readRunRows } from '../run/run-protocol.js';
import type { RunRecord } from '../run/run-record.js';
import { readRunRowSet } from '../run-details/run-details.js';
import { processDryRun } from './dry-run.js';

/** A dry run over the inputs a committed run read. */
export interface StoredRunDryRunRequest {
  runId: number;
  /** Rule documents to try (saved rules or candidates). */
  rules: readonly unknown[];
  /** `active` (as a run applies them, default) or `all` (candidates tried whatever their flag). */
  use?: 'active' | 'all';
  /** Stamped as PROCESSED_AT on the samples. */
  processedAt: string;
  columns?: ColumnConfig;
  /** What the reader may see: other sectors' rows take no part; samples show visible columns only. */
  scope?: ReadScope;
  /** Samples of excluded and of kept rows (default 5 each). */
  samples?: number;
}

/** What the rules would do to a stored run's inputs, next to what the run recorded. */
export interface StoredRunDryRunResult {
  runId: number;
  /** The run's business date: relative rule dates resolve against it, as they did in the run. */
  businessDate: string;
  /** The counts these rules give on the run's inputs (the reader's rows only, when scoped). */
  counts: RunRecord['counts'];
  /** The counts the run itself recorded, for comparison. */
  recorded: RunRecord['counts'];
  /** The names of the rules tried, by id. */
  ruleNames: Record<string, string>;
  /** Excluded rows with the rule (`EXCLUDED_BY`) and the witness that explains it. */
  excludedSamples: Record<string, unknown>[];
  keptSamples: Record<string, unknown>[];
}

// What a run adds to an input row; stripped to get the row as it was read.
const RUN_COLUMNS = new Set<string>([
  ...OUTPUT_ONLY_COLUMNS,
  'EXCLUDED_BY',
  'WITNESS',
  'RULE_NAME',
]);

/**
 * Tries rules on the rows a committed run read (SPEC §3 dry run "against the inputs of a given
 * run"): its output rows and its excluded rows, as read, by input — processed by the same
 * `processDryRun` every dry run and the run share, against the run's business date, so with the
 * rules the run applied the counts are the run's. Rows the run could not read never reached the
 * rules; they are counted as the run counted them. Stores nothing.
 *
 * @example
 * ```ts
 * const { counts, recorded } = await dryRunStoredRun(store, { runId: 3, rules: candidates,
 *   use: 'all', processedAt: clock.now().toISOString() });
 * ```
 */
export async function dryRunStoredRun(
  store: ObjectStore,
  request: StoredRunDryRunRequest,
): Promise<StoredRunDryRunResult> {
  const record = await readRunRecord(store, request.runId);
  if (!record)
    throw new MarketPulseError(
      'NOT_FOUND',
      `run ${request.runId} has not committed (it is running, died, or never existed)`,
      { details: { runId: request.runId } },
    );
  if (record.status !== 'success')
    throw new MarketPulseError(
      'CONFLICT',
      `run ${record.id} ${record.status === 'failed' ? 'failed' : `is ${record.status}`}: it kept no input rows to try rules on; pick a successful run`,
      { details: { runId: record.id, status: record.status } },
    );
  const visible = (row: Record<string, unknown>) =>
    !request.scope || request.scope.rows.allows(row.SECTOR);
  const byOrigin = new Map<string, ColorRecord[]>(
    Object.keys(record.counts.inputByOrigin).map((origin) => [origin, []]),
  );
  const types = new Map<string, RunInput['processingType']>();
  const add = (row: Record<string, unknown>) => {
    if (!visible(row)) return;
    const origin = String(row.ORIGIN ?? 'source');
    types.set(origin, row.PROCESSING_TYPE === 'MANUAL' ? 'MANUAL' : 'AUTOMATED');
    const input: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(row))
      if (!RUN_COLUMNS.has(name)) input[name] = value;
    const records = byOrigin.get(origin) ?? [];
    records.push(input as ColorRecord);
    byOrigin.set(origin, records);
  };
  for (const row of await readRunRows(store, record)) add(row);
  for (const line of await readExcludedLines(store, record)) add(JSON.parse(line));
  const errors = (await readRunRowSet(store, record.id, 'errors')).rows;
  const inputs: RunInput[] = [...byOrigin].map(([origin, records]) => ({
    origin,
    processingType: types.get(origin) ?? (origin === 'source' ? 'AUTOMATED' : 'MANUAL'),
    records,
    rowErrors: errors
      .filter((e) => e.ORIGIN === origin)
      .map((e) => ({ row: e.ROW, column: e.COLUMN, value: e.VALUE, reason: e.REASON }) as RowError),
  }));
  const { processed, ruleNames } = processDryRun(inputs, {
    rules: request.rules,
    use: request.use ?? 'active',
    businessDate: record.businessDate,
    processedAt: request.processedAt,
    columns: request.columns,
  });
  const samples = request.samples ?? 5;
  // Output columns are data like any other (a hidden PROCESSED_AT stays hidden); an exclusion is
  // shown as run details show it: its rule, and the witness's leaves on visible columns.
  const shown = (row: Record<string, unknown>) =>
    request.scope ? projectExcludedRow(row, request.scope.columns) : row;
  const excludedSamples: Record<string, unknown>[] = [];
  for (let n = 0; n < Math.min(samples, processed.counts.excluded); n++)
    excludedSamples.push(shown(processed.excludedRowAt(n)));
  const keptSamples: Record<string, unknown>[] = [];
  for (let k = 0; k < Math.min(samples, processed.length); k++)
    keptSamples.push(shown(processed.rowAt(k)));
  return {
    runId: record.id,
    businessDate: record.businessDate,
    counts: processed.counts,
    recorded: record.counts,
    ruleNames,
    excludedSamples,
    keptSamples,
  };
}
