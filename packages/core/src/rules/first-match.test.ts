import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultColumnConfig } from '../columns/default-columns.js';
import type { ColorRecord } from '../parse/record.js';
import { type CompileContext, compileCondition } from './compile-condition.js';
import { compileRules } from './compile-rules.js';
import { createFirstMatch } from './first-match.js';
import type { Condition, LeafCondition } from './rule-schema.js';
import { createKeyCache } from './value-keys.js';
import type { WitnessLeaf } from './witness.js';

// A reference evaluator written straight from SPEC §3, sharing no code with the compiler: each
// operator on the normalised value, and the witness by evaluating every node (no short cuts).

type Kind = 'number' | 'text' | 'id' | 'date';
const COLUMNS: Record<string, { kind: Kind; zeroIsEmpty?: boolean }> = {
  PX: { kind: 'number', zeroIsEmpty: true },
  CONFIDENCE: { kind: 'number' },
  SOURCE: { kind: 'text' },
  SECTOR: { kind: 'text' },
  MESSAGE_ID: { kind: 'id' },
  DATE_1: { kind: 'date' },
};
const BUSINESS_DATE = '2026-03-13';
const RELATIVE: Record<string, string> = { today: '2026-03-13', 'today-1d': '2026-03-12' };
const OPS: Record<string, string> = { eq: 'equal_to', ne: 'not_equal_to', gt: 'greater_than' };

type Row = Record<string, string | number | null>;

function operand(kind: Kind, value: unknown): string | number {
  if (kind === 'number') return Number(value);
  if (kind === 'date') return RELATIVE[value as string] ?? (value as string);
  if (kind === 'id') return String(value).trim();
  return String(value).trim().toLowerCase();
}

function rowValue(kind: Kind, v: string | number): string | number {
  return kind === 'text' ? String(v).trim().toLowerCase() : v;
}

function isEmpty(field: string, v: unknown): boolean {
  return v === null || v === undefined || v === '' || (!!COLUMNS[field]?.zeroIsEmpty && v === 0);
}

function referenceLeaf(leaf: LeafCondition, row: Row): boolean {
  const { kind } = COLUMNS[leaf.field] as { kind: Kind };
  const op = OPS[leaf.op] ?? leaf.op;
  const raw = row[leaf.field] ?? null;
  if (op === 'is_empty') return isEmpty(leaf.field, raw);
  if (op === 'is_not_empty') return !isEmpty(leaf.field, raw);
  if (isEmpty(leaf.field, raw)) return false;
  // A value of another type than the column's (a stray string in a number column) is no number.
  if (kind === 'number' && typeof raw !== 'number') return false;
  const v = rowValue(kind, raw as string | number);
  const list = Array.isArray(leaf.value) ? leaf.value.map((x) => operand(kind, x)) : [];
  const a = operand(kind, leaf.value);
  const b = operand(kind, leaf.value2);
  switch (op) {
    case 'equal_to':
      return v === a;
    case 'not_equal_to':
      return v !== a;
    case 'greater_than':
      return v > a;
    case 'less_than':
      return v < a;
    case 'between': {
      const [low, high] = a < b ? [a, b] : [b, a];
      return v >= low && v <= high;
    }
    case 'contains':
      return String(v).includes(String(a));
    case 'not_contains':
      return !String(v).includes(String(a));
    case 'starts_with':
      return String(v).startsWith(String(a));
    case 'ends_with':
      return String(v).endsWith(String(a));
    case 'in':
      return list.includes(v);
    case 'not_in':
      return !list.includes(v);
    default:
      throw new Error(`reference: no operator ${op}`);
  }
}

/** Every node evaluated; the witness picked as SPEC §3 says. */
function reference(
  node: Condition,
  row: Row,
  path: number[] = [],
): { value: boolean; leaves: WitnessLeaf[] } {
  if ('all' in node || 'any' in node) {
    const isAll = 'all' in node;
    const parts = (isAll ? node.all : node.any).map((c, i) => reference(c, row, [...path, i]));
    const value = isAll ? parts.every((p) => p.value) : parts.some((p) => p.value);
    const decisive = parts.find((p) => p.value !== isAll);
    return { value, leaves: decisive ? decisive.leaves : parts.flatMap((p) => p.leaves) };
  }
  if ('not' in node) {
    const inner = reference(node.not, row, [...path, 0]);
    return { value: !inner.value, leaves: inner.leaves };
  }
  const value = referenceLeaf(node, row);
  const { kind } = COLUMNS[node.field] as { kind: Kind };
  const actual = row[node.field] ?? null;
  const leaf: WitnessLeaf = {
    path,
    field: node.field,
    op: (OPS[node.op] ?? node.op) as never,
    actual,
    result: value,
  };
  if (Array.isArray(node.value)) {
    leaf.listSize = node.value.length;
    leaf.listMatch = isEmpty(node.field, actual)
      ? null
      : ((node.value as (string | number)[]).find(
          (x) => operand(kind, x) === rowValue(kind, actual as string | number),
        ) ?? null);
  } else if (node.value !== undefined) {
    leaf.value = node.value as string | number;
    if (node.value2 !== undefined) leaf.value2 = node.value2 as string | number;
  }
  return { value, leaves: [leaf] };
}

