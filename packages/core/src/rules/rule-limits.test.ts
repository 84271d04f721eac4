import { describe, expect, it } from 'vitest';
import { isMarketPulseError } from '../errors.js';
import { RULES_DOCUMENT } from '../store/layout.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemoryStore } from '../testing/memory-store.js';
import { compileFilter, compileRules, type RuleProblem, validateRules } from './compile-rules.js';
import { importRules } from './import-rules.js';
import { RULE_LIMITS } from './rule-limits.js';
import type { Condition } from './rule-schema.js';
import { createRule, importRuleFile, listRules } from './rule-store.js';

const leaf = (value = 100): Condition => ({ field: 'PX', op: 'gt', value });
const equality = (value: number): Condition => ({ field: 'PX', op: 'eq', value });
const rule = (when: unknown, id = 'r1', name = 'Big rule') => ({
  id,
  name,
  active: true,
  priority: 1,
  when,
});

/** `{not: {all: [ … leaf … ]}}`, `depth` deep counting the leaf. */
function nested(depth: number): Condition {
  let when = leaf();
  for (let d = 1; d < depth; d++) when = d % 2 ? { not: when } : { all: [when] };
  return when;
}

/** A legacy rule whose subgroups nest `depth` deep. */
function legacyNested(depth: number): Record<string, unknown> {
  let conditions: unknown[] = [{ type: 'where', column: 'PX', operator: 'gt', value: 100 }];
  for (let d = 1; d < depth; d++) conditions = [{ type: 'subgroup', join: 'and', conditions }];
  return { id: 'legacy', name: 'Deep legacy', is_active: true, conditions };
}

function problems(fn: () => unknown): RuleProblem[] {
  try {
    fn();
  } catch (err) {
    if (isMarketPulseError<{ problems: RuleProblem[] }>(err, 'VALIDATION_ERROR'))
      return err.details?.problems ?? [];
    throw err;
  }
  throw new Error('expected a validation error');
}

