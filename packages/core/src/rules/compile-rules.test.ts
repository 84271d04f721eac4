import { describe, expect, it } from 'vitest';
import { isMarketPulseError } from '../errors.js';
import type { ColorRecord } from '../parse/record.js';
import { REALISTIC_RULES } from '../sample/realistic-rules.js';
import { compileFilter, compileRules, type RuleProblem, validateRules } from './compile-rules.js';
import { OPERATORS } from './operators.js';
import type { Condition } from './rule-schema.js';

const BUSINESS_DATE = '2026-03-13'; // a Friday

function color(overrides: Partial<ColorRecord> = {}): ColorRecord {
  return {
    MESSAGE_ID: '17734228894978519',
    TICKER: 'WDMNT 2022-9A ER',
    SECTOR: 'MM-CLO',
    CUSIP: '12345ABC7',
    DATE: '2026-03-13',
    PRICE_LEVEL: 95,
    BID: 95,
    ASK: 0,
    PX: 95,
    SOURCE: 'JPM',
    BIAS: 'BID',
    RANK: 3,
    COV_PRICE: null,
    CONFIDENCE: 7,
    DATE_1: '2026-03-12',
    ...overrides,
  };
}

const rule = (when: Condition, extra: Record<string, unknown> = {}) => ({
  id: 'r1',
  name: 'Rule',
  active: true,
  priority: 1,
  when,
  ...extra,
});
/** True when the single rule excludes the row. */
const excludes = (when: Condition, row: ColorRecord) =>
  compileRules([rule(when)], { businessDate: BUSINESS_DATE }).apply([row]).excluded.length === 1;

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

