import { describe, expect, it } from 'vitest';
import { defaultColumnConfig } from '../columns/default-columns.js';
import { DEFAULT_COLUMNS, defineColumns } from '../columns/index.js';
import { isMarketPulseError } from '../errors.js';
import { exportColumns } from '../export/export-columns.js';
import { MAX_SECTOR_FILE_NAME } from '../export/sector-file-name.js';
import { SPREADSHEET_LIMITS } from '../export/spreadsheet-limits.js';
import { colorsToTable, generateColors } from '../sample/generate-colors.js';
import type { HeaderProblem } from './header.js';
import { createRecordParser, parseRecords } from './parse-records.js';
import type { Cell } from './record.js';

const HEADER = [
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
];

/** A valid row in HEADER order, with overrides by column name. */
function row(overrides: Record<string, Cell> = {}): Cell[] {
  const base: Record<string, Cell> = {
    MESSAGE_ID: '17734228894978519',
    TICKER: 'WDMNT 2022-9A ER',
    SECTOR: 'MM-CLO',
    CUSIP: '12345ABC7',
    DATE: '2026-03-13',
    PRICE_LEVEL: '98.5',
    PX: '98.5',
    SOURCE: 'JPM',
    BIAS: 'BID',
    RANK: '3',
  };
  return HEADER.map((h) => (h in overrides ? overrides[h] : base[h]) as Cell);
}

const parseOne = (overrides: Record<string, Cell>, options = {}) =>
  parseRecords({ header: HEADER, rows: [row(overrides)] }, options);

function headerError(fn: () => unknown): HeaderProblem {
  try {
    fn();
  } catch (err) {
    if (
      isMarketPulseError<HeaderProblem>(err, 'VALIDATION_ERROR') &&
      err.details?.kind === 'header'
    )
      return err.details;
    throw err;
  }
  throw new Error('expected a header error');
}

