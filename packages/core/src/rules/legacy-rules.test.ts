import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_COLUMNS, defineColumns } from '../columns/index.js';
import type { ColorRecord } from '../parse/record.js';
import { compileFilter, compileRules } from './compile-rules.js';
import { importRules } from './import-rules.js';
import { convertLegacyRule, foldLegacyConditions } from './legacy-rules.js';
import type { LegacyCondition } from './rule-schema.js';
import { conditionAt } from './witness.js';

// Eight integer flag columns: leaf i is true exactly when F<i> = 1.
const FLAGS = Array.from({ length: 8 }, (_, i) => `F${i}`);
const flagColumns = defineColumns([
  ...DEFAULT_COLUMNS,
  ...FLAGS.map((name) => ({
    name,
    displayName: `Flag ${name}`,
    type: 'integer' as const,
    headerRequired: false,
    allowEmpty: true,
  })),
]);
const flagRow = (bits: boolean[]) =>
  Object.fromEntries(FLAGS.map((f, i) => [f, bits[i] ? 1 : 2])) as unknown as ColorRecord;
const leaf = (i: number, type: 'where' | 'and' | 'or') => ({
  type,
  column: `F${i}`,
  operator: 'equals',
  value: '1',
});

describe('legacy conditions', () => {
  it('folds strictly left to right: A or B and C means (A or B) and C', () => {
    const tree = foldLegacyConditions([leaf(0, 'where'), leaf(1, 'or'), leaf(2, 'and')]);
    expect(tree).toEqual({
      all: [
        {
          any: [
            { field: 'F0', op: 'equals', value: '1' },
            { field: 'F1', op: 'equals', value: '1' },
          ],
        },
        { field: 'F2', op: 'equals', value: '1' },
      ],
    });
    const matches = compileFilter(tree, { columns: flagColumns }).matches;
    expect(matches(flagRow([true, false, false]))).toBe(false); // A or (B and C) would be true
    expect(matches(flagRow([true, false, true]))).toBe(true);
  });

  it('restarts at a later where, saying so', () => {
    const messages: string[] = [];
    expect(
      foldLegacyConditions([leaf(0, 'where'), leaf(1, 'and'), leaf(2, 'where')], messages),
    ).toEqual({ field: 'F2', op: 'equals', value: '1' });
    expect(messages[0]).toMatch(/starts the expression over/);
  });

  it('folds a subgroup on its own and joins it with its join', () => {
    const tree = foldLegacyConditions([
      leaf(0, 'where'),
      { type: 'subgroup', join: 'or', conditions: [leaf(1, 'where'), leaf(2, 'and')] },
    ]);
    expect(tree).toEqual({
      any: [
        { field: 'F0', op: 'equals', value: '1' },
        {
          all: [
            { field: 'F1', op: 'equals', value: '1' },
            { field: 'F2', op: 'equals', value: '1' },
          ],
        },
      ],
    });
  });

  it('converts the first implementation’s rule document', () => {
    const converted = convertLegacyRule(
      {
        id: 1,
        name: 'Remove DZ bank securities',
        is_active: true,
        conditions: [{ type: 'where', column: 'SOURCE', operator: 'equals', value: 'DZ Bank' }],
        created_at: '2026-01-26T10:00:00',
        updated_at: '2026-01-26T10:00:00',
      },
      { fallbackId: 'x' },
    );
    expect(converted).toMatchObject({
      ok: true,
      rule: {
        id: '1',
        name: 'Remove DZ bank securities',
        active: true,
        priority: 100,
        createdAt: '2026-01-26T10:00:00.000Z',
      },
    });
    expect(converted.ok && converted.messages.join()).toMatch(/no time zone; read as UTC/);
  });

  it('compileRules accepts legacy rules directly', () => {
    const rules = compileRules([
      {
        id: 7,
        name: 'Old',
        is_active: true,
        conditions: [{ type: 'where', column: 'Source', operator: 'is equal to', value: 'jpm' }],
      },
    ]);
    expect(rules.rules[0]?.id).toBe('7');
  });
});