describe('operators', () => {
  it.each([
    ['equal_to', 95, true],
    ['eq', 95, true],
    ['is equal to', 96, false],
    ['not_equal_to', 96, true],
    ['ne', 95, false],
    ['less_than', 96, true],
    ['lt', 95, false],
    ['greater_than', 94.5, true],
    ['gt', 95, false],
    ['less_than_equal_to', 95, true],
    ['lte', 94, false],
    ['less_or_equal', 95, true],
    ['greater_than_equal_to', 95, true],
    ['gte', 96, false],
    ['Greater Than Equal To', 95, true],
  ])('PX 95 %s %d → %s', (op, value, expected) => {
    expect(excludes({ field: 'PX', op, value }, color())).toBe(expected);
  });

  it.each([
    ['equal_to', ' jpm ', true],
    ['equals', 'GS', false],
    ['not_equal_to', 'GS', true],
    ['contains', 'p', true],
    ['not_contains', 'x', true],
    ['does not contain', 'J', false],
    ['starts with', 'jp', true],
    ['starts_with', 'pm', false],
    ['ends with', 'PM', true],
    ['ends_with', 'JP', false],
  ])('SOURCE JPM %s %j → %s (trimmed, case-insensitive)', (op, value, expected) => {
    expect(excludes({ field: 'SOURCE', op, value }, color())).toBe(expected);
  });

  it('compares text case-insensitively after trimming the row value too', () => {
    expect(
      excludes(
        { field: 'SOURCE', op: 'equal_to', value: 'dz bank' },
        color({ SOURCE: '  DZ Bank ' }),
      ),
    ).toBe(true);
    expect(
      excludes(
        { field: 'SOURCE', op: 'starts_with', value: 'dz' },
        color({ SOURCE: '  DZ Bank ' }),
      ),
    ).toBe(true);
    expect(
      excludes(
        { field: 'SOURCE', op: 'in', value: ['DZ BANK', 'X'] },
        color({ SOURCE: ' dz bank' }),
      ),
    ).toBe(true);
  });

  it('equal_to agrees with in on values whose lower case has another length (İ → i̇)', () => {
    const row = color({ SOURCE: 'İstanbul' });
    expect(excludes({ field: 'SOURCE', op: 'equal_to', value: 'İSTANBUL' }, row)).toBe(true);
    expect(excludes({ field: 'SOURCE', op: 'in', value: ['İSTANBUL'] }, row)).toBe(true);
    expect(excludes({ field: 'SOURCE', op: 'not_equal_to', value: 'İstanbul ' }, row)).toBe(false);
  });

  it('contains and equal_to fold case alike (the Kelvin sign K lower-cases to k)', () => {
    const row = color({ SOURCE: 'ABC \u212A' });
    expect(excludes({ field: 'SOURCE', op: 'equal_to', value: 'abc k' }, row)).toBe(true);
    expect(excludes({ field: 'SOURCE', op: 'contains', value: 'c k' }, row)).toBe(true);
    expect(excludes({ field: 'SOURCE', op: 'ends_with', value: 'K' }, row)).toBe(true);
  });

  it('treats regular-expression characters in text values literally', () => {
    expect(
      excludes(
        { field: 'TICKER', op: 'contains', value: '2022-9A (E' },
        color({ TICKER: 'X 2022-9A (ER)' }),
      ),
    ).toBe(true);
    expect(excludes({ field: 'TICKER', op: 'contains', value: '.*' }, color())).toBe(false);
  });

  it('between includes both ends and accepts reversed bounds', () => {
    for (const [value, value2] of [
      [90, 95],
      [95, 90],
      ['95', '90'],
    ]) {
      expect(excludes({ field: 'PX', op: 'between', value, value2 }, color({ PX: 95 }))).toBe(true);
      expect(excludes({ field: 'PX', op: 'between', value, value2 }, color({ PX: 90 }))).toBe(true);
      expect(excludes({ field: 'PX', op: 'between', value, value2 }, color({ PX: 95.01 }))).toBe(
        false,
      );
    }
  });

  it('in / not_in take a non-empty list', () => {
    expect(excludes({ field: 'RANK', op: 'in', value: [1, 3] }, color())).toBe(true);
    expect(excludes({ field: 'RANK', op: 'not_in', value: [1, 3] }, color())).toBe(false);
    expect(excludes({ field: 'SECTOR', op: 'not_in', value: ['RMBS'] }, color())).toBe(true);
  });

  it('compares ids exactly and requires string values for them', () => {
    expect(
      excludes({ field: 'MESSAGE_ID', op: 'equal_to', value: '17734228894978519' }, color()),
    ).toBe(true);
    expect(
      excludes({ field: 'MESSAGE_ID', op: 'equal_to', value: '17734228894978520' }, color()),
    ).toBe(false);
    expect(excludes({ field: 'MESSAGE_ID', op: 'starts_with', value: '1773' }, color())).toBe(true);
    const [p] = problems(() =>
      // biome-ignore lint/correctness/noPrecisionLoss: a number where an id string belongs is the case under test
      validateRules([rule({ field: 'MESSAGE_ID', op: 'equal_to', value: 17734228894978519 })]),
    );
    expect(p?.reason).toMatch(/JSON strings/);
  });

  it('compares dates as calendar dates, absolute or relative to the business date', () => {
    const row = color({ DATE_1: '2026-03-10' });
    expect(excludes({ field: 'DATE_1', op: 'less_than', value: '2026-03-11' }, row)).toBe(true);
    expect(excludes({ field: 'DATE_1', op: 'equal_to', value: 'today-3d' }, row)).toBe(true);
    expect(excludes({ field: 'DATE_1', op: 'less_than', value: 'today-3bd' }, row)).toBe(false); // 2026-03-10 is 3 business days before Friday 13th
    expect(excludes({ field: 'DATE_1', op: 'less_than', value: 'today-2bd' }, row)).toBe(true);
    expect(
      excludes(
        { field: 'DATE_1', op: 'equal_to', value: 'today-5bd' },
        color({ DATE_1: '2026-03-06' }),
      ),
    ).toBe(true); // skips the weekend
    expect(excludes({ field: 'DATE', op: 'equal_to', value: 'today' }, color())).toBe(true);
  });

  it('needs the business date to apply relative dates, but not to validate them', () => {
    const relative = [rule({ field: 'DATE_1', op: 'lt', value: 'today-2bd' })];
    expect(validateRules(relative)).toHaveLength(1);
    expect(problems(() => compileRules(relative))[0]?.reason).toMatch(/business date/);
  });

  it('lists every operator with the column types it accepts', () => {
    expect(OPERATORS.map((o) => o.op)).toHaveLength(15);
    expect(OPERATORS.find((o) => o.op === 'contains')?.types).toEqual(['text', 'id']);
  });
});