describe('parseRecords: identifiers', () => {
  it('keeps MESSAGE_ID 17734228894978519 exactly, as text', () => {
    const { records, errors } = parseOne({ MESSAGE_ID: '17734228894978519' });
    expect(errors).toEqual([]);
    expect(records[0]?.MESSAGE_ID).toBe('17734228894978519');
  });

  it('reads a safe-integer MESSAGE_ID cell as exact digits', () => {
    const { records, findings, notices } = parseOne({ MESSAGE_ID: 9007199254740991 });
    expect(records[0]?.MESSAGE_ID).toBe('9007199254740991');
    expect(records[0]).not.toHaveProperty('MESSAGE_ID_IMPRECISE');
    expect(findings).toEqual([]);
    expect(notices).toEqual([]);
  });

  it('keeps a MESSAGE_ID cell past 2^53−1 as the integer it holds, marked imprecise, with a finding and one notice', () => {
    // biome-ignore lint/correctness/noPrecisionLoss: this is the rounded number a spreadsheet hands over
    const cell = 17734228894978519; // the double 17734228894978520
    const exact = '17734228894978519';
    const { records, errors, findings, notices } = parseRecords({
      header: HEADER,
      rows: [
        row({ MESSAGE_ID: cell }),
        row({ MESSAGE_ID: exact }), // the same digits as text are exact: never flagged
        row({ MESSAGE_ID: 2 ** 60 }),
        row({ MESSAGE_ID: cell, PX: 'x' }), // a row refused for another reason is not counted
      ],
    });
    expect(errors.map((e) => [e.row, e.column])).toEqual([[5, 'PX']]);
    expect(records.map((r) => [r.MESSAGE_ID, r.MESSAGE_ID_IMPRECISE])).toEqual([
      ['17734228894978520', true],
      [exact, undefined],
      ['1152921504606846976', true],
    ]);
    expect(findings).toEqual([
      {
        row: 2,
        column: 'MESSAGE_ID',
        value: cell,
        kind: 'imprecise-id',
        message: expect.stringMatching(/beyond 2\^53−1.*marked MESSAGE_ID_IMPRECISE/),
      },
      expect.objectContaining({ row: 4, column: 'MESSAGE_ID' }),
    ]);
    expect(notices).toEqual([
      {
        kind: 'imprecise-ids',
        columns: ['MESSAGE_ID'],
        message: expect.stringMatching(
          /^IMPORTANT: 2 row\(s\) \(row 2, 4\).*Format the MESSAGE_ID column as text/,
        ),
      },
    ]);
  });

  it('refuses a MESSAGE_ID cell past 2^53−1 with impreciseIds: reject, and any fraction or negative number', () => {
    const { records, errors, notices } = parseOne(
      // biome-ignore lint/correctness/noPrecisionLoss: this is the rounded number a spreadsheet hands over
      { MESSAGE_ID: 17734228894978519 },
      { impreciseIds: 'reject' },
    );
    expect(records).toEqual([]);
    expect(notices).toEqual([]);
    expect(errors[0]).toMatchObject({ row: 2, column: 'MESSAGE_ID', value: 17734228894978520 });
    expect(errors[0]?.reason).toMatch(/format the column as text.*MP_IMPRECISE_ID=reject/);
    for (const bad of [12.5, -17, -1e20])
      expect(parseOne({ MESSAGE_ID: bad }).errors[0]?.column).toBe('MESSAGE_ID');
  });

  it('reads a MESSAGE_ID_IMPRECISE column (a re-uploaded export) as the flag', () => {
    const header = [...HEADER, 'MESSAGE_ID_IMPRECISE'];
    const { records, errors } = parseRecords({
      header,
      rows: [
        [...row(), 'TRUE'],
        [...row(), ''],
        [...row(), true],
        [...row(), 'maybe'],
      ],
    });
    expect(records.map((r) => r.MESSAGE_ID_IMPRECISE)).toEqual([true, undefined, true]);
    expect(errors).toEqual([expect.objectContaining({ row: 5, column: 'MESSAGE_ID_IMPRECISE' })]);
  });

  it('refuses a MESSAGE_ID that is not digits (e.g. scientific notation text)', () => {
    const { errors } = parseOne({ MESSAGE_ID: '1.77342E+16' });
    expect(errors[0]).toMatchObject({ column: 'MESSAGE_ID' });
  });

  it('stores CUSIPs trimmed and upper-cased, so padded and lowercase spellings group together', () => {
    const { records } = parseRecords({
      header: HEADER,
      rows: [
        row({ CUSIP: ' 12345abc7 ' }),
        row({ CUSIP: '12345ABC7' }),
        row({ CUSIP: '\u00a012345Abc7' }),
      ],
    });
    expect(records.map((r) => r.CUSIP)).toEqual(['12345ABC7', '12345ABC7', '12345ABC7']);
  });

  it('trims text and keeps SECTOR as written', () => {
    const { records } = parseOne({ SECTOR: '  2.0_Mezz ', TICKER: '  ' });
    expect(records[0]?.SECTOR).toBe('2.0_Mezz');
    expect(records[0]?.TICKER).toBeNull();
  });
});

