import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ColorRecord } from '../parse/record.js';
import { generateColors } from '../sample/generate-colors.js';
import { type RankedRow, rankColors, rankOrder } from './rank-colors.js';

let seq = 0;
/** A color with defaults; MESSAGE_IDs are unique unless given. */
function color(overrides: Partial<ColorRecord> = {}): ColorRecord {
  seq++;
  return {
    MESSAGE_ID: `177342288949${String(70000 + seq)}`,
    TICKER: 'WDMNT 2022-9A ER',
    SECTOR: 'MM-CLO',
    CUSIP: '12345ABC7',
    DATE: '2026-03-13',
    PRICE_LEVEL: null,
    BID: null,
    ASK: null,
    PX: 95,
    SOURCE: 'JPM',
    BIAS: 'BID',
    RANK: 3,
    DATE_1: '2026-03-12',
    ...overrides,
  };
}

const parents = (rows: RankedRow[]) => rows.filter((r) => r.IS_PARENT);

describe('rankColors: the order of SPEC §2', () => {
  it('never lets a zero PX win', () => {
    const rows = rankColors([
      color({ PX: 0, SOURCE: 'AAA' }),
      color({ PX: 50 }),
      color({ PX: null }),
    ]);
    expect(rows[0]?.PX).toBe(50);
    expect(rows.map((r) => r.PX)).toEqual([50, 0, null]);
  });

  it('puts the newest DATE_1 on top even over a higher price and a better RANK', () => {
    const rows = rankColors([
      color({ DATE_1: '2026-03-11', PX: 101, RANK: 1 }),
      color({ DATE_1: '2026-03-12', PX: 90, RANK: 4 }),
    ]);
    expect(rows[0]).toMatchObject({ DATE_1: '2026-03-12', IS_PARENT: true });
  });

  it('falls back to DATE where DATE_1 is empty, and ranks by DATE alone when asked', () => {
    expect(
      rankColors([
        color({ DATE_1: '', DATE: '2026-03-13', PX: 1 }),
        color({ DATE_1: '2026-03-12', PX: 2 }),
      ])[0]?.PX,
    ).toBe(1);
    const old = color({ DATE_1: '2026-03-10', DATE: '2026-03-13', PX: 100 });
    const undated = color({ DATE_1: null, DATE: '2026-03-11', PX: 90 });
    expect(rankColors([old, undated])[0]?.PX).toBe(90);
    const byDate = rankColors(
      [
        color({ DATE: '2026-03-12', DATE_1: '2026-03-13', PX: 80 }),
        color({ DATE: '2026-03-13', DATE_1: '2026-03-01', PX: 70 }),
      ],
      { dateField: 'DATE' },
    );
    expect(byDate[0]?.PX).toBe(70);
  });

  it('puts an empty rank date last', () => {
    const rows = rankColors([
      color({ DATE_1: null, DATE: null as unknown as string, PX: 120 }),
      color({ DATE_1: '2020-01-01', PX: 1 }),
    ]);
    expect(rows[0]?.PX).toBe(1);
  });

  it('breaks date ties by RANK ascending, then PX descending', () => {
    const rows = rankColors([
      color({ RANK: 4, PX: 99 }),
      color({ RANK: 2, PX: 80 }),
      color({ RANK: 2, PX: 85 }),
    ]);
    expect(rows.map((r) => [r.RANK, r.PX])).toEqual([
      [2, 85],
      [2, 80],
      [4, 99],
    ]);
  });

  it('breaks full price ties by SOURCE (case-insensitive), then MESSAGE_ID as a number', () => {
    const rows = rankColors([
      color({ SOURCE: 'citi', MESSAGE_ID: '5' }),
      color({ SOURCE: 'BARC', MESSAGE_ID: '900' }),
      color({ SOURCE: 'Barc', MESSAGE_ID: '1000' }),
      color({ SOURCE: 'barc', MESSAGE_ID: '99' }),
    ]);
    expect(rows.map((r) => r.MESSAGE_ID)).toEqual(['99', '900', '1000', '5']);
  });

  it('outputs groups in order of first appearance, parent first, with the hierarchy columns', () => {
    const input = [
      color({ CUSIP: 'BBBBBBBB1', PX: 90, MESSAGE_ID: '11' }),
      color({ CUSIP: 'AAAAAAAA1', PX: 70, MESSAGE_ID: '12' }),
      color({ CUSIP: 'BBBBBBBB1', PX: 95, MESSAGE_ID: '13' }),
      color({ CUSIP: 'BBBBBBBB1', PX: 80, MESSAGE_ID: '14' }),
    ];
    const rows = rankColors(input, { runId: 42 });
    expect(
      rows.map((r) => [
        r.CUSIP,
        r.PX,
        r.IS_PARENT,
        r.CHILDREN_COUNT,
        r.PARENT_MESSAGE_ID,
        r.ROW_ID,
        r.PARENT_ROW_ID,
      ]),
    ).toEqual([
      ['BBBBBBBB1', 95, true, 2, null, '42-1', null],
      ['BBBBBBBB1', 90, false, 0, '13', '42-2', '42-1'],
      ['BBBBBBBB1', 80, false, 0, '13', '42-3', '42-1'],
      ['AAAAAAAA1', 70, true, 0, null, '42-4', null],
    ]);
  });

  it('numbers rows preview-<n> without a run', () => {
    expect(rankColors([color()])[0]?.ROW_ID).toBe('preview-1');
  });

  it('keeps pass-through columns and does not modify its input', () => {
    const input = [color({ 'Desk Note': 'watch' }), color({ PX: 99 })];
    const frozen = input.map((r) => Object.freeze({ ...r }));
    const before = JSON.stringify(frozen);
    const rows = rankColors(frozen);
    expect(JSON.stringify(frozen)).toBe(before);
    expect(rows.find((r) => r.PX === 95)).toMatchObject({ 'Desk Note': 'watch' });
    expect(rows[0]).not.toBe(frozen[1]);
  });

  it('replaces hierarchy columns already present in the input (re-ranking ranked rows)', () => {
    const once = rankColors([color({ PX: 1 }), color({ PX: 2 })], { runId: 1 });
    const twice = rankColors([...once].reverse(), { runId: 2 });
    expect(twice.map((r) => [r.ROW_ID, r.IS_PARENT, r.PX])).toEqual([
      ['2-1', true, 2],
      ['2-2', false, 1],
    ]);
    expect(Object.keys(twice[0] ?? {}).filter((k) => k === 'ROW_ID')).toHaveLength(1);
  });

  it('handles records of different shapes in one call', () => {
    const rows = rankColors([
      color(),
      { ...color({ PX: 99 }), EXTRA: 'x' },
      color({ CUSIP: 'ZZZZZZZZ9' }),
    ]);
    expect(rows.map((r) => r.EXTRA ?? null)).toEqual(['x', null, null]);
    expect(Object.keys(rows[0] ?? {})).toContain('EXTRA');
  });

  it('refuses a record without a CUSIP', () => {
    expect(() => rankColors([color({ CUSIP: '' })])).toThrow(/no CUSIP/);
  });

  it('collapses repeated quotes with dedupe: quote, keeping the first', () => {
    const a = color({ MESSAGE_ID: '1', BID: 95, ASK: 0, SOURCE: 'JPM', BIAS: 'BID' });
    const repeat: ColorRecord = { ...a, TICKER: 'other join row' };
    const otherSide: ColorRecord = { ...a, BIAS: 'OFFER', ASK: 96 };
    expect(rankColors([a, repeat, otherSide], { dedupe: 'quote' })).toHaveLength(2);
    expect(rankColors([a, repeat, otherSide], { dedupe: 'quote' }).map((r) => r.TICKER)).toContain(
      'WDMNT 2022-9A ER',
    );
    expect(rankColors([a, repeat, otherSide])).toHaveLength(3);
  });

  it('streams the same rows from the plan as rankColors materialises', () => {
    const records = generateColors({ rows: 2_000, seed: 11 });
    const plan = rankOrder(records, { runId: 9 });
    const rows = rankColors(records, { runId: 9 });
    expect(Array.from({ length: plan.length }, (_, k) => plan.rowAt(k))).toEqual(rows);
    expect(() => plan.rowAt(plan.length)).toThrow(RangeError);
  });
});

