import { z } from 'zod';
import type { ColumnConfig } from '../columns/column-config.js';
import { defaultColumnConfig } from '../columns/default-columns.js';
import { MarketPulseError } from '../errors.js';
import { isCalendarDate } from '../parse/calendar-date.js';
import type { ColorRecord } from '../parse/record.js';
import {
  type CompileContext,
  type CompiledCondition,
  compileCondition,
  type WitnessLeaf,
} from './compile-condition.js';
import { createFirstMatch, type FirstMatch } from './first-match.js';
import { convertLegacyRule } from './legacy-rules.js';
import { describeRuleIssues } from './rule-issues.js';
import {
  type ConditionSize,
  checkConditionLimits,
  emptyRuleSetBudget,
  spendRuleBudget,
} from './rule-limits.js';
import {
  type Condition,
  conditionSchema,
  type Rule,
  type RuleInput,
  ruleSchema,
} from './rule-schema.js';
import { createKeyCache } from './value-keys.js';

/** Options of {@link compileRules} and {@link compileFilter}. */
export interface CompileOptions {
  /** The columns rule fields name and values are read as (default: SPEC §1.1). */
  columns?: ColumnConfig;
  /** The run's business date (`YYYY-MM-DD`) for relative dates such as `today-2bd`. */
  businessDate?: string;
  /** Which rules `apply` uses: the active ones (automated runs, default) or all (a session's picks). */
  use?: 'active' | 'all';
}

/** One problem that makes a rule unusable. */
export interface RuleProblem {
  ruleId: string | undefined;
  ruleName: string | undefined;
  /** Where in the rule (`when.any[1]`), with the condition. */
  path: string;
  reason: string;
}

/** A row a rule excluded, with the rule credited and why. */
export interface ExcludedRow<R> {
  row: R;
  /** Position of the row in the input. */
  index: number;
  /** The rule credited: the first match by priority, creation time, then position. */
  ruleId: string;
  /** The leaves that decided it, with the row's values. */
  witness: WitnessLeaf[];
}

/** The outcome of {@link CompiledRules.apply}: every input row is either kept or excluded. */
export interface RuleApplication<R> {
  /** The rows no rule matched, in input order. */
  kept: R[];
  /** `keptIndex[k]`: position in the input of `kept[k]`. */
  keptIndex: Int32Array;
  /** The rows a rule matched, in input order. */
  excluded: ExcludedRow<R>[];
  /** Excluded rows per credited rule id (0 for rules that matched nothing). */
  countsByRule: Record<string, number>;
}

/** Rules compiled by {@link compileRules}, ready to apply to any number of record sets. */
export interface CompiledRules {
  /** The rules in the order they are tried. */
  readonly rules: readonly Rule[];
  /**
   * Splits `records` into kept and excluded rows: each row is excluded by the first rule in use
   * (the active ones, or all with `use: 'all'`) that matches it. The input is not modified.
   */
  apply<R extends ColorRecord>(records: readonly R[]): RuleApplication<R>;
  /** The rules `apply` tries, in the order it tries them (what {@link CompiledRules.matchIndex} indexes). */
  readonly inUse: readonly Rule[];
  /**
   * `apply`'s decision for one row, for callers that keep their own columns instead of `apply`'s
   * arrays (a run's single pass): the index in `inUse` of the rule credited, or -1 when the row is
   * kept.
   */
  matchIndex(row: ColorRecord): number;
  /** The witness `apply` records for a row excluded by `inUse[k]` (k from `matchIndex`). */
  witnessOf(row: ColorRecord, k: number): WitnessLeaf[];
}

/**
 * Validates and compiles exclusion rules (SPEC §3) into synchronous predicates. Accepts rule
 * documents and the legacy `conditions` form. Throws a VALIDATION_ERROR whose `details.problems`
 * name each rule, condition and reason (unknown field, operator unfit for the column type, value
 * that does not parse, empty group or list, duplicate id or name, a limit of `RULE_LIMITS`
 * exceeded — a stored document past them is reported, never crashed on).
 *
 * Each row costs one hash lookup per field on which many rules test equality (those rules are
 * indexed by value) plus the other rules' tests; an excluded row's witness is bounded by the
 * limits (see `WitnessLeaf`).
 *
 * @example
 * ```ts
 * const rules = compileRules([
 *   { id: 'r1', name: 'No valuations', active: true, priority: 1,
 *     when: { field: 'BIAS', op: 'equal_to', value: 'VALUATION' } },
 * ], { businessDate: '2026-03-13' });
 * const { kept, excluded } = rules.apply(records);
 * ```
 */
