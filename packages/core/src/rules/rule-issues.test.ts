import { describe, expect, it } from 'vitest';
import { describeRuleIssues } from './rule-issues.js';
import { ruleSchema } from './rule-schema.js';

const issuesOf = (doc: unknown) =>
  describeRuleIssues(doc, ruleSchema.safeParse(doc).error?.issues ?? []).map(
    (i) => `${i.path}: ${i.reason}`,
  );

describe('rule document problems in desk words', () => {
  it('names the field and what to write, never a zod dump', () => {
    const when = { field: 'PX', op: 'gt', value: 1 };
    expect(issuesOf({ id: 'a', active: true, when })).toEqual([
      'name: missing: every rule needs a name',
    ]);
    expect(issuesOf({ id: 'a', name: 'n', active: 1, when })).toEqual([
      'active: must be true or false (got 1)',
    ]);
    expect(issuesOf({ id: 'a', name: 'n', active: true })).toEqual([
      'when: missing: a condition is {"field": COLUMN, "op": OPERATOR, "value": …}, or {"all": […]}, {"any": […]} or {"not": {…}}',
    ]);
    expect(
      issuesOf({ id: 'a', name: 'n', active: true, when: { any: [when, { field: 'PX' }] } }),
    ).toEqual(['when.any.1.op: missing']);
    expect(issuesOf({ id: 'a', name: 'n', active: true, when, enabled: true })).toEqual([
      '(rule): unknown field "enabled" (a rule has name, active, priority, when, description)',
    ]);
    expect(issuesOf({ id: 'a', name: 'n', active: true, when: 'PX > 1' })[0]).toMatch(
      /^when: not a condition/,
    );
  });
});
