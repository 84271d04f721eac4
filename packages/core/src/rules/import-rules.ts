import type { ColumnConfig } from '../columns/column-config.js';
import { isMarketPulseError, MarketPulseError } from '../errors.js';
import type { RuleProblem } from './compile-rules.js';
import { validateRules } from './compile-rules.js';
import { convertLegacyRule } from './legacy-rules.js';
import { checkConditionLimits, emptyRuleSetBudget, spendRuleBudget } from './rule-limits.js';
import type { Rule } from './rule-schema.js';

/** What happened to one rule of an imported file. */
export interface RuleImportEntry {
  /** 1-based position in the file. */
  position: number;
  id?: string;
  name?: string;
  outcome: 'imported' | 'refused';
  /** True when the rule came in the legacy `conditions` form. */
  converted: boolean;
  /** The name in the file, when it clashed with another rule and was renamed. */
  renamedFrom?: string;
  messages: string[];
}

/** The outcome of {@link importRules}. */
export interface RuleImport {
  /** The rules that came in, converted, renamed and given fresh ids where needed. */
  rules: Rule[];
  /** One entry per rule of the file, in file order, imported or refused. */
  report: RuleImportEntry[];
}

/** Options of {@link importRules}. */
export interface ImportOptions {
  /** The columns the rules are checked against (default: SPEC §1.1). */
  columns?: ColumnConfig;
  /** Rules already stored: imported names that clash (case-insensitively) are renamed. */
  existing?: readonly Rule[];
  /**
   * Makes an id for a rule that has none (a rule written by hand; a legacy rule) or whose id is
   * taken (default `imported-<position>`).
   */
  newId?: (position: number) => string;
}

/** The rule list inside a rule file: one rule, an array, or `{ "rules": [...] }` (SPEC §14). */
export function ruleFileEntries(file: unknown): unknown[] {
  if (Array.isArray(file)) return file;
  if (
    typeof file === 'object' &&
    file !== null &&
    Array.isArray((file as { rules?: unknown }).rules)
  ) {
    return (file as { rules: unknown[] }).rules;
  }
  return [file];
}

/**
 * Imports a rule file rule by rule: legacy rules are converted, clashing names renamed, invalid
 * rules refused with the reason — the others still come in. A rule without an id gets one
 * (`newId`); a rule without `active` is active. A rule that would take the set (`existing` and
 * the rules before it) past `RULE_LIMITS` is refused, naming the limit.
 *
 * @example
 * ```ts
 * const { rules, report } = importRules(JSON.parse(text), { existing: stored });
 * report.filter((r) => r.outcome === 'refused');
 * ```
 */
export function importRules(file: unknown, options: ImportOptions = {}): RuleImport {
  const rules: Rule[] = [];
  const report: RuleImportEntry[] = [];
  const names = new Set((options.existing ?? []).map((r) => r.name.toLowerCase()));
  const ids = new Set((options.existing ?? []).map((r) => r.id));
  const newId = options.newId ?? ((position: number) => `imported-${position}`);
  // The set-wide limits count the rules already stored, then each imported rule in file order.
  const budget = emptyRuleSetBudget();
  for (const r of options.existing ?? []) {
    const size = checkConditionLimits(r.when, 'when');
    budget.rules += 1;
    budget.leaves += size.leaves;
    budget.testedLeaves += size.testedLeaves;
    budget.listValues += size.listValues;
  }
  ruleFileEntries(file).forEach((doc, index) => {
    const position = index + 1;
    const raw = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>) : {};
    const isLegacy = 'conditions' in raw && !('when' in raw);
    const entry: RuleImportEntry = {
      position,
      outcome: 'refused',
      converted: isLegacy,
      messages: [],
    };
    if (typeof raw.name === 'string') entry.name = raw.name;
    // A rule written by hand may leave out its id (the store's to give) and `active` (a rule one
    // writes down is meant to apply), as `rules add` allows.
    let candidate: unknown =
      typeof doc === 'object' && doc !== null && !Array.isArray(doc) && !isLegacy
        ? { active: true, ...raw, ...(raw.id === undefined ? { id: newId(position) } : {}) }
        : doc;
    if (isLegacy) {
      const conversion = convertLegacyRule(doc, { fallbackId: newId(position) });
      if (!conversion.ok) {
        entry.messages.push(conversion.reason);
        report.push(entry);
        return;
      }
      entry.messages.push('converted from the legacy conditions form', ...conversion.messages);
      candidate = conversion.rule;
    }
    let rule: Rule;
    try {
      [rule] = validateRules([candidate], { columns: options.columns }) as [Rule];
    } catch (err) {
      if (!isMarketPulseError<{ problems: RuleProblem[] }>(err, 'VALIDATION_ERROR')) throw err;
      entry.messages.push(...(err.details?.problems ?? []).map((p) => `${p.path}: ${p.reason}`));
      report.push(entry);
      return;
    }
    const over = spendRuleBudget(budget, checkConditionLimits(rule.when, 'when'));
    if (over) {
      entry.messages.push(over);
      report.push(entry);
      return;
    }
    if (ids.has(rule.id)) {
      let id = newId(position);
      for (let n = 2; ids.has(id); n++) id = `${newId(position)}-${n}`;
      entry.messages.push(`id ${rule.id} is taken; imported as ${id}`);
      rule = { ...rule, id };
    }
    if (names.has(rule.name.toLowerCase())) {
      let n = 2;
      while (names.has(`${rule.name} (${n})`.toLowerCase())) n++;
      entry.renamedFrom = rule.name;
      rule = { ...rule, name: `${rule.name} (${n})` };
      entry.messages.push(`name "${entry.renamedFrom}" is taken; renamed to "${rule.name}"`);
    }
    ids.add(rule.id);
    names.add(rule.name.toLowerCase());
    entry.outcome = 'imported';
    entry.id = rule.id;
    entry.name = rule.name;
    rules.push(rule);
    report.push(entry);
  });
  return { rules, report };
}

/**
 * The rules of a rule file, all or nothing (a dry run, a rule test): VALIDATION_ERROR naming each
 * rule the file cannot hold and why, with the report in `details.refused`.
 *
 * @example
 * ```ts
 * const rules = rulesOfFile(JSON.parse(await readFile('rules.json', 'utf8')));
 * ```
 */
export function rulesOfFile(file: unknown, options: ImportOptions = {}): Rule[] {
  const { rules, report } = importRules(file, options);
  const refused = report.filter((r) => r.outcome === 'refused');
  if (refused.length > 0)
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      refused
        .map((r) => `rule ${r.name ?? `#${r.position}`}: ${r.messages.join('; ')}`)
        .join(' | '),
      { details: { refused } },
    );
  return rules;
}