describe('parseRecords: text that is not what it seems', () => {
  const cusips = (values: Cell[]) =>
    parseRecords({ header: HEADER, rows: values.map((CUSIP) => row({ CUSIP })) });

  it('drops invisible format characters from identifiers, so one CUSIP stays one group', () => {
    const { records, errors } = cusips([
      '12345ABC7',
      '12345\u200bABC7', // zero-width space
      '12345\u00adABC7', // soft hyphen
      '\ufeff12345abc7', // BOM
      '123\u206045ABC7', // word joiner
      '12345\u200dABC7\u200e', // zero-width joiner, left-to-right mark
      '\u200b 12345ABC7', // a space hidden behind a zero-width space
    ]);
    expect(errors).toEqual([]);
    expect(records).toHaveLength(7);
    expect(new Set(records.map((r) => r.CUSIP))).toEqual(new Set(['12345ABC7']));
    const ids = parseRecords({
      header: HEADER,
      rows: [
        row({ MESSAGE_ID: '177342288\u200b94978519' }),
        row({ MESSAGE_ID: '\u00ad17734228894978519' }),
      ],
    });
    expect(ids.records.map((r) => r.MESSAGE_ID)).toEqual([
      '17734228894978519',
      '17734228894978519',
    ]);
  });

  it.each([
    ['a Cyrillic А', '12345\u0410BC7', /U\+0410 "А" at position 6 — a look-alike/],
    ['a fullwidth digit', '1234\uff15ABC7', /U\+FF15 "５" at position 5/],
    ['a Greek Ο for O', '12345ABC\u039f', /U\+039F/],
    ['a space inside', '12345 ABC7', /U\+0020 " " at position 6/],
    ['8 characters', '12345ABC', /has 8 characters; a CUSIP is 9 ASCII letters and digits/],
    ['10 characters', '12345ABC77', /has 10 characters/],
    ['a NUL', '12345ABC\u00007', /NUL character \(U\+0000\) at position 9/],
  ])('refuses a CUSIP with %s as a row error naming the column', (_label, cusip, reason) => {
    const { records, errors } = cusips([cusip]);
    expect(records).toEqual([]);
    expect(errors).toEqual([
      { row: 2, column: 'CUSIP', value: cusip, reason: expect.stringMatching(reason) },
    ]);
  });

  it.each([
    ['a fullwidth digit', '1773422889497851\uff19'],
    ['an Arabic-Indic digit', '1773422889497851\u0669'],
    ['scientific notation', '1.77342E+16'],
    ['a NUL', '17734228894978519\u0000'],
  ])('refuses a MESSAGE_ID with %s', (_label, id) => {
    const { records, errors } = parseOne({ MESSAGE_ID: id });
    expect(records).toEqual([]);
    expect(errors).toEqual([expect.objectContaining({ column: 'MESSAGE_ID', value: id })]);
  });

  it('never keeps a NUL inside a value, configured or passed through', () => {
    const header = [...HEADER, 'Desk Note'];
    const { records, errors } = parseRecords({
      header,
      rows: [
        [...row({ TICKER: 'WDMNT\u00002022' }), 'ok'],
        [...row(), 'note\u0000'],
        [...row(), 'fine'],
      ],
    });
    expect(records.map((r) => r['Desk Note'])).toEqual(['fine']);
    expect(errors.map((e) => [e.row, e.column, e.reason])).toEqual([
      [2, 'TICKER', expect.stringMatching(/NUL character/)],
      [3, 'Desk Note', expect.stringMatching(/NUL character/)],
    ]);
  });

  it('reads text in NFC: one sector (and one header) in NFC and NFD forms', () => {
    const nfc = 'Mezz-Société'.normalize('NFC');
    const nfd = nfc.normalize('NFD');
    expect(nfd).not.toBe(nfc);
    const header = [...HEADER, `Note ${nfd}`];
    const { records, errors } = parseRecords({
      header,
      rows: [
        [...row({ SECTOR: nfd }), nfd],
        [...row({ SECTOR: nfc }), nfc],
      ],
    });
    expect(errors).toEqual([]);
    expect(records.map((r) => r.SECTOR)).toEqual([nfc, nfc]);
    expect(records.map((r) => r[`Note ${nfc}`])).toEqual([nfc, nfc]);
  });

  it.each(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'])(
    'refuses a %s column by name instead of dropping it',
    (name) => {
      const problem = headerError(() =>
        parseRecords({ header: [...HEADER, name], rows: [[...row(), 'x']] }),
      );
      expect(problem).toMatchObject({ missing: [], duplicate: [], reserved: [name] });
    },
  );
});