// ---- properties ----

const CUSIPS = ['AAAAAAAA1', 'BBBBBBBB2', 'CCCCCCCC3', 'DDDDDDDD4', 'EEEEEEEE5'];
const recordArb = fc
  .record({
    CUSIP: fc.constantFrom(...CUSIPS),
    DATE_1: fc.option(fc.constantFrom('2026-03-10', '2026-03-11', '2026-03-12'), { nil: null }),
    DATE: fc.constantFrom('2026-03-12', '2026-03-13'),
    RANK: fc.integer({ min: 1, max: 6 }),
    PX: fc.option(fc.constantFrom(0, 50, 90.5, 99, 101.25), { nil: null }),
    SOURCE: fc.constantFrom('JPM', 'jpm', 'GS', 'BARC'),
    MESSAGE_ID: fc.constantFrom('1', '2', '10', '17734228894978519'),
  })
  .map((r) => color(r as Partial<ColorRecord>));
const recordsArb = fc.array(recordArb, { maxLength: 60 });

const rankKey = (r: ColorRecord) =>
  JSON.stringify([
    r.CUSIP,
    r.DATE_1 ?? r.DATE,
    r.RANK,
    r.PX || null,
    String(r.SOURCE).toLowerCase(),
    r.MESSAGE_ID,
  ]);