describe('empty values', () => {
  it('not_equal_to keeps empty values while not(equal_to) excludes them', () => {
    const empty = color({ SOURCE: null as unknown as string, COV_PRICE: null });
    expect(excludes({ field: 'COV_PRICE', op: 'not_equal_to', value: 100 }, empty)).toBe(false);
    expect(excludes({ not: { field: 'COV_PRICE', op: 'equal_to', value: 100 } }, empty)).toBe(true);
    expect(
      excludes({ field: 'TICKER', op: 'not_contains', value: 'X' }, color({ TICKER: null })),
    ).toBe(false);
    expect(
      excludes({ field: 'SECTOR', op: 'not_in', value: ['RMBS'] }, color({ SECTOR: '' })),
    ).toBe(false);
  });

  it('treats 0 as empty where 0 means empty', () => {
    const zero = color({ PX: 0 });
    expect(excludes({ field: 'PX', op: 'is_empty' }, zero)).toBe(true);
    expect(excludes({ field: 'PX', op: 'is_not_empty' }, zero)).toBe(false);
    expect(excludes({ field: 'PX', op: 'less_than', value: 50 }, zero)).toBe(false);
    expect(excludes({ not: { field: 'PX', op: 'greater_than', value: 100 } }, zero)).toBe(true);
    expect(excludes({ field: 'CONFIDENCE', op: 'is_empty' }, color({ CONFIDENCE: 0 }))).toBe(false); // 0 is a value here
  });

  it('refuses comparing a zero-means-empty column to 0', () => {
    expect(
      problems(() => validateRules([rule({ field: 'PX', op: 'equal_to', value: 0 })]))[0]?.reason,
    ).toMatch(/use is_empty/);
  });
});