describe('parseRecords: numbers', () => {
  it.each([
    ['98.5', 98.5],
    [' 1,234.50 ', 1234.5],
    ['-0.25', -0.25],
    ['+7', 7],
    ['1e2', 100],
    ['.5', 0.5],
    ['\u00a0100\u00a0', 100],
    ['1,234,567', 1234567],
  ])('reads %j as %d', (text, value) => {
    expect(parseOne({ PX: text }).records[0]?.PX).toBe(value);
  });

  it.each([
    '12abc',
    '101,25',
    '(1.5)',
    '5%',
    '1,23',
    '12,3456',
    '1.2.3',
    '--1',
    'NaN',
    'Infinity',
    '1 000',
  ])('refuses %j in PX as a row error', (text) => {
    const { records, errors } = parseOne({ PX: text });
    expect(records).toEqual([]);
    expect(errors).toEqual([
      { row: 2, column: 'PX', value: text, reason: expect.stringContaining('is not a number') },
    ]);
  });

  describe('in a semicolon- or tab-delimited source', () => {
    const read = (text: string, options: object) =>
      parseOne({ PX: text, PRICE_LEVEL: '' }, options);

    it.each([';', '\t'])(
      'refuses a lone comma (%j: decimal or thousands?) unless configured',
      (delimiter) => {
        for (const text of ['98,125', '1,234', '96,91']) {
          const { records, errors } = read(text, { delimiter });
          expect(records).toEqual([]);
          expect(errors[0]?.reason).toMatch(
            /ambiguous in a semicolon- or tab-delimited file.*MP_DECIMAL_SEPARATOR=,/,
          );
        }
        expect(read('98.125', { delimiter }).records[0]?.PX).toBe(98.125);
        expect(read('1,234.5', { delimiter }).records[0]?.PX).toBe(1234.5); // a point follows: not ambiguous
        expect(read('98,125', { delimiter, decimalSeparator: '.' }).errors).toHaveLength(1);
      },
    );

    it.each([
      ['98,125', 98.125],
      ['96,91', 96.91],
      ['-0,5', -0.5],
      [',5', 0.5],
      ['1.234,5', 1234.5],
      ['1.234.567,25', 1234567.25],
      ['1,5e2', 150],
      ['100', 100],
    ])('reads %j as %d with "," as the decimal separator', (text, value) => {
      expect(read(text, { delimiter: ';', decimalSeparator: ',' }).records[0]?.PX).toBe(value);
    });

    it.each(['98.125', '1.234', '1,234,5', '1.23,4', '98,125.5'])(
      'refuses %j with "," as the decimal separator',
      (text) => {
        const { records, errors } = read(text, { delimiter: '\t', decimalSeparator: ',' });
        expect(records).toEqual([]);
        expect(errors[0]?.column).toBe('PX');
      },
    );

    it('keeps the standard grammar in comma-delimited sources and workbooks, whatever is configured', () => {
      for (const delimiter of [',', undefined]) {
        const options = { delimiter, decimalSeparator: ',' };
        expect(read('96,91', options).errors[0]?.reason).toMatch(/is not a number/);
        expect(read('98,125', options).records[0]?.PX).toBe(98125);
        expect(read('98.125', options).records[0]?.PX).toBe(98.125);
      }
    });
  });

  it('reads an empty PX as empty, never 0, and keeps a real 0', () => {
    expect(parseOne({ PX: '' }).records[0]?.PX).toBeNull();
    expect(parseOne({ PX: null }).records[0]?.PX).toBeNull();
    expect(parseOne({ PX: '0' }).records[0]?.PX).toBe(0);
  });

  it('refuses booleans in typed columns', () => {
    expect(parseOne({ PX: true }).errors[0]).toMatchObject({
      column: 'PX',
      reason: expect.stringMatching(/boolean/),
    });
    expect(parseOne({ DATE: false }).errors[0]).toMatchObject({ column: 'DATE' });
    expect(parseOne({ MESSAGE_ID: true }).errors[0]).toMatchObject({ column: 'MESSAGE_ID' });
  });

  it('refuses a non-integer RANK and one outside 1–6', () => {
    expect(parseOne({ RANK: '2.5' }).errors[0]).toMatchObject({
      column: 'RANK',
      reason: expect.stringMatching(/whole number/),
    });
    expect(parseOne({ RANK: '7' }).errors[0]).toMatchObject({
      column: 'RANK',
      reason: expect.stringMatching(/maximum 6/),
    });
    expect(parseOne({ RANK: 0 }).errors[0]).toMatchObject({
      column: 'RANK',
      reason: expect.stringMatching(/minimum 1/),
    });
  });
});

