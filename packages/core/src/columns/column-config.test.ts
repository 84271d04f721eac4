import { describe, expect, it } from 'vitest';
import { type ColumnInput, defineColumns, headerKey } from './column-config.js';
import { DEFAULT_COLUMNS, defaultColumnConfig } from './default-columns.js';

const withColumn = (extra: ColumnInput) => [...DEFAULT_COLUMNS, extra];
const replace = (name: string, change: Partial<ColumnInput>) =>
  DEFAULT_COLUMNS.map((c) => (c.name === name ? { ...c, ...change } : c));

describe('column configuration', () => {
  it('has the 18 input columns of SPEC §1.1 in order', () => {
    expect(defaultColumnConfig.columns.map((c) => c.name)).toEqual([
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
    ]);
    expect(defaultColumnConfig.columns.filter((c) => c.zeroMeansEmpty).map((c) => c.name)).toEqual([
      'PRICE_LEVEL',
      'BID',
      'ASK',
      'PX',
    ]);
    expect(defaultColumnConfig.columns.filter((c) => c.headerRequired).map((c) => c.name)).toEqual([
      'MESSAGE_ID',
      'TICKER',
      'SECTOR',
      'CUSIP',
      'DATE',
      'PRICE_LEVEL',
      'PX',
      'SOURCE',
      'BIAS',
      'RANK',
    ]);
  });

  it('resolves names, aliases and display names case- and whitespace-insensitively', () => {
    expect(headerKey(' Message  id ')).toBe('MESSAGEID');
    expect(defaultColumnConfig.resolve('message id')?.name).toBe('MESSAGE_ID');
    expect(defaultColumnConfig.resolve('Quote Date')?.name).toBe('DATE_1');
    expect(defaultColumnConfig.resolve('nope')).toBeUndefined();
  });

  it('adds, changes and removes non-core columns', () => {
    const config = defineColumns([
      ...DEFAULT_COLUMNS.filter((c) => c.name !== 'DIFF_STATUS'),
      {
        name: 'ISIN',
        displayName: 'ISIN',
        type: 'text',
        headerRequired: false,
        allowEmpty: true,
        aliases: ['isin code'],
      },
    ]);
    expect(config.resolve('ISIN CODE')?.name).toBe('ISIN');
    expect(config.byName('DIFF_STATUS')).toBeUndefined();
  });

  it.each([
    [
      'a missing core column',
      DEFAULT_COLUMNS.filter((c) => c.name !== 'PX'),
      /core column PX is missing/,
    ],
    [
      'a retyped core column',
      replace('MESSAGE_ID', { type: 'text' }),
      /MESSAGE_ID must keep type id/,
    ],
    [
      'a duplicate name',
      withColumn({
        name: 'PX',
        displayName: 'PX again',
        type: 'number',
        headerRequired: false,
        allowEmpty: true,
      }),
      /defined twice/,
    ],
    [
      'an alias naming two columns',
      withColumn({
        name: 'PX2',
        displayName: 'PX 2',
        type: 'number',
        headerRequired: false,
        allowEmpty: true,
        aliases: ['price'],
      }),
      /would name both PX and PX2/,
    ],
    [
      'an output-only column',
      withColumn({
        name: 'ROW_ID',
        displayName: 'Row',
        type: 'text',
        headerRequired: false,
        allowEmpty: true,
      }),
      /computed by Market Pulse/,
    ],
    ['zeroMeansEmpty on text', replace('TICKER', { zeroMeansEmpty: true }), /zeroMeansEmpty/],
    [
      'min above max',
      replace('CONFIDENCE', { constraints: { min: 5, max: 1 } }),
      /min 5 is above max 1/,
    ],
    [
      'a bad pattern',
      replace('TICKER', { constraints: { pattern: '([' } }),
      /not a valid regular expression/,
    ],
    [
      'a lower-case name',
      withColumn({
        name: 'isin',
        displayName: 'ISIN',
        type: 'text',
        headerRequired: false,
        allowEmpty: true,
      }),
      /UPPER_SNAKE_CASE/,
    ],
  ] as [string, ColumnInput[], RegExp][])('refuses %s', (_label, columns, message) => {
    expect(() => defineColumns(columns)).toThrow(message);
  });
});
