import { describe, expect, it } from 'vitest';
import { DEFAULT_COLUMNS, defaultColumnConfig, defineColumns } from '../columns/index.js';
import { exportColumns, exportColumnsOf, neutralizeFormula } from './export-columns.js';

describe('exportColumns', () => {
  it('puts the first implementation’s 24 columns first, then ours, then pass-through columns', () => {
    expect(
      exportColumns(defaultColumnConfig, ['Desk Note', 'ROW_ID', 'ISIN', 'Desk Note']),
    ).toEqual([
      'RUN_ID',
      'PROCESSED_AT',
      'PROCESSING_TYPE',
      'MESSAGE_ID',
      'TICKER',
      'SECTOR',
      'CUSIP',
      'DATE',
      'PRICE_LEVEL',
      'BID',
      'ASK',
      'PX',
      'SOURCE',
      'BIAS',
      'RANK',
      'COV_PRICE',
      'PERCENT_DIFF',
      'PRICE_DIFF',
      'CONFIDENCE',
      'DATE_1',
      'DIFF_STATUS',
      'IS_PARENT',
      'PARENT_MESSAGE_ID',
      'CHILDREN_COUNT',
      'ROW_ID',
      'PARENT_ROW_ID',
      'ORIGIN',
      'Desk Note',
      'ISIN',
    ]);
  });

  it('follows the configured input columns', () => {
    const config = defineColumns([
      ...DEFAULT_COLUMNS,
      { name: 'ISIN', displayName: 'ISIN', type: 'text', headerRequired: false, allowEmpty: true },
    ]);
    const columns = exportColumns(config);
    expect(columns.indexOf('ISIN')).toBe(columns.indexOf('DIFF_STATUS') + 1);
  });
});

describe('neutralizeFormula', () => {
  it.each(['=1+1', '+SUM(A1)', '-2+3', '@cmd', '\tx', '\rx'])('quotes %j', (text) => {
    expect(neutralizeFormula(text)).toBe(`'${text}`);
  });

  it('leaves other text alone', () => {
    expect(neutralizeFormula('WDMNT 2022-9A ER')).toBe('WDMNT 2022-9A ER');
    expect(neutralizeFormula('')).toBe('');
  });
});

describe('exportColumnsOf', () => {
  it('keeps a pass-through column that first appears in a late row', () => {
    const rows: Record<string, unknown>[] = Array.from({ length: 2_000 }, () => ({ CUSIP: 'A' }));
    rows[1_500] = { CUSIP: 'A', 'Late Note': 'x' };
    expect(exportColumnsOf(defaultColumnConfig, rows).at(-1)).toBe('Late Note');
  });
});