describe('parseRecords: RANK from BIAS', () => {
  it.each([
    ['TRADE CONFIRM', 1],
    ['bwic cover', 2],
    [' DNT  BEST ', 3],
    ['OFFER', 4],
    ['BWIC TALK', 5],
    ['VALUATION', 6],
  ])('derives an empty RANK from BIAS %j', (bias, rank) => {
    expect(parseOne({ BIAS: bias, RANK: '' }).records[0]?.RANK).toBe(rank);
  });

  it('never invents a RANK for an unknown BIAS', () => {
    const { records, errors } = parseOne({ BIAS: 'RUMOUR', RANK: null });
    expect(records).toEqual([]);
    expect(errors[0]).toMatchObject({ column: 'RANK', reason: expect.stringMatching(/RUMOUR/) });
  });

  it('keeps a given RANK even when BIAS suggests another (a quality check, not a parse error)', () => {
    expect(parseOne({ BIAS: 'OFFER', RANK: '2' }).records[0]?.RANK).toBe(2);
  });
});

describe('parseRecords: dates', () => {
  it('takes the date part of an ISO timestamp as written, never through a zone', () => {
    expect(parseOne({ DATE: '2026-03-13T23:30:00-05:00' }).records[0]?.DATE).toBe('2026-03-13');
    expect(parseOne({ DATE: '2026-03-13T00:30:00+09:00' }).records[0]?.DATE).toBe('2026-03-13');
    expect(parseOne({ DATE: '2026-03-13 18:30' }).records[0]?.DATE).toBe('2026-03-13');
  });

  it('refuses impossible dates and slash dates without a configured format', () => {
    expect(parseOne({ DATE: '2026-02-30' }).errors[0]).toMatchObject({ column: 'DATE' });
    const slash = parseOne({ DATE: '3/13/2026' }).errors[0];
    expect(slash).toMatchObject({ column: 'DATE', reason: expect.stringMatching(/ambiguous/) });
    expect(parseOne({ DATE: '13/03/2026' }).errors[0]).toMatchObject({ column: 'DATE' });
  });

  it('reads slash dates in the configured order', () => {
    expect(parseOne({ DATE: '3/13/2026' }, { dateFormat: 'MM/DD/YYYY' }).records[0]?.DATE).toBe(
      '2026-03-13',
    );
    expect(parseOne({ DATE: '13/03/2026' }, { dateFormat: 'DD/MM/YYYY' }).records[0]?.DATE).toBe(
      '2026-03-13',
    );
    expect(parseOne({ DATE: '13/03/2026' }, { dateFormat: 'MM/DD/YYYY' }).errors[0]).toMatchObject({
      column: 'DATE',
    });
  });

  it('gives a serial number and a date cell the same calendar date under any host TZ', () => {
    const previous = process.env.TZ;
    try {
      for (const zone of [
        'UTC',
        'Pacific/Auckland',
        'America/Los_Angeles',
        'Asia/Kolkata',
        'Pacific/Kiritimati',
        'Pacific/Pago_Pago',
      ]) {
        process.env.TZ = zone;
        const { records, errors } = parseRecords({
          header: HEADER,
          rows: [
            row({ DATE: 46094 }),
            row({ DATE: new Date(Date.UTC(2026, 2, 13)) }),
            row({ DATE: 46094.75 }),
          ],
        });
        expect(errors).toEqual([]);
        expect(
          records.map((r) => r.DATE),
          zone,
        ).toEqual(['2026-03-13', '2026-03-13', '2026-03-13']);
      }
    } finally {
      if (previous === undefined) delete process.env.TZ;
      else process.env.TZ = previous;
    }
  });

  it('honours the 1904 date system and refuses serials outside 1900–2100', () => {
    expect(parseOne({ DATE: 44632 }, { date1904: true }).records[0]?.DATE).toBe('2026-03-13');
    expect(parseOne({ DATE: 80000 }).errors[0]).toMatchObject({
      column: 'DATE',
      reason: expect.stringMatching(/1900 and 2100/),
    });
    expect(parseOne({ DATE: 0 }).errors[0]).toMatchObject({ column: 'DATE' });
  });
});

