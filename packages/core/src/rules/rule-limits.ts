import { withThousands } from '../format/thousands.js';
import { resolveOperator } from './operators.js';

/**
 * The size limits a rule and a rule set must keep (refused on save, and reported — never crashed
 * on — when a stored document exceeds them). Each is far beyond what a desk writes by hand, and
 * together they bound what one row costs to evaluate and what one excluded row costs to store.
 */
export const RULE_LIMITS = Object.freeze({
  /**
   * Nesting of `all` / `any` / `not` from `when` to a leaf (a lone leaf is depth 1). Desk rules
   * nest 2–4 deep; a legacy rule that alternates `and` / `or` gains one level per alternation.
   * Bounds the evaluator's recursion (a rule 900 deep overflowed the stack).
   */
  maxDepth: 32,
  /**
   * Leaves (`{field, op, value}`) in one rule. A hand-written rule has a handful; 256 leaves room
   * for a legacy rule that chained a few hundred `or` conditions (the first implementation had no
   * `in`). Bounds the witness: an `all` records every leaf, so at most 256 per excluded row.
   */
  maxLeavesPerRule: 256,
  /**
   * Values in one `in` / `not_in` list. Lists are hashed, so evaluation does not depend on their
   * size; the limit bounds the rules document, which is read and rewritten whole on every edit
   * (10,000 MESSAGE_IDs ≈ 200 KB). Twice the 5,000-id list a desk pasted from a spreadsheet.
   */
  maxListValues: 10_000,
  /**
   * Characters in one value (a scalar, `value2`, or a list entry). Tickers, dealers and ids are
   * under 40; a witness copies the scalar value and the matched list entry, so this bounds it.
   */
  maxValueLength: 256,
  /**
   * Rules in a rule set (the stored rules, an import, a dry run). Desks keep tens. Equality rules
   * are indexed by field and value, so 10,000 per-CUSIP rules cost one lookup per row.
   */
  maxRules: 10_000,
  /**
   * Leaves across a rule set. Equality leaves that cannot be indexed (in an `any` over several
   * fields) are tested on every row at a few ns each: 20,000 of them over 200,000 rows take
   * seconds. Twice `maxRules`.
   */
  maxLeavesPerSet: 20_000,
  /**
   * Leaves across a rule set whose operator is not `equal_to` or `in` (ranges, patterns,
   * `not_…`, emptiness): they are tested on every row. 1,000 of them over 200,000 rows take
   * ~3 s as text patterns, ~0.2 s as ranges; a desk's rules hold tens.
   */
  maxTestedLeavesPerSet: 1_000,
  /** List values across a rule set: bounds the rules document to a few megabytes. */
  maxListValuesPerSet: 100_000,
});

/** A limit a condition tree exceeds, located like other rule problems (`when.all[1].not`). */
export interface LimitProblem {
  path: string;
  reason: string;
}

/** What {@link checkConditionLimits} counted (for the set-wide budgets) and found. */
export interface ConditionSize {
  leaves: number;
  /** Leaves whose operator is not `equal_to` or `in` (not indexable: tested on every row). */
  testedLeaves: number;
  listValues: number;
  problems: LimitProblem[];
}

const tooManyLeaves = `more than ${withThousands(RULE_LIMITS.maxLeavesPerRule)} conditions in one rule; put the values of one field in an "in" list, or split the rule`;

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a condition tree — or a legacy `conditions` list (`{ conditions: [...] }`, subgroups
 * nest through their own `conditions`) — against the per-rule limits, before anything recursive
 * (zod, the compiler) reads it. Iterative, and stops at the first node past a depth or leaf limit,
 * so a tree 100,000 deep costs nothing but its size. Malformed nodes are left to the schema.
 *
 * @example
 * ```ts
 * checkConditionLimits(rule.when, 'when').problems; // [] or [{ path, reason }]
 * checkConditionLimits(legacyRule, '');               // paths such as conditions[2].conditions[0]
 * ```
 */
export function checkConditionLimits(root: unknown, rootPath: string): ConditionSize {
  const size: ConditionSize = { leaves: 0, testedLeaves: 0, listValues: 0, problems: [] };
  const stack: { node: unknown; path: string; depth: number }[] = [
    { node: root, path: rootPath, depth: 1 },
  ];
  while (stack.length > 0) {
    const { node, path, depth } = stack.pop() as (typeof stack)[number];
    if (!isNode(node)) continue;
    if (depth > RULE_LIMITS.maxDepth) {
      size.problems.push({
        path,
        reason: `nested more than ${RULE_LIMITS.maxDepth} deep (all / any / not); a rule nests at most ${RULE_LIMITS.maxDepth} deep — split it into several rules`,
      });
      break;
    }
    const children = childrenOf(node);
    if (children) {
      // Every child holds a leaf, so a wider group is over the limit before it is walked.
      if (children.list.length > RULE_LIMITS.maxLeavesPerRule) {
        size.problems.push({ path, reason: tooManyLeaves });
        break;
      }
      for (let i = children.list.length - 1; i >= 0; i--) {
        const step = children.key === 'not' ? 'not' : `${children.key}[${i}]`;
        const childPath = path === '' ? step : `${path}.${step}`;
        stack.push({ node: children.list[i], path: childPath, depth: depth + 1 });
      }
      continue;
    }
    if (++size.leaves > RULE_LIMITS.maxLeavesPerRule) {
      size.problems.push({
        path,
        reason: tooManyLeaves,
      });
      break;
    }
    const op = typeof node.op === 'string' ? node.op : node.operator;
    const canonical = typeof op === 'string' ? resolveOperator(op)?.op : undefined;
    if (canonical !== 'equal_to' && canonical !== 'in') size.testedLeaves += 1;
    checkValues(node, path, size);
  }
  return size;
}