// Few values per field, so that rules and rows meet often; variants of case and spacing.
const leafArb: fc.Arbitrary<Condition> = fc
  .oneof(
    fc.record({
      field: fc.constant('PX'),
      op: fc.constantFrom('eq', 'ne', 'gt', 'less_than'),
      value: fc.constantFrom(50, 90, 95, 100),
    }),
    fc.record({
      field: fc.constant('PX'),
      op: fc.constant('between'),
      value: fc.constantFrom(50, 95),
      value2: fc.constantFrom(90, 100),
    }),
    fc.record({
      field: fc.constantFrom('PX', 'SOURCE'),
      op: fc.constantFrom('is_empty', 'is_not_empty'),
    }),
    fc.record({
      field: fc.constant('CONFIDENCE'),
      op: fc.constantFrom('eq', 'in', 'not_in'),
      value: fc.constantFrom(0, 7),
    }),
    fc.record({
      field: fc.constant('SOURCE'),
      op: fc.constantFrom('eq', 'eq', 'ne', 'contains', 'not_contains', 'starts_with', 'ends_with'),
      value: fc.constantFrom('jpm', ' GS', 'p', 'dz bank', 'été', 'ÉTÉ', 'Z B', 'k'),
    }),
    fc.record({
      field: fc.constantFrom('SOURCE', 'SECTOR'),
      op: fc.constantFrom('in', 'in', 'not_in'),
      value: fc.subarray(['JPM', 'gs', ' MM-CLO', 'rmbs', 'Été', 'jpm'], { minLength: 1 }),
    }),
    fc.record({
      field: fc.constant('DATE_1'),
      op: fc.constantFrom('eq', 'gt', 'in'),
      value: fc.constantFrom('2026-03-12', 'today-1d', 'today'),
    }),
    fc.record({
      field: fc.constant('MESSAGE_ID'),
      op: fc.constantFrom('eq', 'eq', 'ne', 'in', 'contains'),
      value: fc.constantFrom('1', '2', '10', ' 2 '),
    }),
  )
  .map((l) => {
    const leaf = l as LeafCondition;
    return leaf.op === 'in' || leaf.op === 'not_in'
      ? { ...leaf, value: Array.isArray(leaf.value) ? leaf.value : [leaf.value] }
      : leaf;
  });

const treeArb: fc.Arbitrary<Condition> = fc.letrec<{ tree: Condition }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc.record({ all: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ not: tie('tree') }),
  ),
})).tree;

/** Conditions the index can anchor: an equality or list leaf on SOURCE or MESSAGE_ID, alone, in an `all`, or an `any` of them. */
const anchoredArb: fc.Arbitrary<Condition> = fc
  .record({
    field: fc.constantFrom('SOURCE', 'MESSAGE_ID'),
    op: fc.constantFrom('eq', 'in'),
    values: fc.subarray(['jpm', ' GS ', 'DZ Bank', 'été', '1', '2', '10'], { minLength: 1 }),
    shape: fc.constantFrom('leaf', 'all', 'any'),
    other: treeArb,
  })
  .map(({ field, op, values, shape, other }) => {
    const leafOf = (v: string): Condition =>
      op === 'in' ? { field, op, value: values } : { field, op, value: v };
    const first = leafOf(values[0] as string);
    if (shape === 'all') return { all: [other, first] };
    if (shape === 'any') return { any: values.map(leafOf) };
    return first;
  });

// Rule sets in which some field often anchors ≥ 8 rules, so the index takes part.
const whenArb = fc.oneof(treeArb, anchoredArb, anchoredArb);
const rulesArb = fc.array(
  fc.record({
    when: whenArb,
    priority: fc.integer({ min: 0, max: 3 }),
    active: fc.constantFrom(true, true, true, false),
  }),
  { minLength: 1, maxLength: 60 },
);

const rowArb: fc.Arbitrary<Row> = fc.record({
  PX: fc.constantFrom(null, 0, 50, 90, 95, 95.5, 100, 120, '95'),
  CONFIDENCE: fc.constantFrom(null, 0, 7),
  SOURCE: fc.constantFrom(
    null,
    '',
    ' ',
    'JPM',
    ' jpm ',
    '\tGS\n',
    'DZ Bank',
    'dz bank\u00a0',
    'été',
    'ÉTÉ',
    'A \u212A', // the Kelvin sign: lower case k
  ),
  SECTOR: fc.constantFrom('MM-CLO', 'mm-clo ', 'RMBS', ''),
  DATE_1: fc.constantFrom(null, '2026-03-11', '2026-03-12', '2026-03-13'),
  MESSAGE_ID: fc.constantFrom('1', '2', '10', ' 2'),
});