describe('parseRecords: headers', () => {
  it('matches headers case- and whitespace-insensitively, with aliases and display names', () => {
    const header = [
      'message id',
      ' ticker ',
      'Sector',
      'cusip',
      'Date',
      'Price Level',
      'Price',
      'source',
      'BIAS',
      'rank',
    ];
    const { records, errors } = parseRecords({ header, rows: [row()] });
    expect(errors).toEqual([]);
    expect(records[0]).toMatchObject({
      MESSAGE_ID: '17734228894978519',
      PX: 98.5,
      PRICE_LEVEL: 98.5,
    });
  });

  it('rejects the whole input listing missing, duplicate and found columns', () => {
    const problem = headerError(() =>
      parseRecords({ header: ['MESSAGE_ID', 'Message ID', 'CUSIP', 'PX', 'px'], rows: [] }),
    );
    expect(problem.missing).toEqual([
      'TICKER',
      'SECTOR',
      'DATE',
      'PRICE_LEVEL',
      'SOURCE',
      'BIAS',
      'RANK',
    ]);
    expect(problem.duplicate).toEqual([
      { column: 'MESSAGE_ID', headers: ['MESSAGE_ID', 'Message ID'] },
      { column: 'PX', headers: ['PX', 'px'] },
    ]);
    expect(problem.found).toEqual(['MESSAGE_ID', 'Message ID', 'CUSIP', 'PX', 'px']);
  });

  it('ignores output-only columns with a notice and recomputes them later', () => {
    const { records, notices } = parseRecords({
      header: [...HEADER, 'RUN_ID', 'IS_PARENT', 'Row Id'],
      rows: [[...row(), '7', 'TRUE', '7-1']],
    });
    expect(records[0]).not.toHaveProperty('RUN_ID');
    expect(records[0]).not.toHaveProperty('IS_PARENT');
    expect(notices).toContainEqual(
      expect.objectContaining({
        kind: 'output-columns-ignored',
        columns: ['RUN_ID', 'IS_PARENT', 'Row Id'],
      }),
    );
  });

  it('carries unknown columns through, with a notice', () => {
    const { records, notices } = parseRecords({
      header: [...HEADER, 'Desk Note', 'ISIN'],
      rows: [[...row(), ' watch ', 'US12345ABC70']],
    });
    expect(records[0]).toMatchObject({ 'Desk Note': 'watch', ISIN: 'US12345ABC70' });
    expect(notices).toContainEqual(
      expect.objectContaining({ kind: 'unknown-columns-kept', columns: ['Desk Note', 'ISIN'] }),
    );
  });

  it('gives every record every configured column, null when the optional header is absent', () => {
    const { records } = parseOne({});
    expect(Object.keys(records[0] ?? {})).toEqual(DEFAULT_COLUMNS.map((c) => c.name));
    expect(records[0]).toMatchObject({ BID: null, ASK: null, DATE_1: null, COV_PRICE: null });
  });
});

