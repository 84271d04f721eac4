import { describe, expect, it } from 'vitest';
import type { ColorRecord } from '../parse/record.js';
import { processColors } from '../processing/process-colors.js';
import { compileRules } from './compile-rules.js';
import type { Condition } from './rule-schema.js';
import { conditionAt, describeWitnessLeaf, type WitnessLeaf } from './witness.js';

const ids = Array.from({ length: 10_000 }, (_, i) => String(17734228894970000 + i));
const row = (overrides: Partial<ColorRecord> = {}) =>
  ({
    MESSAGE_ID: ids[42],
    CUSIP: '12345ABC7',
    SECTOR: 'MM-CLO',
    SOURCE: 'JPM',
    BIAS: 'BID',
    PX: 95,
    DATE: '2026-03-13',
    DATE_1: '2026-03-12',
    RANK: 3,
    ...overrides,
  }) as ColorRecord;

describe('witness of a list leaf', () => {
  const when: Condition = {
    all: [
      { field: 'MESSAGE_ID', op: 'in', value: ids },
      { not: { field: 'SECTOR', op: 'in', value: ['rmbs', ' mm-clo '] } },
    ],
  };
  const rules = compileRules([{ id: 'ids', name: 'Ids', active: true, when }]);

  it('names the leaf and the matched entry, never copies the list', () => {
    const kept = rules.apply([row()]);
    expect(kept.excluded).toHaveLength(0);
    const [hit] = rules.apply([row({ SECTOR: 'ABS-AUTO' })]).excluded;
    expect(hit?.witness).toEqual([
      {
        path: [0],
        field: 'MESSAGE_ID',
        op: 'in',
        listSize: 10_000,
        listMatch: ids[42],
        actual: ids[42],
        result: true,
      },
      {
        path: [1, 0],
        field: 'SECTOR',
        op: 'in',
        listSize: 2,
        listMatch: null,
        actual: 'ABS-AUTO',
        result: false,
      },
    ]);
  });

  it('keeps an excluded row as stored by the run within a few hundred bytes of the row itself', () => {
    const input = row({ SECTOR: 'ABS-AUTO' });
    const processed = processColors(
      [{ origin: 'source', processingType: 'AUTOMATED', records: [input] }],
      rules,
      { runId: 7, processedAt: '2026-03-13T12:00:00.000Z' },
    );
    const stored = JSON.stringify(processed.excludedRowAt(0));
    expect(stored.length - JSON.stringify(input).length).toBeLessThan(500);
  });

  it('records the matched entry as written (the comparison is trimmed and case-insensitive)', () => {
    const sectors = compileRules([
      {
        id: 's',
        name: 'Sectors',
        active: true,
        when: { field: 'SECTOR', op: 'in', value: ['RMBS', ' mm-clo '] },
      },
    ]);
    const [hit] = sectors.apply([row({ SECTOR: 'MM-CLO' })]).excluded;
    expect(hit?.witness[0]).toMatchObject({ listMatch: ' mm-clo ', listSize: 2 });
  });
});

describe('conditionAt resolves a witness path against the rule', () => {
  const when: Condition = {
    all: [
      { field: 'PX', op: 'gt', value: 1 },
      {
        any: [{ field: 'BIAS', op: 'eq', value: 'BID' }, { not: { field: 'PX', op: 'is_empty' } }],
      },
    ],
  };

  it.each([
    [[], when],
    [[0], { field: 'PX', op: 'gt', value: 1 }],
    [[1, 1, 0], { field: 'PX', op: 'is_empty' }],
    [[2], undefined],
    [[1, 1, 1], undefined],
    [[0, 0], undefined],
  ] as [number[], Condition | undefined][])('%j', (path, expected) => {
    expect(conditionAt(when, path)).toEqual(expected);
  });
});

describe('describeWitnessLeaf', () => {
  const base = { path: [], actual: 'x', result: true } as const;
  it.each([
    [{ ...base, field: 'PX', op: 'less_than', value: 10, actual: 9 }, 'PX less_than 10 (is 9)'],
    [
      { ...base, field: 'PX', op: 'between', value: 1, value2: 2, actual: 1 },
      'PX between 1 and 2 (is 1)',
    ],
    [{ ...base, field: 'PX', op: 'is_empty', actual: null }, 'PX is_empty (is null)'],
    [
      { ...base, field: 'MESSAGE_ID', op: 'in', listSize: 5000, listMatch: '1', actual: '1' },
      'MESSAGE_ID in a list of 5000 values, matching "1" (is "1")',
    ],
    [
      { ...base, field: 'SECTOR', op: 'not_in', listSize: 2, listMatch: null, actual: 'ABS' },
      'SECTOR not_in a list of 2 values, matching none (is "ABS")',
    ],
    [
      { ...base, field: 'PX', op: 'less_than', value: 10, actual: 95, result: false },
      'not PX less_than 10 (is 95)',
    ],
  ] as [WitnessLeaf, string][])('%j', (leaf, text) => {
    expect(describeWitnessLeaf(leaf)).toBe(text);
  });
});