/** The children of a group node, or undefined for a leaf. */
function childrenOf(node: Node): { key: string; list: readonly unknown[] } | undefined {
  for (const key of ['all', 'any', 'conditions'] as const)
    if (Array.isArray(node[key])) return { key, list: node[key] as unknown[] };
  if ('not' in node) return { key: 'not', list: [node.not] };
  return undefined;
}

function checkValues(leaf: Node, path: string, size: ConditionSize): void {
  for (const key of ['value', 'value2'] as const) {
    const value = leaf[key];
    if (Array.isArray(value)) {
      size.listValues += value.length;
      if (value.length > RULE_LIMITS.maxListValues) {
        size.problems.push({
          path,
          reason: `${key} lists ${withThousands(value.length)} values; a list holds at most ${withThousands(RULE_LIMITS.maxListValues)}`,
        });
        continue;
      }
      if (value.some((v) => typeof v === 'object' && v !== null)) {
        size.problems.push({ path, reason: `${key} lists something other than numbers and text` });
        continue;
      }
      const long = value.findIndex(isTooLong);
      if (long >= 0)
        size.problems.push({
          path,
          reason: `${key}[${long}] is ${withThousands((value[long] as string).length)} characters long; a value holds at most ${RULE_LIMITS.maxValueLength}`,
        });
    } else if (isNode(value)) {
      // Refused here, not by the compiler: its messages quote values, and an object may be deep.
      size.problems.push({ path, reason: `${key} is an object; a value is a number or text` });
    } else if (isTooLong(value)) {
      size.problems.push({
        path,
        reason: `${key} is ${withThousands((value as string).length)} characters long; a value holds at most ${RULE_LIMITS.maxValueLength}`,
      });
    }
  }
}

const isTooLong = (v: unknown) => typeof v === 'string' && v.length > RULE_LIMITS.maxValueLength;

/** Running totals of a rule set against the set-wide limits, rule by rule. */
export interface RuleSetBudget {
  rules: number;
  leaves: number;
  testedLeaves: number;
  listValues: number;
}

/** An empty {@link RuleSetBudget}. */
export const emptyRuleSetBudget = (): RuleSetBudget => ({
  rules: 0,
  leaves: 0,
  testedLeaves: 0,
  listValues: 0,
});

/**
 * Adds one rule to `budget`; returns the reason it does not fit (naming the limit), or undefined.
 * A rule that does not fit is not added, so the rules after it are judged without it.
 */
export function spendRuleBudget(
  budget: RuleSetBudget,
  rule: Pick<ConditionSize, 'leaves' | 'testedLeaves' | 'listValues'>,
): string | undefined {
  if (budget.rules + 1 > RULE_LIMITS.maxRules)
    return `a rule set holds at most ${withThousands(RULE_LIMITS.maxRules)} rules; this would be rule ${withThousands(budget.rules + 1)}`;
  if (budget.leaves + rule.leaves > RULE_LIMITS.maxLeavesPerSet)
    return `a rule set holds at most ${withThousands(RULE_LIMITS.maxLeavesPerSet)} conditions; with this rule it would hold ${withThousands(budget.leaves + rule.leaves)}`;
  if (budget.testedLeaves + rule.testedLeaves > RULE_LIMITS.maxTestedLeavesPerSet)
    return `a rule set holds at most ${withThousands(RULE_LIMITS.maxTestedLeavesPerSet)} conditions other than equal_to and in (those are looked up, the others tested on every row); with this rule it would hold ${withThousands(budget.testedLeaves + rule.testedLeaves)}`;
  if (budget.listValues + rule.listValues > RULE_LIMITS.maxListValuesPerSet)
    return `a rule set's "in" / "not_in" lists hold at most ${withThousands(RULE_LIMITS.maxListValuesPerSet)} values in all; with this rule they would hold ${withThousands(budget.listValues + rule.listValues)}`;
  budget.rules += 1;
  budget.leaves += rule.leaves;
  budget.testedLeaves += rule.testedLeaves;
  budget.listValues += rule.listValues;
  return undefined;
}
