// zod's issues about a rule document, in words a desk reads: which field, what is wrong, what to
// write instead — never "Invalid input: expected string, received undefined".
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

/** The fields a rule document has (for "unknown field" and "missing" messages). */
const RULE_FIELDS = 'name, active, priority, when, description';
const CONDITION_FORMS =
  'a condition is {"field": COLUMN, "op": OPERATOR, "value": …}, or {"all": […]}, {"any": […]} or {"not": {…}}';

const KIND: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list ([…])',
};

function valueAt(doc: unknown, path: readonly PropertyKey[]): unknown {
  let node = doc;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** Where in the rule: `when.all.1.op`, or `(rule)` for the document itself. */
const pathText = (path: readonly PropertyKey[]) =>
  path.length === 0 ? '(rule)' : path.map(String).join('.');

/** One problem of a rule document: where, and what to write instead. */
export interface RuleIssue {
  path: string;
  reason: string;
}

/** The branch of a condition union the node meant, by the keys it has. */
function meantBranch(node: unknown, branches: readonly Issue[][]): Issue[] | undefined {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
  const keys = Object.keys(node);
  const index = keys.includes('all')
    ? 0
    : keys.includes('any')
      ? 1
      : keys.includes('not')
        ? 2
        : keys.includes('field') || keys.includes('op')
          ? 3
          : -1;
  return branches.length === 4 ? branches[index] : undefined;
}

/**
 * Desk words for zod's issues about a rule document `doc`: where (a dotted path such as
 * `when.all.1.op`) and what is wrong, read after the path (`active: must be true or false`).
 *
 * @example
 * ```ts
 * describeRuleIssues({ name: 'x' }, ruleSchema.safeParse({ name: 'x' }).error!.issues);
 * // [{ path: 'when', reason: 'missing: a condition is {"field": COLUMN, …}' }, …]
 * ```
 */
export function describeRuleIssues(doc: unknown, issues: readonly Issue[]): RuleIssue[] {
  return issues.flatMap((issue) => describe(doc, issue, []));
}

function describe(doc: unknown, issue: Issue, prefix: readonly PropertyKey[]): RuleIssue[] {
  const path = [...prefix, ...issue.path];
  const at = (reason: string) => [{ path: pathText(path), reason }];
  const value = valueAt(doc, path);
  switch (issue.code) {
    case 'invalid_type': {
      const field = path.at(-1);
      if (value === undefined)
        return at(
          field === 'when'
            ? `missing: ${CONDITION_FORMS}`
            : field === 'name'
              ? 'missing: every rule needs a name'
              : 'missing',
        );
      return at(`must be ${KIND[issue.expected] ?? issue.expected} (got ${JSON.stringify(value)})`);
    }
    case 'unrecognized_keys':
      return at(
        `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}${path.length === 0 ? ` (a rule has ${RULE_FIELDS})` : ''}`,
      );
    case 'invalid_union': {
      const branch = meantBranch(value, issue.errors);
      if (branch) return branch.flatMap((i) => describe(doc, i, path));
      return at(
        value === undefined ? `missing: ${CONDITION_FORMS}` : `not a condition: ${CONDITION_FORMS}`,
      );
    }
    default:
      return at(issue.message);
  }
}
