import type { ColumnConfig } from '../columns/column-config.js';
import type { CalendarDate } from '../parse/calendar-date.js';
import type { ParseNotice } from '../parse/record.js';
import type { ColorSource } from '../ports/color-source.js';
import {
  type InputRowError,
  type ProcessedColors,
  processColors,
  type RunInput,
} from '../processing/process-colors.js';
import { compileRules } from '../rules/compile-rules.js';
import type { RunRecord } from '../run/run-record.js';
import { readColors } from '../sources/read-colors.js';

/** How a dry run processes: the rules, the business date and the run's settings. */
export interface DryRunSettings {
  /** Rule documents (saved rules, or candidates from a rule file). */
  rules: readonly unknown[];
  /** The business date relative rule dates resolve against. */
  businessDate: CalendarDate;
  /** Stamped as PROCESSED_AT. */
  processedAt: string;
  rankDateField?: 'DATE_1' | 'DATE';
  columns?: ColumnConfig;
  /** Which rules apply: the active ones (as a run, default) or all (candidates being tried). */
  use?: 'active' | 'all';
}

/** A run that stores nothing: a source, the rules to apply and the run's settings. */
export interface DryRunRequest extends DryRunSettings {
  source: ColorSource;
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
 * Processes parsed inputs as a run does — the same rules and `processColors` — without a RUN_ID
 * or storing anything: the one processing every dry run shares, so its counts are a run's.
 */
export function processDryRun(
  inputs: readonly RunInput[],
  settings: DryRunSettings,
): { processed: ProcessedColors; ruleNames: Record<string, string> } {
  const rules = compileRules(settings.rules, {
    columns: settings.columns,
    businessDate: settings.businessDate,
    use: settings.use ?? 'active',
  });
  const processed = processColors(inputs, rules, {
    runId: null,
    processedAt: settings.processedAt,
    rankDateField: settings.rankDateField ?? 'DATE_1',
  });
  return { processed, ruleNames: Object.fromEntries(rules.rules.map((r) => [r.id, r.name])) };
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
  const { processed, ruleNames } = processDryRun(
    [
      {
        origin: 'source',
        processingType: 'AUTOMATED',
        records: parsed.records,
        rowErrors: parsed.errors,
      },
    ],
    request,
  );
  const rows: Record<string, unknown>[] = [];
  for (let k = 0; k < processed.length; k++) rows.push(processed.rowAt(k));
  return {
    counts: processed.counts,
    rowErrors: processed.rowErrors,
    notices: parsed.notices,
    rows,
    ruleNames,
  };
}