describe('parseRecords: rows', () => {
  it('never invents a MESSAGE_ID or a date for an empty cell', () => {
    expect(parseOne({ MESSAGE_ID: '' }).errors[0]).toMatchObject({
      column: 'MESSAGE_ID',
      reason: expect.stringMatching(/required/),
    });
    expect(parseOne({ DATE: null }).errors[0]).toMatchObject({
      column: 'DATE',
      reason: expect.stringMatching(/required/),
    });
  });

  it('requires non-empty values where the configuration says so', () => {
    const { errors } = parseOne({ SOURCE: ' ', SECTOR: '' });
    expect(errors.map((e) => e.column)).toEqual(['SECTOR', 'SOURCE']);
    expect(errors[0]?.reason).toMatch(/required/);
  });

  it('reports every bad cell of a row, keeps good rows and skips blank rows', () => {
    const { records, errors } = parseRecords({
      header: HEADER,
      rows: [
        row(),
        ['', null, '  ', undefined],
        row({ PX: '12abc', DATE: 'soon' }),
        row({ CUSIP: 'ZZZ999990' }),
      ],
    });
    expect(records.map((r) => r.CUSIP)).toEqual(['12345ABC7', 'ZZZ999990']);
    expect(errors.map((e) => [e.row, e.column])).toEqual([
      [4, 'DATE'],
      [4, 'PX'],
    ]);
  });

  it('numbers rows from firstRow', () => {
    const { errors } = parseRecords({ header: HEADER, rows: [row({ PX: 'x' })] }, { firstRow: 1 });
    expect(errors[0]?.row).toBe(1);
  });

  it('streams row by row with the same result as one call', () => {
    const table = colorsToTable(generateColors({ rows: 500, seed: 3 }), { blankRankShare: 0.2 });
    const batch = parseRecords(table);
    const parser = createRecordParser(table.header);
    const streamed = table.rows.map((cells, i) => parser.parseRow(cells, i + 2));
    expect(streamed.map((o) => (o.kind === 'record' ? o.record : null))).toEqual(batch.records);
    expect(batch.errors).toEqual([]);
  });

  it('reads a repeated cell text the same way every time, keys in configuration order', () => {
    const rows = [
      row({ CUSIP: ' abc123456 ', SECTOR: ' MM-CLO' }),
      row({ CUSIP: 'ABC123456', RANK: '' }),
      row({ CUSIP: ' abc123456 ', SECTOR: ' MM-CLO', PX: '12abc' }),
      row({ CUSIP: ' abc123456 ', SECTOR: 'MM-CLO', PX: '12abc' }),
      row({ CUSIP: ' abc123456 ', SECTOR: ' MM-CLO', DATE: 'soon' }),
    ];
    const { records, errors } = parseRecords({ header: HEADER, rows });
    expect(records.map((r) => [r.CUSIP, r.SECTOR, r.RANK])).toEqual([
      ['ABC123456', 'MM-CLO', 3],
      ['ABC123456', 'MM-CLO', 3],
    ]);
    expect(Object.keys(records[0] ?? {})).toEqual(DEFAULT_COLUMNS.map((c) => c.name));
    expect(errors.map((e) => [e.row, e.column, e.value])).toEqual([
      [4, 'PX', '12abc'],
      [5, 'PX', '12abc'],
      [6, 'DATE', 'soon'],
    ]);
  });

  it('does not modify the input rows', () => {
    const cells = row({ CUSIP: ' abc ' });
    const copy = [...cells];
    parseRecords({ header: HEADER, rows: [cells] });
    expect(cells).toEqual(copy);
  });
});

describe('parseRecords: configured columns', () => {
  it('enforces pattern and allowed values, case-insensitively for text', () => {
    const columns = defineColumns([
      ...DEFAULT_COLUMNS,
      {
        name: 'DESK',
        displayName: 'Desk',
        type: 'text',
        headerRequired: true,
        allowEmpty: false,
        constraints: { allowedValues: ['CLO', 'ABS'] },
      },
    ]);
    const header = [...HEADER, 'DESK'];
    const { records, errors } = parseRecords(
      {
        header,
        rows: [
          [...row(), 'clo'],
          [...row(), 'RMBS'],
        ],
      },
      { columns },
    );
    expect(records).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      row: 3,
      column: 'DESK',
      reason: expect.stringMatching(/not one of CLO, ABS/),
    });
  });
});