describe('validation (a rule is refused when saved, naming rule, condition and reason)', () => {
  it('refuses a rule on a misspelt column instead of treating it as empty', () => {
    const [p] = problems(() =>
      validateRules([
        rule({ field: 'SORCE', op: 'not_equal_to', value: 'JPM' }, { name: 'Keep JPM' }),
      ]),
    );
    expect(p).toMatchObject({
      ruleId: 'r1',
      ruleName: 'Keep JPM',
      path: expect.stringContaining('when (SORCE not_equal_to "JPM")'),
    });
    expect(p?.reason).toMatch(/unknown field "SORCE"/);
  });

  it('accepts fields by column name, alias or display name', () => {
    for (const field of ['PX', 'price', 'Price', ' p x '])
      expect(excludes({ field, op: 'gt', value: 90 }, color())).toBe(true);
    expect(excludes({ field: 'Quote Date', op: 'eq', value: '2026-03-12' }, color())).toBe(true);
  });

  it.each([
    [{ field: 'PX', op: 'contains', value: '9' }, /does not apply to number/],
    [{ field: 'SOURCE', op: 'greater_than', value: 'A' }, /does not apply to text/],
    [{ field: 'PX', op: 'gt', value: '12abc' }, /not a number/],
    [{ field: 'DATE_1', op: 'gt', value: '3/13/2026' }, /not a date/],
    [{ field: 'PX', op: 'between', value: 1 }, /value and value2/],
    [{ field: 'PX', op: 'in', value: [] }, /non-empty list/],
    [{ field: 'PX', op: 'in', value: 5 }, /JSON array/],
    [{ field: 'PX', op: 'gt' }, /needs a value/],
    [{ field: 'PX', op: 'is_empty', value: 3 }, /takes no value/],
    [{ field: 'PX', op: 'gt', value: 1, value2: 2 }, /only used by between/],
    [{ field: 'PX', op: 'roughly', value: 1 }, /unknown operator/],
    [{ all: [] }, /at least one condition/],
    [{ any: [] }, /at least one condition/],
    [
      {
        not: {
          all: [
            { field: 'PX', op: 'gt', value: 1 },
            { field: 'NOPE', op: 'gt', value: 1 },
          ],
        },
      },
      /unknown field "NOPE"/,
    ],
  ] as [Condition, RegExp][])('refuses %j', (when, reason) => {
    const found = problems(() => validateRules([rule(when)]));
    expect(found.map((p) => p.reason).join(' | ')).toMatch(reason);
  });

  it('locates a problem inside the tree', () => {
    const [p] = problems(() =>
      validateRules([
        rule({
          all: [
            { field: 'PX', op: 'gt', value: 1 },
            { not: { field: 'PX', op: 'gt', value: 'x' } },
          ],
        }),
      ]),
    );
    expect(p?.path).toMatch(/^when\.all\[1\]\.not \(PX gt "x"\)/);
  });

  it('refuses duplicate ids and names (names case-insensitively) and reports every bad rule', () => {
    const found = problems(() =>
      validateRules([
        rule({ field: 'PX', op: 'gt', value: 1 }, { id: 'a', name: 'Cheap' }),
        rule({ field: 'PX', op: 'gt', value: 1 }, { id: 'a', name: 'Other' }),
        rule({ field: 'PX', op: 'gt', value: 1 }, { id: 'c', name: 'CHEAP' }),
        rule({ field: 'BAD', op: 'gt', value: 1 }, { id: 'd', name: 'Bad' }),
      ]),
    );
    expect(found.map((p) => [p.ruleId, p.path])).toEqual([
      ['a', 'id'],
      ['c', 'name'],
      ['d', expect.stringMatching(/^when/)],
    ]);
  });

  it('refuses a malformed rule document', () => {
    const found = problems(() =>
      validateRules([{ id: 'x', name: '', active: 'yes', when: { field: 'PX' } }]),
    );
    expect(found.map((p) => p.path)).toEqual(expect.arrayContaining(['name', 'active']));
  });
});

