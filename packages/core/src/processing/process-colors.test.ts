import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ColorRecord } from '../parse/record.js';
import { compileFilter, compileRules } from '../rules/compile-rules.js';
import type { RuleInput } from '../rules/rule-schema.js';
import { processColors } from './process-colors.js';
import type { RunInput } from './run-input.js';

// processColors decides in one pass (rules, then rank keys while the row is in cache). These
// properties hold it to a reference written plainly from SPEC §2–3, independent of the engine.

type Row = ColorRecord & { SEQ: number };

const empty = (v: unknown, zeroIsEmpty = false) =>
  v === null || v === undefined || v === '' || (zeroIsEmpty && v === 0);
const text = (v: unknown) => String(v).trim().toLowerCase();

/** The rules under test with their meaning written out (SPEC §3), in credit order by priority. */
const RULES: { doc: RuleInput; matches: (r: Row) => boolean }[] = [
  {
    doc: {
      id: 'px',
      name: 'px',
      active: true,
      priority: 1,
      when: { not: { field: 'PX', op: 'between', value: 130, value2: 5 } },
    },
    matches: (r) => !(!empty(r.PX, true) && (r.PX as number) >= 5 && (r.PX as number) <= 130),
  },
  {
    doc: {
      id: 'val',
      name: 'val',
      active: true,
      priority: 2,
      when: { field: 'BIAS', op: 'equal_to', value: 'VALUATION' },
    },
    matches: (r) => !empty(r.BIAS) && text(r.BIAS) === 'valuation',
  },
  {
    doc: {
      id: 'test',
      name: 'test',
      active: true,
      priority: 3,
      when: { field: 'TICKER', op: 'contains', value: 'test' },
    },
    matches: (r) => !empty(r.TICKER) && text(r.TICKER).includes('test'),
  },
  {
    doc: {
      id: 'conf',
      name: 'conf',
      active: true,
      priority: 4,
      when: { field: 'CONFIDENCE', op: 'lt', value: 2 },
    },
    matches: (r) => !empty(r.CONFIDENCE) && (r.CONFIDENCE as number) < 2,
  },
  {
    doc: {
      id: 'old',
      name: 'old',
      active: true,
      priority: 5,
      when: { field: 'DATE_1', op: 'less_than', value: '2026-03-11' },
    },
    matches: (r) => !empty(r.DATE_1) && (r.DATE_1 as string) < '2026-03-11',
  },
  {
    doc: {
      id: 'nosrc',
      name: 'nosrc',
      active: true,
      priority: 6,
      when: { field: 'SOURCE', op: 'is_empty' },
    },
    matches: (r) => empty(r.SOURCE),
  },
];

/** SPEC §2's order, written as a comparator over the plain rows. */
function referenceCompare(dateField: 'DATE_1' | 'DATE') {
  const rankDate = (r: Row) => (dateField === 'DATE' || empty(r.DATE_1) ? r.DATE : r.DATE_1) ?? '';
  return (a: Row & { at: number }, b: Row & { at: number }): number => {
    const da = rankDate(a);
    const db = rankDate(b);
    if (da !== db) return da === '' ? 1 : db === '' ? -1 : da > db ? -1 : 1;
    const ra = typeof a.RANK === 'number' ? a.RANK : Number.POSITIVE_INFINITY;
    const rb = typeof b.RANK === 'number' ? b.RANK : Number.POSITIVE_INFINITY;
    if (ra !== rb) return ra < rb ? -1 : 1;
    const pa = empty(a.PX, true) ? null : (a.PX as number);
    const pb = empty(b.PX, true) ? null : (b.PX as number);
    if (pa !== pb) return pa === null ? 1 : pb === null ? -1 : pa > pb ? -1 : 1;
    const sa = empty(a.SOURCE) ? '' : String(a.SOURCE).toLowerCase();
    const sb = empty(b.SOURCE) ? '' : String(b.SOURCE).toLowerCase();
    if (sa !== sb) return sa < sb ? -1 : 1;
    if (a.MESSAGE_ID.length !== b.MESSAGE_ID.length)
      return a.MESSAGE_ID.length - b.MESSAGE_ID.length;
    if (a.MESSAGE_ID !== b.MESSAGE_ID) return a.MESSAGE_ID < b.MESSAGE_ID ? -1 : 1;
    return a.at - b.at;
  };
}