describe('parseRecords: spreadsheet error cells', () => {
  it('refuses an error cell in a configured column and keeps it as text in a pass-through column', () => {
    const { errors } = parseOne({ PX: { error: '#N/A' } });
    expect(errors[0]).toMatchObject({
      column: 'PX',
      reason: expect.stringMatching(/spreadsheet error #N\/A/),
    });
    expect(parseOne({ TICKER: { error: '#REF!' } }).errors[0]).toMatchObject({ column: 'TICKER' });
    const { records } = parseRecords({
      header: [...HEADER, 'Note'],
      rows: [[...row(), { error: '#DIV/0!' }]],
    });
    expect(records[0]?.Note).toBe('#DIV/0!');
  });

  it('refuses a cell the reader could not read in every column, pass-through ones included', () => {
    const unreadable = {
      error: 'unreadable cell: shared string 9 does not exist',
      unreadable: true,
    };
    const { records, errors } = parseRecords({
      header: [...HEADER, 'Note'],
      rows: [
        [...row(), unreadable],
        [...row({ TICKER: unreadable }), 'ok'],
      ],
    });
    expect(records).toEqual([]);
    expect(errors.map((e) => [e.row, e.column, e.reason])).toEqual([
      [2, 'Note', expect.stringMatching(/^cannot read the cell: unreadable cell/)],
      [3, 'TICKER', expect.stringMatching(/^cannot read the cell: unreadable cell/)],
    ]);
  });
});

describe('parseRecords: what the exports could not hold is refused when read', () => {
  const exportColumnCount = exportColumns(defaultColumnConfig).length;
  const passThrough = (count: number) => Array.from({ length: count }, (_, i) => `Extra ${i}`);

  it('refuses a header wider than a sheet, and accepts one exactly as wide', () => {
    const fits = SPREADSHEET_LIMITS.maxColumns - exportColumnCount;
    expect(() =>
      parseRecords({ header: [...HEADER, ...passThrough(fits)], rows: [] }),
    ).not.toThrow();
    const problem = headerError(() =>
      parseRecords({ header: [...HEADER, ...passThrough(fits + 1)], rows: [] }),
    );
    expect(problem.exportLimits).toEqual([
      "the file has 16,385 columns once Market Pulse's own are added; a spreadsheet holds at most 16,384: remove 1 pass-through column(s)",
    ]);
  });

  it('refuses a header longer than a cell holds', () => {
    const problem = headerError(() =>
      parseRecords({
        header: [...HEADER, 'h'.repeat(SPREADSHEET_LIMITS.maxCellText + 1)],
        rows: [],
      }),
    );
    expect(problem.exportLimits[0]).toMatch(
      /^the header "h{40}…": the text is 32,767 characters long/,
    );
  });

  it('makes a sector too long to name its export file a row error, and keeps the others', () => {
    const long = 'S'.repeat(MAX_SECTOR_FILE_NAME + 1);
    const { records, errors } = parseRecords({
      header: HEADER,
      rows: [row({ SECTOR: long }), row({ SECTOR: 'S'.repeat(MAX_SECTOR_FILE_NAME) })],
    });
    expect(records).toHaveLength(1);
    expect(errors).toEqual([
      {
        row: 2,
        column: 'SECTOR',
        value: long,
        reason: `the sector is too long to name its export file (201 characters once encoded; at most 200: shorten the sector)`,
      },
    ]);
  });

  it('makes text longer than a cell holds a row error, in configured and pass-through columns', () => {
    const text = 'x'.repeat(SPREADSHEET_LIMITS.maxCellText + 1);
    const { records, errors } = parseRecords({
      header: [...HEADER, 'Note'],
      rows: [
        [...row({ TICKER: text }), 'ok'],
        [...row(), text],
        [...row(), 'x'.repeat(SPREADSHEET_LIMITS.maxCellText)],
      ],
    });
    expect(records).toHaveLength(1);
    expect(errors.map((e) => [e.row, e.column, e.reason])).toEqual([
      [
        2,
        'TICKER',
        'the text is 32,767 characters long; a spreadsheet cell holds at most 32,766: shorten it',
      ],
      [
        3,
        'Note',
        'the text is 32,767 characters long; a spreadsheet cell holds at most 32,766: shorten it',
      ],
    ]);
  });
});
