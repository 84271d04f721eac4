// One processing of colors for every caller (SPEC §4 steps 6–7): the run and the dry run share
// it, so a dry run's counts and rows cannot differ from the run's.
import type { RowError } from '../parse/record.js';
import { planRanking } from '../rank/rank-plan.js';
import type { CompiledRules } from '../rules/compile-rules.js';
import type { Rule } from '../rules/rule-schema.js';
import type { RunRecord } from '../run/run-record.js';
import { applyAndKey } from './apply-and-key.js';
import type { RunInput } from './run-input.js';

export type { RunInput } from './run-input.js';

/** A row error with the input it came from. */
export type InputRowError = RowError & { origin: string };

/** The outcome of processing a run's inputs, read row by row (no million-object copies). */
export interface ProcessedColors {
  /** The run's counts (SPEC §4 step 10). */
  counts: RunRecord['counts'];
  /** Output rows, in output order. */
  readonly length: number;
  /** Output row `k` with its run columns (RUN_ID, PROCESSED_AT, PROCESSING_TYPE, ORIGIN). */
  rowAt(k: number): Record<string, unknown>;
  /** Excluded row `n` with its run columns, ROW_ID `<run>-x<n>`, the rule and its witness. */
  excludedRowAt(n: number): Record<string, unknown>;
  /** Every input's row errors, in input order. */
  rowErrors: InputRowError[];
}

/** How processed rows are stamped (RUN_ID, ROW_ID, PROCESSED_AT) and which date ranks them. */
export interface ProcessOptions {
  /** The run's id; `null` for a dry run (ROW_IDs `preview-<n>`, RUN_ID empty). */
  runId: number | null;
  /** ISO instant stamped as PROCESSED_AT. */
  processedAt: string;
  rankDateField?: 'DATE_1' | 'DATE';
}

/**
 * Applies the rules to the union of the inputs — source, then uploads, then sessions, in the
 * caller's order — and ranks what is kept (SPEC §2–3).
 *
 * @example
 * ```ts
 * const processed = processColors(inputs, compileRules(rules, { businessDate }), {
 *   runId: null,
 *   processedAt: clock.now().toISOString(),
 * });
 * for (let k = 0; k < processed.length; k++) console.log(processed.rowAt(k));
 * ```
 */
export function processColors(
  inputs: readonly RunInput[],
  rules: CompiledRules,
  options: ProcessOptions,
): ProcessedColors {
  const pass = applyAndKey(inputs, rules, options.rankDateField ?? 'DATE_1');
  const plan = planRanking(
    pass.kept,
    pass.keys,
    options.runId === null ? 'preview' : String(options.runId),
  );
  let parents = 0;
  for (let k = 0; k < plan.length; k++) if (plan.parentSlot[k] === k) parents++;
  const rowErrors = inputs.flatMap((i) =>
    (i.rowErrors ?? []).map((e) => ({ origin: i.origin, ...e })),
  );
  const inputByOrigin: Record<string, number> = {};
  for (const i of inputs)
    inputByOrigin[i.origin] = (inputByOrigin[i.origin] ?? 0) + i.records.length;
  const excludedByRule: Record<string, number> = {};
  rules.inUse.forEach((rule, k) => {
    excludedByRule[rule.id] = pass.countsByRule[k] as number;
  });
  const { runId, processedAt } = options;
  const { excludedUnion, excludedRule } = pass;
  return {
    counts: {
      input: pass.inputRows,
      inputByOrigin,
      invalid:
        rowErrors.length === 0 ? 0 : new Set(rowErrors.map((e) => `${e.origin}#${e.row}`)).size,
      excluded: pass.excludedCount,
      excludedByRule,
      output: plan.length,
      parents,
      children: plan.length - parents,
    },
    length: plan.length,
    rowAt(k) {
      const row = plan.rowAt(k) as Record<string, unknown>;
      const input = pass.inputAt(pass.keptUnion[plan.order[k] as number] as number);
      row.RUN_ID = runId;
      row.PROCESSED_AT = processedAt;
      row.PROCESSING_TYPE = input.processingType;
      row.ORIGIN = input.origin;
      return row;
    },
    excludedRowAt(n) {
      if (!(n >= 0 && n < pass.excludedCount)) throw new RangeError(`no excluded row ${n}`);
      const unionIndex = excludedUnion[n] as number;
      const input = pass.inputAt(unionIndex);
      const record = pass.recordAt(unionIndex);
      const rule = excludedRule[n] as number;
      // Same keys and order as a spread into a literal, which V8 serialises ~5x slower.
      const row: Record<string, unknown> = Object.assign({}, record);
      row.RUN_ID = runId;
      row.PROCESSED_AT = processedAt;
      row.PROCESSING_TYPE = input.processingType;
      row.ROW_ID = `${runId ?? 'preview'}-x${n + 1}`;
      row.ORIGIN = input.origin;
      row.EXCLUDED_BY = (rules.inUse[rule] as Rule).id;
      // Witnesses are built when a row is read, not for every excluded row up front.
      row.WITNESS = rules.witnessOf(record, rule);
      return row;
    },
    rowErrors,
  };
}