describe('importRules', () => {
  it('imports rule by rule, reporting converted, renamed and refused rules', () => {
    const file = {
      rules: [
        {
          id: 1,
          name: 'Remove DZ',
          is_active: true,
          conditions: [{ type: 'where', column: 'SOURCE', operator: 'equals', value: 'DZ Bank' }],
        },
        {
          id: 2,
          name: 'Bad column',
          is_active: true,
          conditions: [
            { type: 'where', column: 'BWIC_COVER', operator: 'equals', value: 'DZ Bank' },
          ],
        },
        {
          id: 'cheap',
          name: 'cheap',
          active: true,
          priority: 1,
          when: { field: 'PX', op: 'lt', value: 50 },
        },
        'not a rule',
      ],
    };
    const existing = [
      {
        id: 'cheap',
        name: 'Cheap',
        active: true,
        priority: 1,
        when: { field: 'PX', op: 'lt', value: 40 },
      },
    ];
    const { rules, report } = importRules(file, { existing, newId: (n) => `new-${n}` });
    expect(rules.map((r) => [r.id, r.name])).toEqual([
      ['1', 'Remove DZ'],
      ['new-3', 'cheap (2)'],
    ]);
    expect(report.map((r) => [r.position, r.outcome, r.converted, r.renamedFrom ?? null])).toEqual([
      [1, 'imported', true, null],
      [2, 'refused', true, null],
      [3, 'imported', false, 'cheap'],
      [4, 'refused', false, null],
    ]);
    expect(report[1]?.messages.join()).toMatch(/unknown field "BWIC_COVER"/);
  });

  it('takes one rule, an array, or {rules: [...]}', () => {
    const one = { id: 'a', name: 'A', active: true, when: { field: 'PX', op: 'is_empty' } };
    expect(importRules(one).rules).toHaveLength(1);
    expect(importRules([one]).rules).toHaveLength(1);
    expect(importRules({ rules: [one] }).rules).toHaveLength(1);
  });
});

// ---- laws (property tests) ----

type Tree =
  | { all: Tree[] }
  | { any: Tree[] }
  | { not: Tree }
  | { field: string; op: string; value?: unknown; value2?: unknown };

const leafArb: fc.Arbitrary<Tree> = fc.oneof(
  fc.record({
    field: fc.constant('PX'),
    op: fc.constantFrom('gt', 'lt', 'eq', 'ne', 'gte', 'lte'),
    value: fc.constantFrom(50, 90, 95, 100),
  }),
  fc.record({
    field: fc.constant('PX'),
    op: fc.constant('between'),
    value: fc.constantFrom(50, 95),
    value2: fc.constantFrom(90, 100),
  }),
  fc.record({ field: fc.constant('PX'), op: fc.constantFrom('is_empty', 'is_not_empty') }),
  fc.record({
    field: fc.constant('SOURCE'),
    op: fc.constantFrom('eq', 'ne', 'contains', 'not_contains', 'starts_with', 'ends_with'),
    value: fc.constantFrom('jpm', 'GS', 'p', 'dz bank'),
  }),
  fc.record({
    field: fc.constant('SECTOR'),
    op: fc.constantFrom('in', 'not_in'),
    value: fc.constantFrom(['MM-CLO'], ['rmbs', 'mm-clo']),
  }),
  fc.record({
    field: fc.constant('DATE_1'),
    op: fc.constantFrom('lt', 'eq', 'gte'),
    value: fc.constantFrom('2026-03-12', 'today-1bd', 'today'),
  }),
  fc
    .record({
      field: fc.constant('MESSAGE_ID'),
      op: fc.constantFrom('eq', 'ne', 'in'),
      value: fc.constantFrom('1', '2'),
    })
    .map((l) => (l.op === 'in' ? { ...l, value: [l.value] } : l)),
);
const treeArb: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc.record({ all: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ not: tie('tree') }),
  ),
})).tree;
const rowArb = fc
  .record({
    PX: fc.constantFrom(null, 0, 50, 90, 95, 100, 120),
    SOURCE: fc.constantFrom(null, '', 'JPM', ' jpm ', 'GS', 'DZ Bank'),
    SECTOR: fc.constantFrom('MM-CLO', 'RMBS', ''),
    DATE_1: fc.constantFrom(null, '2026-03-11', '2026-03-12', '2026-03-13'),
    MESSAGE_ID: fc.constantFrom('1', '2', '10'),
  })
  .map(
    (r) =>
      ({
        CUSIP: 'AAAAAAAA1',
        DATE: '2026-03-13',
        RANK: 3,
        BIAS: 'BID',
        ...r,
      }) as unknown as ColorRecord,
  );