describe('rankColors: invariants (property)', () => {
  it('every group has one parent; counts, parent links and ids hold; output is a permutation', () => {
    fc.assert(
      fc.property(recordsArb, fc.integer({ min: 1, max: 999 }), (records, runId) => {
        const rows = rankColors(records, { runId });
        expect(rows).toHaveLength(records.length);
        const byId = new Map(rows.map((r) => [r.ROW_ID, r]));
        const groups = new Map<string, RankedRow[]>();
        for (const r of rows) groups.set(r.CUSIP, [...(groups.get(r.CUSIP) ?? []), r]);
        for (const group of groups.values()) {
          const ps = group.filter((r) => r.IS_PARENT);
          expect(ps).toHaveLength(1);
          const parent = ps[0] as RankedRow;
          expect(parent.CHILDREN_COUNT).toBe(group.length - 1);
          for (const child of group.filter((r) => !r.IS_PARENT)) {
            expect(child.CHILDREN_COUNT).toBe(0);
            expect(child.PARENT_ROW_ID).toBe(parent.ROW_ID);
            expect(byId.get(child.PARENT_ROW_ID as string)?.CUSIP).toBe(child.CUSIP);
            expect(child.PARENT_MESSAGE_ID).toBe(parent.MESSAGE_ID);
          }
        }
        expect(rows.map((r) => r.ROW_ID)).toEqual(rows.map((_, i) => `${runId}-${i + 1}`));
        const strip = (r: RankedRow) =>
          r.MESSAGE_ID + r.CUSIP + rankKey(r) + (r as unknown as { TICKER: string }).TICKER;
        expect(rows.map(strip).sort()).toEqual(records.map((r) => strip(r as RankedRow)).sort());
        // Groups stay contiguous and each is in rank order.
        const seenGroups: string[] = [];
        for (const r of rows)
          if (seenGroups[seenGroups.length - 1] !== r.CUSIP) seenGroups.push(r.CUSIP);
        expect(seenGroups).toEqual([...new Set(records.map((r) => r.CUSIP))]);
      }),
    );
  });

  it('a parent is never beaten by a child on date, then rank, then price', () => {
    fc.assert(
      fc.property(recordsArb, (records) => {
        const rows = rankColors(records);
        const parentOf = new Map(parents(rows).map((p) => [p.CUSIP, p]));
        for (const child of rows.filter((r) => !r.IS_PARENT)) {
          const p = parentOf.get(child.CUSIP) as RankedRow;
          const pd = p.DATE_1 ?? p.DATE;
          const cd = child.DATE_1 ?? child.DATE;
          expect(pd >= cd).toBe(true);
          if (pd === cd) {
            expect(p.RANK <= child.RANK).toBe(true);
            if (p.RANK === child.RANK) expect((p.PX || -1) >= (child.PX || -1)).toBe(true);
          }
          if (child.PX && child.PX !== 0 && pd === cd && p.RANK === child.RANK)
            expect(p.PX).not.toBe(0);
        }
      }),
    );
  });

  it('shuffling the input changes no parent unless rows tie on every key', () => {
    fc.assert(
      fc.property(
        recordsArb.chain((records) =>
          fc.tuple(
            fc.constant(records),
            fc.shuffledSubarray(records, { minLength: records.length, maxLength: records.length }),
          ),
        ),
        ([records, shuffled]) => {
          const a = new Map(parents(rankColors(records)).map((p) => [p.CUSIP, rankKey(p)]));
          const b = new Map(parents(rankColors(shuffled)).map((p) => [p.CUSIP, rankKey(p)]));
          // Compared by every ranking key: rows that differ only in untied-by-keys content may swap.
          expect(b).toEqual(a);
        },
      ),
    );
  });

  it('the plan and the plain objects agree', () => {
    fc.assert(
      fc.property(recordsArb, (records) => {
        const plan = rankOrder(records);
        const rows = rankColors(records);
        rows.forEach((row, k) => {
          expect(records[plan.order[k] as number]?.MESSAGE_ID).toBe(row.MESSAGE_ID);
          expect(plan.parentSlot[k] === k).toBe(row.IS_PARENT);
        });
      }),
    );
  });
});

describe('rules first, then one ranking over the union (SPEC §2 Fix)', () => {
  it('gives every CUSIP exactly one parent even when its best color is excluded, across inputs', async () => {
    const { compileRules } = await import('../rules/compile-rules.js');
    const source = [
      color({ CUSIP: 'AAAAAAAA1', PX: 99, SOURCE: 'DZ Bank' }),
      color({ CUSIP: 'AAAAAAAA1', PX: 90 }),
    ];
    const upload = [color({ CUSIP: 'AAAAAAAA1', PX: 95 }), color({ CUSIP: 'BBBBBBBB2', PX: 80 })];
    const rules = compileRules([
      {
        id: 'dz',
        name: 'DZ',
        active: true,
        priority: 1,
        when: { field: 'SOURCE', op: 'eq', value: 'dz bank' },
      },
    ]);
    const rows = rankColors(rules.apply([...source, ...upload]).kept, { runId: 3 });
    expect(rows.map((r) => [r.CUSIP, r.PX, r.IS_PARENT, r.CHILDREN_COUNT])).toEqual([
      ['AAAAAAAA1', 95, true, 1],
      ['AAAAAAAA1', 90, false, 0],
      ['BBBBBBBB2', 80, true, 0],
    ]);
  });
});