export function compileRules(
  ruleDocs: readonly unknown[],
  options: CompileOptions = {},
): CompiledRules {
  const { rules, apply, inUse, matchIndex, witnessOf } = compile(ruleDocs, options, false);
  return { rules, apply, inUse, matchIndex, witnessOf };
}

/** Checks rules as {@link compileRules} does, without a business date (e.g. when a rule is saved); returns them parsed, in input order. */
export function validateRules(
  ruleDocs: readonly unknown[],
  options: Pick<CompileOptions, 'columns'> = {},
): Rule[] {
  return compile(ruleDocs, options, true).inputOrder;
}

function compile(
  ruleDocs: readonly unknown[],
  options: CompileOptions,
  validateOnly: boolean,
): CompiledRules & { inputOrder: Rule[] } {
  const columns = options.columns ?? defaultColumnConfig;
  if (options.businessDate !== undefined && !isCalendarDate(options.businessDate)) {
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `businessDate must be YYYY-MM-DD (got ${options.businessDate})`,
    );
  }
  const problems: RuleProblem[] = [];
  const entries: { rule: Rule; compiled: CompiledCondition; position: number }[] = [];
  const ids = new Set<string>();
  const names = new Set<string>();
  const budget = emptyRuleSetBudget();
  const keyOf = createKeyCache();
  ruleDocs.forEach((doc, position) => {
    const read = readRule(doc, position, problems);
    if (!read) return;
    const { rule, size } = read;
    const label = { ruleId: rule.id, ruleName: rule.name };
    const over = spendRuleBudget(budget, size);
    if (over) {
      problems.push({ ...label, path: '(rule set)', reason: over });
      return;
    }
    const context: CompileContext = {
      columns,
      keyOf,
      businessDate: options.businessDate,
      validateOnly,
      problems: [],
    };
    const compiled = compileCondition(rule.when, 'when', context);
    for (const p of context.problems) problems.push({ ...label, ...p });
    if (ids.has(rule.id))
      problems.push({ ...label, path: 'id', reason: `id ${rule.id} is used by another rule` });
    ids.add(rule.id);
    const nameKey = rule.name.trim().toLowerCase();
    if (names.has(nameKey))
      problems.push({
        ...label,
        path: 'name',
        reason: `name "${rule.name}" is used by another rule (names are case-insensitive)`,
      });
    names.add(nameKey);
    entries.push({ rule, compiled, position });
  });
  if (problems.length > 0) {
    // The message quotes the first problems (a stored set may hold thousands); details hold all.
    const summary =
      problems
        .slice(0, 20)
        .map((p) => `rule ${p.ruleName ?? p.ruleId ?? '?'}: ${p.path}: ${p.reason}`)
        .join('; ') + (problems.length > 20 ? `; and ${problems.length - 20} more` : '');
    const rules = new Set(problems.map((p) => `${p.ruleId}\u0000${p.ruleName}`)).size;
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `invalid ${rules === 1 ? 'rule' : 'rules'}: ${summary}`,
      { details: { problems } },
    );
  }
  const inputOrder = entries.map((e) => e.rule);
  entries.sort(
    (a, b) =>
      a.rule.priority - b.rule.priority ||
      createdMs(a.rule) - createdMs(b.rule) ||
      a.position - b.position,
  );
  const used = options.use === 'all' ? entries : entries.filter((e) => e.rule.active);
  // Built on first use: saving a rule validates the whole set and never applies it.
  let firstMatch: FirstMatch | undefined;
  const witnessOf = (row: ColorRecord, k: number): WitnessLeaf[] => {
    const entry = used[k];
    if (!entry) throw new RangeError(`no rule in use at ${k}`);
    const witness: WitnessLeaf[] = [];
    entry.compiled.explain(row, witness, true);
    return witness;
  };

  return {
    inputOrder,
    rules: entries.map((e) => e.rule),
    inUse: used.map((e) => e.rule),
    matchIndex(row) {
      firstMatch ??= createFirstMatch(used.map((e) => e.compiled));
      return firstMatch(row);
    },
    witnessOf,
    apply<R extends ColorRecord>(records: readonly R[]): RuleApplication<R> {
      const kept: R[] = [];
      const keptIndex = new Int32Array(records.length);
      const excluded: ExcludedRow<R>[] = [];
      const counts = new Int32Array(used.length);
      firstMatch ??= createFirstMatch(used.map((e) => e.compiled));
      for (let index = 0; index < records.length; index++) {
        const row = records[index] as R;
        const hit = firstMatch(row);
        if (hit < 0) {
          keptIndex[kept.length] = index;
          kept.push(row);
        } else {
          const entry = used[hit] as (typeof used)[number];
          counts[hit] = (counts[hit] as number) + 1;
          excluded.push({ row, index, ruleId: entry.rule.id, witness: witnessOf(row, hit) });
        }
      }
      const countsByRule: Record<string, number> = {};
      used.forEach((e, k) => {
        countsByRule[e.rule.id] = counts[k] as number;
      });
      return { kept, keptIndex: keptIndex.subarray(0, kept.length), excluded, countsByRule };
    },
  };
}

