import type { ColumnConfig } from '../columns/column-config.js';
import type { CalendarDate } from '../parse/calendar-date.js';
import type { ParseNotice } from '../parse/record.js';
import type { ColorSource } from '../ports/color-source.js';
import { type InputRowError, processColors } from '../processing/process-colors.js';
import { compileRules } from '../rules/compile-rules.js';
import type { RunRecord } from '../run/run-record.js';
import { readColors } from '../sources/read-colors.js';

/** A run that stores nothing: a source, the rules to apply and the run's settings. */
export interface DryRunRequest {
  source: ColorSource;
  /** Rule documents (saved rules, or candidates from a rule file). */
  rules: readonly unknown[];
  /** The business date relative rule dates resolve against. */
  businessDate: CalendarDate;
  /** Stamped as PROCESSED_AT. */
  processedAt: string;
  rankDateField?: 'DATE_1' | 'DATE';
  columns?: ColumnConfig;
}

/** What the run would have produced, with the same counts a real run records. */
export interface DryRunResult {
  counts: RunRecord['counts'];
  rowErrors: InputRowError[];
  notices: ParseNotice[];
  /** The would-be output rows (ROW_IDs `preview-<n>`, RUN_ID empty), in output order. */
  rows: Record<string, unknown>[];
  /** The names of the rules applied, by id (counts are by id). */
  ruleNames: Record<string, string>;
}

/**
 * Processes a source as a run would — the same parser, rules, ranking and row stamping
 * (`processColors`) — without taking the pipeline or storing anything (SPEC §3 dry run).
 *
 * @example
 * ```ts
 * const { counts, rows } = await dryRun({ source, rules, businessDate: '2026-03-13',
 *   processedAt: clock.now().toISOString() });
 * ```
 */
export async function dryRun(request: DryRunRequest): Promise<DryRunResult> {
  // The columns the rules are compiled against are the columns the rows are read with.
  const parsed = await readColors(
    request.source,
    request.columns ? { columns: request.columns } : {},
  );
  const rules = compileRules(request.rules, {
    columns: request.columns,
    businessDate: request.businessDate,
  });
  const processed = processColors(
    [
      {
        origin: 'source',
        processingType: 'AUTOMATED',
        records: parsed.records,
        rowErrors: parsed.errors,
      },
    ],
    rules,
    {
      runId: null,
      processedAt: request.processedAt,
      rankDateField: request.rankDateField ?? 'DATE_1',
    },
  );
  const rows: Record<string, unknown>[] = [];
  for (let k = 0; k < processed.length; k++) rows.push(processed.rowAt(k));
  return {
    counts: processed.counts,
    rowErrors: processed.rowErrors,
    notices: parsed.notices,
    rows,
    ruleNames: Object.fromEntries(rules.rules.map((r) => [r.id, r.name])),
  };
}
