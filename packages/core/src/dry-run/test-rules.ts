import type { ColumnConfig } from '../columns/column-config.js';
import type { CalendarDate } from '../parse/calendar-date.js';
import type { ColorRecord } from '../parse/record.js';
import type { WitnessLeaf } from '../rules/compile-condition.js';
import { compileRules } from '../rules/compile-rules.js';
import { rulesOfFile } from '../rules/import-rules.js';

/** What a set of candidate rules would exclude from some rows. */
export interface RuleTestResult {
  rows: number;
  excluded: number;
  kept: number;
  /** Excluded rows per credited rule id. */
  byRule: Record<string, number>;
  /** The names of the rules tested, by id. */
  ruleNames: Record<string, string>;
  excludedSamples: { ruleId: string; witness: WitnessLeaf[]; row: ColorRecord }[];
  keptSamples: ColorRecord[];
}

/**
 * Tests rules before saving them (SPEC §3 dry run): a rule file in any accepted form (one rule,
 * an array, `{rules:[…]}`, the legacy form), active or not, against rows — counts per rule and
 * samples of excluded (with the witness) and kept rows. A rule the file cannot hold is refused
 * with its name and the reasons (VALIDATION_ERROR).
 *
 * @example
 * ```ts
 * const result = testRules(JSON.parse(ruleFile), records, { businessDate: '2026-03-13' });
 * ```
 */
export function testRules(
  ruleFile: unknown,
  records: readonly ColorRecord[],
  options: { businessDate: CalendarDate; columns?: ColumnConfig; samples?: number },
): RuleTestResult {
  const candidates = rulesOfFile(ruleFile, { columns: options.columns });
  const compiled = compileRules(candidates, {
    columns: options.columns,
    businessDate: options.businessDate,
    use: 'all',
  });
  const applied = compiled.apply(records);
  const samples = options.samples ?? 5;
  return {
    rows: records.length,
    excluded: applied.excluded.length,
    kept: applied.kept.length,
    byRule: applied.countsByRule,
    ruleNames: Object.fromEntries(compiled.rules.map((r) => [r.id, r.name])),
    excludedSamples: applied.excluded
      .slice(0, samples)
      .map((e) => ({ ruleId: e.ruleId, witness: e.witness, row: e.row })),
    keptSamples: applied.kept.slice(0, samples),
  };
}