describe('per-rule limits (refused on save, naming the rule and the limit)', () => {
  it(`nesting: ${RULE_LIMITS.maxDepth} deep is accepted, one more is refused`, () => {
    expect(validateRules([rule(nested(RULE_LIMITS.maxDepth))])).toHaveLength(1);
    const [p] = problems(() => validateRules([rule(nested(RULE_LIMITS.maxDepth + 1))]));
    expect(p).toMatchObject({ ruleId: 'r1', ruleName: 'Big rule' });
    expect(p?.path).toMatch(/^when\.all\[0\]\.not\.all\[0\]/);
    expect(p?.reason).toContain(`at most ${RULE_LIMITS.maxDepth} deep`);
  });

  it('a rule 100,000 deep is reported, not a stack overflow — in every entry point', () => {
    const deep = rule(nested(100_000));
    const depthProblem = expect.stringContaining(`at most ${RULE_LIMITS.maxDepth} deep`);
    expect(problems(() => validateRules([deep]))[0]?.reason).toEqual(depthProblem);
    expect(problems(() => compileRules([deep], { businessDate: '2026-03-13' }))).toHaveLength(1);
    expect(() => compileFilter(nested(100_000))).toThrow(/at most 32 deep/);
    const { report } = importRules([deep, rule(leaf(), 'ok', 'Fine')]);
    expect(report.map((r) => r.outcome)).toEqual(['refused', 'imported']);
    expect(report[0]?.messages.join()).toEqual(depthProblem);
  });

  it('a legacy rule with subgroups 100,000 deep is refused on import, not crashed on', () => {
    const { report } = importRules([legacyNested(100_000)]);
    expect(report[0]).toMatchObject({ outcome: 'refused', name: 'Deep legacy' });
    expect(report[0]?.messages.join()).toMatch(/^conditions(\[0\]\.conditions)+\[0\]: nested more/);
    expect(problems(() => validateRules([legacyNested(100_000)]))[0]).toMatchObject({
      ruleName: 'Deep legacy',
      path: 'conditions',
    });
  });

  it('a legacy rule is checked again once converted (alternating and/or nests one level each)', () => {
    const conditions = Array.from({ length: 40 }, (_, i) => ({
      type: i === 0 ? 'where' : i % 2 ? 'or' : 'and',
      column: 'PX',
      operator: 'gt',
      value: i + 1,
    }));
    const [p] = problems(() => validateRules([{ name: 'Alternating', conditions }]));
    expect(p).toMatchObject({ ruleName: 'Alternating' });
    expect(p?.reason).toContain('deep');
  });

  it(`leaves: ${RULE_LIMITS.maxLeavesPerRule} per rule are accepted, one more is refused`, () => {
    const many = (count: number) => ({ any: Array.from({ length: count }, (_, i) => leaf(i + 1)) });
    expect(validateRules([rule(many(RULE_LIMITS.maxLeavesPerRule))])).toHaveLength(1);
    const [p] = problems(() => validateRules([rule(many(RULE_LIMITS.maxLeavesPerRule + 1))]));
    expect(p?.reason).toMatch(/more than 256 conditions in one rule/);
    // Spread over groups too, and a million-wide group is refused before it is walked.
    const split = { all: [many(200), many(57)] };
    expect(problems(() => validateRules([rule(split)]))[0]?.reason).toMatch(/more than 256/);
    expect(problems(() => validateRules([rule(many(1_000_000))]))).toHaveLength(1);
  });

  it(`lists: ${RULE_LIMITS.maxListValues.toLocaleString('en-US')} values are accepted, one more is refused`, () => {
    const ids = (count: number) => Array.from({ length: count }, (_, i) => String(10 ** 16 + i));
    const list = (count: number) => ({ field: 'MESSAGE_ID', op: 'in', value: ids(count) });
    expect(validateRules([rule(list(RULE_LIMITS.maxListValues))])).toHaveLength(1);
    const [p] = problems(() => validateRules([rule(list(RULE_LIMITS.maxListValues + 1))]));
    expect(p).toMatchObject({ ruleName: 'Big rule', path: 'when' });
    expect(p?.reason).toMatch(/lists 10,001 values; a list holds at most 10,000/);
  });

  it(`values: ${RULE_LIMITS.maxValueLength} characters, in a scalar or a list entry; objects are refused`, () => {
    const long = 'x'.repeat(RULE_LIMITS.maxValueLength + 1);
    const fine = 'x'.repeat(RULE_LIMITS.maxValueLength);
    expect(validateRules([rule({ field: 'TICKER', op: 'contains', value: fine })])).toHaveLength(1);
    for (const when of [
      { field: 'TICKER', op: 'contains', value: long },
      { field: 'TICKER', op: 'in', value: ['a', long] },
    ])
      expect(problems(() => validateRules([rule(when)]))[0]?.reason).toMatch(
        /257 characters long; a value holds at most 256/,
      );
    let deepObject: unknown = 1;
    for (let d = 0; d < 100_000; d++) deepObject = { a: deepObject };
    expect(
      problems(() => validateRules([rule({ field: 'PX', op: 'gt', value: deepObject })]))[0]
        ?.reason,
    ).toMatch(/value is an object/);
  });
});