/** Kept rows in output order with their hierarchy, and excluded rows with the rule credited. */
function reference(rows: Row[], active: boolean[], dateField: 'DATE_1' | 'DATE') {
  const kept: (Row & { at: number })[] = [];
  const excluded: { seq: number; rule: string }[] = [];
  for (const r of rows) {
    const hit = RULES.findIndex((rule, k) => active[k] && rule.matches(r));
    if (hit >= 0) excluded.push({ seq: r.SEQ, rule: RULES[hit]?.doc.id as string });
    else kept.push({ ...r, at: kept.length });
  }
  const groups = new Map<string, (Row & { at: number })[]>();
  for (const r of kept) groups.set(r.CUSIP, [...(groups.get(r.CUSIP) ?? []), r]);
  const out: { seq: number; isParent: boolean; children: number; parentSeq: number }[] = [];
  for (const group of groups.values()) {
    group.sort(referenceCompare(dateField));
    const parent = group[0] as Row;
    group.forEach((r, i) => {
      out.push({
        seq: r.SEQ,
        isParent: i === 0,
        children: i === 0 ? group.length - 1 : 0,
        parentSeq: parent.SEQ,
      });
    });
  }
  return { out, excluded };
}

const rowArb = fc.record({
  CUSIP: fc.constantFrom('AAAAAAAA1', 'BBBBBBBB2', 'CCCCCCCC3', 'DDDDDDDD4'),
  DATE: fc.constantFrom('2026-03-12', '2026-03-13'),
  DATE_1: fc.constantFrom(null, '', '2026-03-10', '2026-03-11', '2026-03-12', '2026-03-13'),
  RANK: fc.constantFrom(1, 2, 3, 6, null),
  PX: fc.constantFrom(null, 0, -1, 4.99, 5, 50, 90.5, 130, 130.01),
  SOURCE: fc.constantFrom('JPM', 'jpm', ' GS', 'Barc', null),
  MESSAGE_ID: fc.constantFrom('1', '2', '9', '10', '17734228894978519'),
  TICKER: fc.constantFrom('ABC 1A', 'x TEST', ' Test', 'tes\u0130t', 'TES\u212A', null),
  BIAS: fc.constantFrom('BID', 'OFFER', 'valuation', ' Valuation '),
  CONFIDENCE: fc.constantFrom(null, 0, 1, 2, 7),
  SECTOR: fc.constant('MM-CLO'),
});

/** Rows cut into 1–3 inputs (some possibly empty), numbered by SEQ in union order. */
const inputsArb = fc
  .tuple(
    fc.array(rowArb, { maxLength: 50 }),
    fc.integer({ min: 0, max: 50 }),
    fc.integer({ min: 0, max: 50 }),
  )
  .map(([rows, a, b]) => {
    const numbered = rows.map((r, i) => ({ ...r, SEQ: i }) as unknown as Row);
    const [x, y] = [Math.min(a, b, numbered.length), Math.min(Math.max(a, b), numbered.length)];
    const parts = [numbered.slice(0, x), numbered.slice(x, y), numbered.slice(y)];
    return parts.map(
      (records, i): RunInput => ({
        origin: i === 0 ? 'source' : `upload:${i}`,
        processingType: i === 2 ? 'MANUAL' : 'AUTOMATED',
        records,
      }),
    );
  });

