import { describe, expect, it } from 'vitest';
import { witnessText } from '../export/witness-text.js';
import { createRule } from '../rules/rule-store.js';
import { runAutomation } from '../run/run-automation.js';
import { generateColors } from '../sample/index.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemoryStore } from '../testing/memory-store.js';
import { readRunRowSet } from './run-details.js';

describe("a run's row sets", () => {
  it('excluded rows carry the rule name; row errors their input; filters narrow all three', async () => {
    const store = createMemoryStore();
    const clock = createManualClock('2026-11-23T22:00:00Z');
    let n = 0;
    const ids = { nextId: () => `id-${++n}` };
    await createRule(
      { store, clock, ids },
      { name: 'No bids', active: true, when: { field: 'BIAS', op: 'eq', value: 'BID' } },
      { actor: 'cli:tester' },
    );
    const records = generateColors({ rows: 80, seed: 4, businessDate: '2026-11-23' });
    await runAutomation(
      { store, clock, ids },
      {
        trigger: 'cli',
        businessDate: '2026-11-23',
        inputs: [
          {
            origin: 'source',
            processingType: 'AUTOMATED',
            records,
            rowErrors: [{ row: 7, column: 'PX', value: '1x', reason: '"1x" is not a number' }],
          },
        ],
      },
    );
    const excluded = await readRunRowSet(store, 1, 'excluded');
    expect(excluded.rows.length).toBe(records.filter((r) => r.BIAS === 'BID').length);
    expect(excluded.rows[0]).toMatchObject({ EXCLUDED_BY: 'id-1', RULE_NAME: 'No bids' });
    expect(witnessText(excluded.rows[0]?.WITNESS)).toBe('BIAS equal_to "BID" (row: "BID")');
    const cusip = excluded.rows[0]?.CUSIP as string;
    const one = await readRunRowSet(store, 1, 'excluded', {
      cusip: cusip.toLowerCase(),
      rule: 'NO BIDS',
    });
    expect(one.rows.every((r) => r.CUSIP === cusip)).toBe(true);
    expect((await readRunRowSet(store, 1, 'excluded', { rule: 'other' })).rows).toEqual([]);
    expect((await readRunRowSet(store, 1, 'rows', { limit: 3 })).rows).toHaveLength(3);
    expect((await readRunRowSet(store, 1, 'errors', { column: 'px' })).rows).toEqual([
      { ORIGIN: 'source', ROW: 7, COLUMN: 'PX', VALUE: '1x', REASON: '"1x" is not a number' },
    ]);
    await expect(readRunRowSet(store, 2, 'rows')).rejects.toThrow(/run 2 has not committed/);
  });
});

describe('witnessText', () => {
  it('reads a witness in words: a not-leaf, a between, and anything else as JSON', () => {
    expect(
      witnessText([
        { field: 'PX', op: 'between', value: 90, value2: 95, actual: 93.5, result: true },
        { field: 'SOURCE', op: 'equal_to', value: 'JPM', actual: 'BARC', result: false },
      ]),
    ).toBe('PX between 90 and 95 (row: 93.5) and not SOURCE equal_to "JPM" (row: "BARC")');
    expect(witnessText({ leaf: 'when.any[1]' })).toBe('{"leaf":"when.any[1]"}');
  });
});