describe('rule-set limits', () => {
  const simple = (i: number) => rule(equality(i + 1), `r${i}`, `Rule ${i}`);

  it(`${RULE_LIMITS.maxRules.toLocaleString('en-US')} rules are accepted; the next is refused by name`, () => {
    const docs = Array.from({ length: RULE_LIMITS.maxRules + 1 }, (_, i) => simple(i));
    expect(validateRules(docs.slice(0, -1))).toHaveLength(RULE_LIMITS.maxRules);
    const found = problems(() => validateRules(docs));
    expect(found).toEqual([
      {
        ruleId: 'r10000',
        ruleName: 'Rule 10000',
        path: '(rule set)',
        reason: 'a rule set holds at most 10,000 rules; this would be rule 10,001',
      },
    ]);
  });

  it('conditions, conditions tested on every row and list values are counted across the set', () => {
    const wide = (i: number, of: (v: number) => Condition) =>
      rule({ any: Array.from({ length: 256 }, (_, j) => of(j + 1)) }, `w${i}`, `Wide ${i}`);
    const leaves = problems(() =>
      validateRules(Array.from({ length: 79 }, (_, i) => wide(i, equality))),
    );
    expect(leaves.map((p) => p.ruleName)).toEqual(['Wide 78']);
    expect(leaves[0]?.reason).toMatch(
      /at most 20,000 conditions; with this rule it would hold 20,224/,
    );

    const tested = problems(() =>
      validateRules(Array.from({ length: 4 }, (_, i) => wide(i, leaf))),
    );
    expect(tested.map((p) => p.ruleName)).toEqual(['Wide 3']);
    expect(tested[0]?.reason).toMatch(
      /at most 1,000 conditions other than equal_to and in .*; with this rule it would hold 1,024/,
    );

    const list = (i: number) =>
      rule(
        {
          field: 'MESSAGE_ID',
          op: 'in',
          value: Array.from({ length: 10_000 }, (_, j) => `${i}-${j}`),
        },
        `l${i}`,
        `List ${i}`,
      );
    const values = problems(() => validateRules(Array.from({ length: 11 }, (_, i) => list(i))));
    expect(values.map((p) => p.ruleName)).toEqual(['List 10']);
    expect(values[0]?.reason).toMatch(/lists hold at most 100,000 values in all/);
  });

  it('an import counts the stored rules and refuses, rule by rule, what does not fit', () => {
    const existing = validateRules(
      Array.from({ length: RULE_LIMITS.maxRules - 1 }, (_, i) => simple(i)),
    );
    const { rules, report } = importRules(
      [rule(leaf(), 'a', 'Last one'), rule(leaf(), 'b', 'One too many')],
      { existing },
    );
    expect(rules.map((r) => r.name)).toEqual(['Last one']);
    expect(report[1]).toMatchObject({ outcome: 'refused', name: 'One too many' });
    expect(report[1]?.messages).toEqual([
      'a rule set holds at most 10,000 rules; this would be rule 10,001',
    ]);
  });
});

describe('the rule store', () => {
  function world() {
    let n = 0;
    return {
      store: createMemoryStore(),
      clock: createManualClock('2026-03-13T09:00:00Z'),
      ids: { nextId: () => `r${++n}` },
    };
  }

  it('refuses an over-limit rule on create and import, leaving the stored rules unchanged', async () => {
    const deps = world();
    await createRule(deps, { name: 'Fine', active: true, when: leaf() }, { actor: 'cli:tester' });
    await expect(
      createRule(
        deps,
        { name: 'Deep', active: true, when: nested(RULE_LIMITS.maxDepth + 1) },
        { actor: 'cli:tester' },
      ),
    ).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      message: expect.stringMatching(/rule Deep: when\.all\[0\]\.not.*at most 32 deep/),
    });
    const { report } = await importRuleFile(deps, [rule(nested(5_000), 'x', 'Deeper')], {
      actor: 'cli:tester',
    });
    expect(report[0]?.outcome).toBe('refused');
    expect((await listRules(deps.store)).map((r) => r.name)).toEqual(['Fine']);
  });

  it('reports a stored document past the limits instead of crashing on it', async () => {
    const deps = world();
    // Written by hand, as an older version or another writer could have: JSON.stringify itself
    // overflows on a tree this deep.
    const depth = 100_000;
    const when = `${'{"not":'.repeat(depth)}{"field":"PX","op":"gt","value":1}${'}'.repeat(depth)}`;
    const doc = `{"generation":1,"value":{"rules":[{"id":"d","name":"Deep","active":true,"priority":1,"when":${when}}]}}`;
    await deps.store.put(RULES_DOCUMENT, new TextEncoder().encode(doc));
    await expect(listRules(deps.store)).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      details: {
        problems: [{ ruleId: 'd', ruleName: 'Deep', path: expect.stringMatching(/^when\.not/) }],
      },
    });
  });
});