describe('processColors against a plain reference (property)', () => {
  it('keeps, excludes, credits, orders and links rows as SPEC §2–3 say', () => {
    fc.assert(
      fc.property(
        inputsArb,
        fc.array(fc.boolean(), { minLength: RULES.length, maxLength: RULES.length }),
        fc.constantFrom('DATE_1' as const, 'DATE' as const),
        (inputs, active, dateField) => {
          const docs = RULES.map((r, k) => ({ ...r.doc, active: active[k] as boolean }));
          const rules = compileRules(docs, { businessDate: '2026-03-13' });
          const processed = processColors(inputs, rules, {
            runId: 7,
            processedAt: '2026-03-13T18:00:00.000Z',
            rankDateField: dateField,
          });
          const union = inputs.flatMap((i) => i.records as Row[]);
          const expected = reference(union, active, dateField);

          expect(processed.length).toBe(expected.out.length);
          const seqAt = new Map<number, number>();
          for (let k = 0; k < processed.length; k++) {
            const row = processed.rowAt(k);
            const want = expected.out[k] as (typeof expected.out)[number];
            expect([row.SEQ, row.IS_PARENT, row.CHILDREN_COUNT]).toEqual([
              want.seq,
              want.isParent,
              want.children,
            ]);
            seqAt.set(row.SEQ as number, k);
            if (!want.isParent)
              expect(row.PARENT_ROW_ID).toBe(`7-${(seqAt.get(want.parentSeq) as number) + 1}`);
            const origin = inputs.find((i) => i.records.some((r) => (r as Row).SEQ === want.seq));
            expect(row.ORIGIN).toBe(origin?.origin);
          }

          expect(processed.counts.excluded).toBe(expected.excluded.length);
          const eager = rules.apply(union).excluded;
          expected.excluded.forEach((want, n) => {
            const row = processed.excludedRowAt(n);
            expect([row.SEQ, row.EXCLUDED_BY, row.ROW_ID]).toEqual([
              want.seq,
              want.rule,
              `7-x${n + 1}`,
            ]);
            // The witness built on read is the one apply() records.
            expect(row.WITNESS).toEqual(eager[n]?.witness);
          });
          for (const rule of rules.inUse)
            expect(processed.counts.excludedByRule[rule.id]).toBe(
              expected.excluded.filter((e) => e.rule === rule.id).length,
            );
          expect(processed.counts.parents).toBe(expected.out.filter((o) => o.isParent).length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('names the ranked row without a CUSIP, as ranking alone does', () => {
    const good = { CUSIP: 'AAAAAAAA1', DATE: '2026-03-13', RANK: 1, PX: 50, MESSAGE_ID: '1' };
    const records = [
      { ...good, BIAS: 'VALUATION' }, // excluded: not a ranked row
      good,
      { ...good, CUSIP: '' },
    ] as unknown as ColorRecord[];
    const rules = compileRules([RULES[1]?.doc]);
    expect(() =>
      processColors([{ origin: 'source', processingType: 'AUTOMATED', records }], rules, {
        runId: 1,
        processedAt: 'x',
      }),
    ).toThrow(/record 2 has no CUSIP/);
  });
});

describe('text pattern leaves against the trimmed lower-case key (property)', () => {
  const alphabet = fc.constantFrom(
    'a',
    'T',
    't',
    'e',
    'S',
    's',
    'k',
    'K',
    ' ',
    '\u00a0',
    '\u0130',
    '\u212A',
    '\u017F',
    'i',
    'é',
  );
  const word = fc.array(alphabet, { maxLength: 8 }).map((cs) => cs.join(''));
  const needle = fc.constantFrom('test', 'k', 'te', 'is', 'sk', 'é');
  it('contains, not_contains, starts_with and ends_with decide as the key does', () => {
    fc.assert(
      fc.property(word, needle, (value, n) => {
        const key = value.trim().toLowerCase();
        const row = { TICKER: value };
        const leaf = (op: string) =>
          compileFilter({ field: 'TICKER', op, value: n } as never).matches(row);
        // Only '' is empty here (parsed records hold no blank-only text).
        const present = value !== '';
        expect(leaf('contains')).toBe(present && key.includes(n));
        expect(leaf('not_contains')).toBe(present && !key.includes(n));
        expect(leaf('starts_with')).toBe(present && key.startsWith(n));
        expect(leaf('ends_with')).toBe(present && key.endsWith(n));
      }),
      { numRuns: 2000 },
    );
  });
});