describe('applying rules', () => {
  const rows = [
    color({ MESSAGE_ID: '1', SOURCE: 'DZ Bank', BIAS: 'VALUATION' }),
    color({ MESSAGE_ID: '2', SOURCE: 'DZ Bank' }),
    color({ MESSAGE_ID: '3', PX: 120 }),
    color({ MESSAGE_ID: '4' }),
  ];

  it('credits the first match by priority, then creation time, then position; counts per rule', () => {
    const rules = compileRules(
      [
        {
          id: 'late',
          name: 'Late',
          active: true,
          priority: 5,
          createdAt: '2026-01-02T00:00:00Z',
          when: { field: 'SOURCE', op: 'eq', value: 'DZ Bank' },
        },
        {
          id: 'early',
          name: 'Early',
          active: true,
          priority: 5,
          createdAt: '2026-01-01T00:00:00+01:00',
          when: { field: 'BIAS', op: 'eq', value: 'VALUATION' },
        },
        {
          id: 'first',
          name: 'First',
          active: true,
          priority: 1,
          when: { field: 'PX', op: 'gt', value: 100 },
        },
        {
          id: 'off',
          name: 'Off',
          active: false,
          priority: 0,
          when: { field: 'PX', op: 'is_not_empty' },
        },
      ],
      { businessDate: BUSINESS_DATE },
    );
    const { kept, excluded, countsByRule } = rules.apply(rows);
    expect(excluded.map((e) => [e.row.MESSAGE_ID, e.ruleId])).toEqual([
      ['1', 'early'],
      ['2', 'late'],
      ['3', 'first'],
    ]);
    expect(kept.map((r) => r.MESSAGE_ID)).toEqual(['4']);
    expect(Array.from(rules.apply(rows).keptIndex)).toEqual([3]);
    expect(excluded.map((e) => e.index)).toEqual([0, 1, 2]);
    expect(countsByRule).toEqual({ first: 1, early: 1, late: 1 });
    expect(rules.rules.map((r) => r.id)).toEqual(['off', 'first', 'early', 'late']);
  });

  it('applies inactive rules only when asked to use all (a session’s picks)', () => {
    const docs = [
      {
        id: 'off',
        name: 'Off',
        active: false,
        priority: 0,
        when: { field: 'PX', op: 'is_not_empty' },
      },
    ];
    expect(compileRules(docs).apply(rows).excluded).toHaveLength(0);
    expect(compileRules(docs, { use: 'all' }).apply(rows).excluded).toHaveLength(4);
  });

  it('records the witness: every leaf of an all, the first true leaf of an any, the false leaf under a not', () => {
    const when: Condition = {
      all: [
        { field: 'Source', op: 'eq', value: 'DZ Bank' },
        {
          any: [
            { field: 'PX', op: 'gt', value: 200 },
            { field: 'BIAS', op: 'eq', value: 'VALUATION' },
            { field: 'RANK', op: 'gt', value: 0 },
          ],
        },
        { not: { field: 'PX', op: 'lt', value: 10 } },
      ],
    };
    const [hit] = compileRules([rule(when)]).apply([rows[0] as ColorRecord]).excluded;
    expect(hit?.witness).toEqual([
      {
        path: [0],
        field: 'SOURCE',
        op: 'equal_to',
        value: 'DZ Bank',
        actual: 'DZ Bank',
        result: true,
      },
      {
        path: [1, 1],
        field: 'BIAS',
        op: 'equal_to',
        value: 'VALUATION',
        actual: 'VALUATION',
        result: true,
      },
      { path: [2, 0], field: 'PX', op: 'less_than', value: 10, actual: 95, result: false },
    ]);
  });

  it('keeps excluded rows intact and does not modify the input', () => {
    const input = rows.map((r) => Object.freeze({ ...r }));
    const { excluded } = compileRules([rule({ field: 'PX', op: 'gt', value: 100 })]).apply(input);
    expect(excluded[0]?.row).toBe(input[2]);
  });

  it('runs the ten realistic rules', () => {
    const { excluded, countsByRule } = compileRules(REALISTIC_RULES, {
      businessDate: BUSINESS_DATE,
    }).apply(rows);
    expect(excluded.map((e) => e.ruleId)).toEqual(['no-valuations', 'no-dz-bank']);
    expect(Object.keys(countsByRule)).toHaveLength(10);
  });
});

describe('compileFilter (presets keep what matches)', () => {
  it('keeps matching rows with the rule semantics', () => {
    const filter = compileFilter({
      all: [
        { field: 'SECTOR', op: 'in', value: ['mm-clo'] },
        { field: 'PX', op: 'is_not_empty' },
      ],
    });
    expect(
      [color(), color({ PX: 0 }), color({ SECTOR: 'RMBS' })].filter(filter.matches),
    ).toHaveLength(1);
  });

  it('refuses an invalid filter', () => {
    expect(() => compileFilter({ field: 'NOPE', op: 'eq', value: 1 })).toThrow(/unknown field/);
    expect(() => compileFilter({ any: [] })).toThrow(/at least one/);
  });
});

describe('validateRules', () => {
  it('returns the parsed rules in input order, with defaults filled in', () => {
    const rules = validateRules([
      { id: 'b', name: 'B', active: true, priority: 9, when: { field: 'PX', op: 'is_empty' } },
      { id: 'a', name: 'A', active: false, when: { field: 'PX', op: 'is_empty' } },
    ]);
    expect(rules.map((r) => [r.id, r.priority])).toEqual([
      ['b', 9],
      ['a', 100],
    ]);
  });
});