describe('compiled rules ≡ the reference evaluator (property)', () => {
  it('credit the same rule and record the same witness (indexed or tested)', () => {
    fc.assert(
      fc.property(rulesArb, fc.array(rowArb, { minLength: 1, maxLength: 15 }), (specs, rows) => {
        const docs = specs.map((s, i) => ({ id: `r${i}`, name: `Rule ${i}`, ...s }));
        const { excluded } = compileRules(docs, { businessDate: BUSINESS_DATE }).apply(
          rows as unknown as ColorRecord[],
        );
        // Priority ascending, then position (no creation times here).
        const order = docs
          .filter((d) => d.active)
          .sort((a, b) => a.priority - b.priority || docs.indexOf(a) - docs.indexOf(b));
        const expected = rows.flatMap((row) => {
          const hit = order.find((d) => reference(d.when, row).value);
          return hit ? [{ ruleId: hit.id, witness: reference(hit.when, row).leaves }] : [];
        });
        expect(excluded.map((e) => ({ ruleId: e.ruleId, witness: e.witness }))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('the generated and the closure evaluators agree, indexed or not (hosts that forbid code generation)', () => {
    const context: CompileContext = {
      columns: defaultColumnConfig,
      keyOf: createKeyCache(),
      businessDate: BUSINESS_DATE,
      validateOnly: false,
      problems: [],
    };
    fc.assert(
      fc.property(
        fc.array(whenArb, { minLength: 1, maxLength: 40 }),
        fc.array(rowArb),
        (trees, rows) => {
          const compiled = trees.map((t) => compileCondition(t, 'when', context));
          // Indexing from 2 rules on a field and patterns on keys from 1, so that most samples mix
          // indexed and tested rules, and patterns tested on keys and on raw values.
          const evaluators = [true, false].flatMap((codegen) => [
            createFirstMatch(compiled, { codegen }),
            createFirstMatch(compiled, { codegen, indexMinRules: 2, keyedPatterns: 1 }),
          ]);
          for (const row of rows) {
            const expected = trees.findIndex((t) => reference(t, row).value);
            for (const firstMatch of evaluators) expect(firstMatch(row)).toBe(expected);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

/** A row whose `field` counts how often it is read. */
function countingRow(
  field: string,
  value: string | number,
): { row: ColorRecord; reads: () => number } {
  let reads = 0;
  const row = { PX: 95, SOURCE: 'JPM', CUSIP: 'AAAAAAAA1', MESSAGE_ID: '1' } as Record<
    string,
    unknown
  >;
  Object.defineProperty(row, field, {
    enumerable: true,
    get: () => {
      reads++;
      return value;
    },
  });
  return { row: row as unknown as ColorRecord, reads: () => reads };
}

describe('evaluation cost follows what the rules test', () => {
  const cusipRules = Array.from({ length: 10_000 }, (_, i) => ({
    id: `c${i}`,
    name: `CUSIP ${i}`,
    active: true,
    priority: i,
    when: { field: 'CUSIP', op: 'equal_to', value: `C${String(i).padStart(8, '0')}` },
  }));
  const rules = compileRules(cusipRules);

  it('10,000 equality rules on one field: the field is read once per row, not once per rule', () => {
    const hit = countingRow('CUSIP', 'c00007000');
    expect(rules.apply([hit.row]).excluded.map((e) => e.ruleId)).toEqual(['c7000']);
    const miss = countingRow('CUSIP', 'ZZZZZZZZ9');
    expect(rules.apply([miss.row]).excluded).toHaveLength(0);
    // One read to look the row up, one to test the candidate, one for its witness.
    expect(hit.reads()).toBeLessThanOrEqual(3);
    expect(miss.reads()).toBe(1);
  });

  it('an earlier rule that is tested on every row still wins over an indexed candidate', () => {
    const docs = [
      ...cusipRules.slice(0, 20).map((r) => ({ ...r, priority: 5 })),
      {
        id: 'px',
        name: 'PX',
        active: true,
        priority: 1,
        when: { field: 'PX', op: 'gt', value: 90 },
      },
    ];
    const { excluded } = compileRules(docs).apply([
      { PX: 95, CUSIP: 'C00000003' } as unknown as ColorRecord,
      { PX: 80, CUSIP: 'C00000003' } as unknown as ColorRecord,
    ]);
    expect(excluded.map((e) => e.ruleId)).toEqual(['px', 'c3']);
  });

  it('explaining an excluded row evaluates each leaf once, however deep the rule', () => {
    let when: Condition = { field: 'PX', op: 'gt', value: 90 };
    // 31 wrappers around the leaf (32 deep, the limit), 16 of them `not`: the rule holds.
    for (let d = 1; d < 32; d++) when = d % 2 ? { not: when } : { all: [when] };
    const { row, reads } = countingRow('PX', 95);
    const [hit] = compileRules([{ id: 'd', name: 'Deep', active: true, when }]).apply([
      row,
    ]).excluded;
    expect(hit?.witness).toHaveLength(1);
    expect(reads()).toBe(2); // once to test, once to explain
  });
});