const options = { businessDate: '2026-03-13' };
const holds = (tree: Tree, row: ColorRecord) => compileFilter(tree as never, options).matches(row);

describe('rule-tree laws (property)', () => {
  it('De Morgan: not(all[a, b]) ≡ any[not a, not b] and not(any[a, b]) ≡ all[not a, not b]', () => {
    fc.assert(
      fc.property(treeArb, treeArb, rowArb, (a, b, row) => {
        expect(holds({ not: { all: [a, b] } }, row)).toBe(
          holds({ any: [{ not: a }, { not: b }] }, row),
        );
        expect(holds({ not: { any: [a, b] } }, row)).toBe(
          holds({ all: [{ not: a }, { not: b }] }, row),
        );
      }),
    );
  });

  it('not not a ≡ a, and not is plain negation', () => {
    fc.assert(
      fc.property(treeArb, rowArb, (a, row) => {
        expect(holds({ not: { not: a } }, row)).toBe(holds(a, row));
        expect(holds({ not: a }, row)).toBe(!holds(a, row));
      }),
    );
  });

  it('the generated first-match predicate agrees with tree evaluation, and the witness re-evaluates to true', () => {
    fc.assert(
      fc.property(
        fc.array(treeArb, { minLength: 1, maxLength: 4 }),
        fc.array(rowArb, { maxLength: 20 }),
        (trees, rows) => {
          const docs = trees.map((when, i) => ({
            id: `r${i}`,
            name: `Rule ${i}`,
            active: true,
            priority: i,
            when,
          }));
          const { excluded, kept } = compileRules(docs, options).apply(rows);
          const expected = rows.map((row) => trees.findIndex((t) => holds(t, row)));
          const byRow = new Map(excluded.map((e) => [e.row, e.ruleId]));
          rows.forEach((row, i) => {
            const index = expected[i] as number;
            expect(byRow.get(row) ?? null).toBe(index < 0 ? null : `r${index}`);
          });
          expect(kept.length + excluded.length).toBe(rows.length);
          for (const e of excluded) {
            const tree = trees[Number(e.ruleId.slice(1))] as Tree;
            for (const w of e.witness) {
              const leaf = conditionAt(tree as never, w.path);
              expect(leaf).toMatchObject({ op: expect.any(String) });
              expect(holds(leaf as Tree, e.row)).toBe(w.result);
            }
          }
        },
      ),
    );
  });

  it('the legacy left-to-right fold ≡ the converted tree', () => {
    const legacyArb: fc.Arbitrary<LegacyCondition[]> = fc.letrec<{ list: LegacyCondition[] }>(
      (tie) => ({
        list: fc.array(
          fc.oneof(
            { depthSize: 'small' },
            fc
              .record({
                type: fc.constantFrom('where', 'and', 'or') as fc.Arbitrary<'where' | 'and' | 'or'>,
                i: fc.integer({ min: 0, max: 7 }),
              })
              .map(({ type, i }) => leaf(i, type) as LegacyCondition),
            fc
              .record({
                join: fc.constantFrom('and', 'or') as fc.Arbitrary<'and' | 'or'>,
                conditions: tie('list'),
              })
              .map((s) => ({ type: 'subgroup' as const, ...s })),
          ),
          { minLength: 1, maxLength: 6 },
        ),
      }),
    ).list;
    /** The first implementation's semantics, evaluated directly on booleans. */
    const reference = (list: LegacyCondition[], bits: boolean[]): boolean => {
      let acc = false;
      list.forEach((c, i) => {
        const value =
          c.type === 'subgroup'
            ? reference(c.conditions, bits)
            : (bits[Number(c.column.slice(1))] as boolean);
        const join = c.type === 'subgroup' ? c.join : c.type;
        if (i === 0 || join === 'where') acc = value;
        else acc = join === 'and' ? acc && value : acc || value;
      });
      return acc;
    };
    fc.assert(
      fc.property(
        legacyArb,
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        (list, bits) => {
          const tree = foldLegacyConditions(list);
          expect(compileFilter(tree, { columns: flagColumns }).matches(flagRow(bits))).toBe(
            reference(list, bits),
          );
        },
      ),
    );
  });
});