function createdMs(rule: Rule): number {
  return rule.createdAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(rule.createdAt);
}

/** A rule document read and checked against the per-rule limits, with its size for the set's. */
function readRule(
  doc: unknown,
  position: number,
  problems: RuleProblem[],
): { rule: Rule; size: ConditionSize } | undefined {
  const candidate =
    typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>) : undefined;
  const label = {
    ruleId: typeof candidate?.id === 'string' ? candidate.id : undefined,
    ruleName: typeof candidate?.name === 'string' ? candidate.name : `#${position + 1}`,
  };
  let legacy: Rule | undefined;
  if (candidate && 'conditions' in candidate && !('when' in candidate)) {
    const converted = convertLegacyRule(candidate, { fallbackId: `legacy-${position + 1}` });
    if (!converted.ok) {
      problems.push({ ...label, path: 'conditions', reason: converted.reason });
      return undefined;
    }
    legacy = converted.rule;
  }
  // Before the schema: zod walks the tree recursively, and a tree 10,000 deep overflows the stack.
  const size = checkConditionLimits(legacy ? legacy.when : candidate?.when, 'when');
  if (size.problems.length > 0) {
    for (const p of size.problems) problems.push({ ...label, ...p });
    return undefined;
  }
  if (legacy) return { rule: legacy, size };
  const parsed = ruleSchema.safeParse(doc);
  if (!parsed.success) {
    for (const issue of describeRuleIssues(doc, parsed.error.issues))
      problems.push({ ...label, ...issue });
    return undefined;
  }
  return { rule: parsed.data, size };
}

/** A compiled filter: rows that match are kept (presets, generic searches). */
export interface CompiledFilter {
  /** True when the row satisfies the condition tree. A plain function: `rows.filter(f.matches)` works. */
  matches(row: Readonly<Record<string, unknown>>): boolean;
}

/**
 * Compiles a condition tree as a filter that **keeps** matching rows — the same compiler and
 * semantics as rules, with the opposite use (SPEC §3 presets).
 *
 * @example
 * ```ts
 * const clo = compileFilter({ field: 'SECTOR', op: 'in', value: ['MM-CLO', '2.0_Mezz'] });
 * rows.filter(clo.matches);
 * ```
 */
export function compileFilter(
  when: Condition,
  options: Omit<CompileOptions, 'use'> = {},
): CompiledFilter {
  const limits = checkConditionLimits(when, 'when').problems;
  if (limits.length > 0) {
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `invalid filter: ${limits.map((p) => `${p.path}: ${p.reason}`).join('; ')}`,
      { details: { problems: limits } },
    );
  }
  const parsed = conditionSchema.safeParse(when);
  if (!parsed.success) {
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `invalid filter: ${z.prettifyError(parsed.error)}`,
      { details: { issues: parsed.error.issues } },
    );
  }
  const context: CompileContext = {
    columns: options.columns ?? defaultColumnConfig,
    keyOf: createKeyCache(),
    businessDate: options.businessDate,
    validateOnly: false,
    problems: [],
  };
  const compiled = compileCondition(parsed.data, 'when', context);
  if (context.problems.length > 0) {
    const problems = context.problems;
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `invalid filter: ${problems.map((p) => `${p.path}: ${p.reason}`).join('; ')}`,
      { details: { problems } },
    );
  }
  const test = compiled.test as (row: Readonly<Record<string, unknown>>) => boolean;
  return { matches: (row) => test(row) };
}

export type { RuleInput };
