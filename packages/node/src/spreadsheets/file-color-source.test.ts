import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Cell, createRecordParser, type RowError, readColors } from '@market-pulse/core';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  inZipOrder,
  sharedStringWorkbookParts,
  storedZip,
  workbookWithSheet,
  zipBomb,
} from '../../test/fixtures.js';
import { sniffDelimiter } from './csv-reader.js';
import { cellFromExcel } from './excel-cells.js';
import { fileColorSource, readColorFile } from './file-color-source.js';
import { readXlsxSheetBatches } from './xlsx-reader.js';

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
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mp-sheets-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function workbook(
  name: string,
  sheets: Record<string, unknown[][]>,
  date1904 = false,
): Promise<string> {
  const wb = new ExcelJS.Workbook();
  wb.properties.date1904 = date1904;
  for (const [sheetName, rows] of Object.entries(sheets)) {
    const ws = wb.addWorksheet(sheetName);
    for (const row of rows) ws.addRow(row);
  }
  const path = join(dir, name);
  await wb.xlsx.writeFile(path);
  return path;
}

async function file(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

const good = [
  '17734228894978519',
  'WDMNT 2022-9A ER',
  'MM-CLO',
  '12345abc7',
  '2026-03-13',
  98.5,
  98.5,
  'JPM',
  'BID',
  3,
];

describe('readColorFile: xlsx', () => {
  it('keeps MESSAGE_ID 17734228894978519 exactly from a text cell', async () => {
    const { records, errors, sheet } = await readColorFile(
      await workbook('ids.xlsx', { Colors: [HEADER, good] }),
    );
    expect(errors).toEqual([]);
    expect(sheet).toBe('Colors');
    expect(records[0]).toMatchObject({
      MESSAGE_ID: '17734228894978519',
      CUSIP: '12345ABC7',
      PX: 98.5,
    });
  });

  describe('17-digit MESSAGE_IDs stored as numbers (SPEC §1.1)', () => {
    // A desk export: ids written as number cells, so each holds the nearest double.
    const ids = [17679633591029710n, 17734228894978519n, 17734228894978520n, 9007199254740993n];
    const numericIdWorkbook = () =>
      workbook('numeric-ids.xlsx', {
        S: [HEADER, good, ...ids.map((id) => [Number(id), ...good.slice(1)])],
      });

    it('keeps them as the integer each cell holds, marked imprecise, with a finding per row and one notice', async () => {
      const { records, errors, findings, notices } = await readColors(
        fileColorSource(await numericIdWorkbook()),
      );
      expect(errors).toEqual([]);
      const held = ids.map((id) => BigInt(Number(id)).toString()); // what the cells hold
      expect(held).toEqual([
        '17679633591029710',
        '17734228894978520',
        '17734228894978520',
        '9007199254740992',
      ]);
      expect(records.map((r) => [r.MESSAGE_ID, r.MESSAGE_ID_IMPRECISE])).toEqual([
        ['17734228894978519', undefined], // the text cell: exact
        ...held.map((id) => [id, true]),
      ]);
      expect(findings.map((f) => [f.row, f.column, f.kind])).toEqual([
        [3, 'MESSAGE_ID', 'imprecise-id'],
        [4, 'MESSAGE_ID', 'imprecise-id'],
        [5, 'MESSAGE_ID', 'imprecise-id'],
        [6, 'MESSAGE_ID', 'imprecise-id'],
      ]);
      expect(notices).toEqual([
        expect.objectContaining({
          kind: 'imprecise-ids',
          columns: ['MESSAGE_ID'],
          message: expect.stringMatching(
            /4 row\(s\) \(row 3, 4, 5, 6\).*Format the MESSAGE_ID column as text/,
          ),
        }),
      ]);
    });

    it('refuses them as row errors when the source is configured to (MP_IMPRECISE_ID=reject)', async () => {
      const { records, errors, notices } = await readColors(
        fileColorSource(await numericIdWorkbook(), { parse: { impreciseIds: 'reject' } }),
      );
      expect(records.map((r) => r.MESSAGE_ID)).toEqual(['17734228894978519']);
      expect(notices).toEqual([]);
      expect(errors.map((e) => [e.row, e.column])).toEqual([
        [3, 'MESSAGE_ID'],
        [4, 'MESSAGE_ID'],
        [5, 'MESSAGE_ID'],
        [6, 'MESSAGE_ID'],
      ]);
      expect(errors[0]?.reason).toMatch(/format the column as text/);
    });
  });

  it('normalises rich text, hyperlinks, formula results, error cells and date cells', async () => {
    const rich = [
      '17734228894978520',
      { richText: [{ text: 'WDMNT ' }, { text: '2022-9A ER' }] },
      'MM-CLO',
      { text: '12345ABC7', hyperlink: 'https://example.invalid/cusip' },
      new Date(Date.UTC(2026, 2, 13)),
      { formula: 'G3', result: 97.25 },
      { formula: '97.25', result: 97.25 },
      'JPM',
      'BID',
      null,
    ];
    const broken = [
      ...good.slice(0, 6),
      { formula: '1/0', result: { error: '#DIV/0!' } },
      ...good.slice(7),
    ];
    const errorCell = [...good.slice(0, 6), { error: '#N/A' }, ...good.slice(7)];
    const { records, errors: all } = await readColorFile(
      await workbook('kinds.xlsx', { S: [HEADER, rich, broken, errorCell] }),
    );
    expect(all[1]).toEqual(
      expect.objectContaining({
        row: 4,
        column: 'PX',
        reason: expect.stringMatching(/spreadsheet error #N\/A/),
      }),
    );
    const errors = all.slice(0, 1);
    expect(records[0]).toMatchObject({
      TICKER: 'WDMNT 2022-9A ER',
      CUSIP: '12345ABC7',
      DATE: '2026-03-13',
      PRICE_LEVEL: 97.25,
      PX: 97.25,
      RANK: 3,
    });
    expect(errors).toEqual([
      expect.objectContaining({
        row: 3,
        column: 'PX',
        reason: expect.stringMatching(/=1\/0 \(a formula with no readable saved value\)/),
      }),
    ]);
  });

  it('reads dates as calendar dates under any host TZ, honouring the 1904 date system', async () => {
    const serialRow = [...good.slice(0, 4), 46094, ...good.slice(5)];
    const path1900 = await workbook('dates-1900.xlsx', {
      S: [
        HEADER,
        serialRow,
        [...good.slice(0, 4), new Date(Date.UTC(2026, 2, 13)), ...good.slice(5)],
      ],
    });
    const path1904 = await workbook(
      'dates-1904.xlsx',
      { S: [HEADER, [...good.slice(0, 4), 44632, ...good.slice(5)]] },
      true,
    );
    const previous = process.env.TZ;
    try {
      for (const zone of ['UTC', 'Pacific/Auckland', 'America/New_York']) {
        process.env.TZ = zone;
        expect((await readColorFile(path1900)).records.map((r) => r.DATE)).toEqual([
          '2026-03-13',
          '2026-03-13',
        ]);
        expect((await readColorFile(path1904)).records.map((r) => r.DATE)).toEqual(['2026-03-13']);
      }
    } finally {
      if (previous === undefined) delete process.env.TZ;
      else process.env.TZ = previous;
    }
  });

  it('reads the first sheet whose header matches', async () => {
    const path = await workbook('sheets.xlsx', {
      Notes: [
        ['just', 'notes'],
        ['x', 'y'],
      ],
      Colors: [[], HEADER, good],
    });
    const { records, sheet } = await readColorFile(path);
    expect(sheet).toBe('Colors');
    expect(records).toHaveLength(1);
  });

  it('names missing and duplicate columns when no sheet matches', async () => {
    const path = await workbook('bad-header.xlsx', { S: [['MESSAGE_ID', 'Message ID', 'CUSIP']] });
    await expect(readColorFile(path)).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      details: {
        kind: 'header',
        missing: expect.arrayContaining(['SECTOR', 'PX']),
        duplicate: [{ column: 'MESSAGE_ID', headers: ['MESSAGE_ID', 'Message ID'] }],
      },
    });
  });
});

describe('readColorFile: xlsx zip entry order', () => {
  const rows = [
    HEADER,
    [
      '17734228894978519',
      'WDMNT 2022-9A ER',
      'MM-CLO',
      '12345ABC7',
      '2026-03-13',
      98.5,
      96.91,
      'JPM',
      'BID',
      3,
    ],
    [
      '17734228894978520',
      'OCTAGON 2021-1A D',
      'MM-CLO',
      '67890DEF1',
      '2026-03-13',
      0,
      97.125,
      'BARC',
      'OFFER',
      4,
    ],
  ];
  const expected = [
    {
      MESSAGE_ID: '17734228894978519',
      TICKER: 'WDMNT 2022-9A ER',
      CUSIP: '12345ABC7',
      PX: 96.91,
      SOURCE: 'JPM',
    },
    {
      MESSAGE_ID: '17734228894978520',
      TICKER: 'OCTAGON 2021-1A D',
      CUSIP: '67890DEF1',
      PX: 97.125,
      SOURCE: 'BARC',
    },
  ];
  const parts = sharedStringWorkbookParts(rows);
  const sheet = 'xl/worksheets/sheet1.xml';
  const strings = 'xl/sharedStrings.xml';

  // Every order a zip writer may choose is legal; exceljs' streaming reader only copes with some.
  it.each([
    ['shared strings after the sheet', [sheet, strings]],
    ['the sheet first of all', [sheet]],
    [
      'workbook and rels first, shared strings last',
      ['xl/workbook.xml', 'xl/_rels/workbook.xml.rels', sheet, strings],
    ],
    [
      'shared strings last of all',
      Object.keys(parts)
        .filter((n) => n !== strings)
        .concat(strings),
    ],
    ['reversed', Object.keys(parts).reverse()],
  ])('reads every text cell with %s', async (label, order) => {
    const path = await file(
      `order-${label.replaceAll(' ', '-')}.xlsx`,
      storedZip(inZipOrder(parts, order)),
    );
    const { records, errors } = await readColorFile(path);
    expect(errors).toEqual([]);
    expect(records).toMatchObject(expected);
  });

  it('reads a shared string that does not exist as a row error, never as an empty cell', async () => {
    // TICKER may be empty: an unresolved cell read as empty would pass unnoticed.
    const withGap = {
      ...parts,
      [sheet]: (parts[sheet] as string).replace(
        '<c r="B2" t="s"><v>11</v></c>',
        '<c r="B2" t="s"><v>999</v></c>',
      ),
    };
    expect(withGap[sheet]).not.toBe(parts[sheet]);
    const { records, errors } = await readColorFile(await file('gap.xlsx', storedZip(withGap)));
    expect(records.map((r) => r.MESSAGE_ID)).toEqual(['17734228894978520']);
    expect(errors).toEqual([
      expect.objectContaining({
        row: 2,
        column: 'TICKER',
        reason: expect.stringMatching(/shared string 999/),
      }),
    ]);
  });

  it('reads an unresolved shared string in a pass-through column as a row error too', async () => {
    const header = [...HEADER, 'Desk Note'];
    const withNote = sharedStringWorkbookParts([header, [...(rows[1] as string[]), 'fine']]);
    const sheetXml = (withNote[sheet] as string).replace(
      /<c r="K2" t="s"><v>\d+<\/v><\/c>/,
      '<c r="K2" t="s"><v>777</v></c>',
    );
    expect(sheetXml).not.toBe(withNote[sheet]);
    const { records, errors } = await readColorFile(
      await file('gap-note.xlsx', storedZip({ ...withNote, [sheet]: sheetXml })),
    );
    expect(records).toEqual([]);
    expect(errors).toEqual([
      expect.objectContaining({
        row: 2,
        column: 'Desk Note',
        reason: expect.stringMatching(/shared string 777/),
      }),
    ]);
  });

  it('refuses a workbook whose cells name shared strings it does not have', async () => {
    const { [strings]: _dropped, ...noStrings } = parts;
    await expect(
      readColorFile(await file('no-strings.xlsx', storedZip(noStrings))),
    ).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      message: expect.stringMatching(/shared string 0 /),
    });
  });

  it('reads entity-like text in inline and formula strings exactly (decoded once, not twice)', async () => {
    const tricky = ['A&lt;B &amp;amp; C', '&quot;R&amp;D&quot;', "it's &gt; 1 &#38; <x>"];
    const esc = (t: string) =>
      t.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
    const inline = (text: string, ref: string) =>
      `<c r="${ref}" t="inlineStr"><is><t>${esc(text)}</t></is></c>`;
    const header = `<row r="1">${HEADER.map((h, i) => inline(h, `${String.fromCharCode(65 + i)}1`)).join('')}</row>`;
    const rows = tricky.map((text, k) => {
      const r = k + 2;
      const cells = good.map((v, i) => {
        const ref = `${String.fromCharCode(65 + i)}${r}`;
        if (i === 1) return inline(text, ref); // TICKER: an inline string
        if (i === 7) return `<c r="${ref}" t="str"><f>"x"</f><v>${esc(text)}</v></c>`; // SOURCE: a formula's string
        return typeof v === 'number' ? `<c r="${ref}"><v>${v}</v></c>` : inline(String(v), ref);
      });
      return `<row r="${r}">${cells.join('')}</row>`;
    });
    const xml = `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${header}${rows.join('')}</sheetData></worksheet>`;
    const { records, errors } = await readColorFile(
      await file('entities.xlsx', workbookWithSheet(xml)),
    );
    expect(errors).toEqual([]);
    expect(records.map((r) => [r.TICKER, r.SOURCE])).toEqual(tricky.map((t) => [t, t]));
  });

  it('reads characters that straddle the pieces a sheet is parsed in', async () => {
    // Each TICKER is mostly 4-byte characters: some fall across every 64 KiB piece boundary of
    // the shared strings and of the sheet (its numbers written as text, inline in the sheet).
    // Written by hand: exceljs' own non-streaming writer garbles such characters itself.
    const rows = Array.from({ length: 3000 }, (_, i) => [
      ...good.slice(0, 1),
      `${'📈'.repeat(40)} ${i}`,
      ...good.slice(2),
    ]);
    const parts = sharedStringWorkbookParts([HEADER, ...rows]);
    const { records, errors } = await readColorFile(await file('straddle.xlsx', storedZip(parts)));
    expect(errors).toEqual([]);
    expect(records.map((r) => r.TICKER)).toEqual(rows.map((r) => r[1]));
  });

  it('refuses a workbook with two zip entries of one name, naming it', async () => {
    const twice = storedZip([...Object.entries(parts), [strings, parts[strings] as string]]);
    await expect(readColorFile(await file('twice.xlsx', twice))).rejects.toMatchObject({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: expect.stringMatching(/xl\/sharedStrings\.xml/),
    });
  });
});

/** The plain per-row reading: exceljs' own row iterator, each row through the parser in turn. */
async function readRowByRow(path: string) {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, { styles: 'cache' });
  const records: unknown[] = [];
  const errors: RowError[] = [];
  for await (const sheet of reader) {
    let parser: ReturnType<typeof createRecordParser> | undefined;
    for await (const row of sheet) {
      const values = row.values as unknown[];
      const cells: Cell[] = [];
      for (let i = 1; i < values.length; i++) cells.push(cellFromExcel(values[i]));
      if (!parser) {
        if (cells.some((c) => c !== null && !(typeof c === 'string' && c.trim() === '')))
          parser = createRecordParser(cells);
        continue;
      }
      const outcome = parser.parseRow(cells, row.number);
      if (outcome.kind === 'record') records.push(outcome.record);
      else if (outcome.kind === 'errors') errors.push(...outcome.errors);
    }
  }
  return { records, errors };
}

describe('readColorFile: xlsx row batches', () => {
  it('reads what a row-by-row reading reads, across many batches', async () => {
    const kinds = (i: number): unknown[] => {
      const row: unknown[] = [...good];
      row[0] = String(17734228894978519n + BigInt(i));
      if (i % 7 === 0) row[1] = { richText: [{ text: 'WDMNT ' }, { text: `${i}` }] };
      if (i % 11 === 0) row[3] = { text: '12345ABC7', hyperlink: 'https://example.invalid/c' };
      if (i % 13 === 0) row[4] = new Date(Date.UTC(2026, 2, 1 + (i % 28)));
      if (i % 17 === 0) row[6] = { formula: `${i}/100`, result: i / 100 };
      if (i % 19 === 0) row[6] = { error: '#N/A' };
      if (i % 23 === 0) row[6] = { formula: '1/0', result: { error: '#DIV/0!' } };
      if (i % 29 === 0) row[9] = null;
      if (i % 31 === 0) row[6] = 'not a number';
      return i % 37 === 0 ? [] : row; // blank rows
    };
    const rows = Array.from({ length: 5_000 }, (_, i) => kinds(i + 1));
    const path = await workbook('batches.xlsx', { S: [[], [], HEADER, ...rows] });
    let batches = 0;
    for await (const sheet of readXlsxSheetBatches(path))
      for await (const _batch of sheet.batches) batches++;
    expect(batches).toBeGreaterThan(3);
    const expected = await readRowByRow(path);
    expect(expected.errors.length).toBeGreaterThan(400);
    const read = await readColorFile(path);
    expect(read.records).toEqual(expected.records);
    expect(read.errors).toEqual(expected.errors);
    expect(read.notices).toEqual([]);
    expect(read.sheet).toBe('S');
  });
});

describe('readColorFile: refused before parsing', () => {
  it('refuses an empty file', async () => {
    await expect(readColorFile(await file('empty.csv', ''))).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      message: expect.stringMatching(/empty/),
    });
  });

  it('refuses a text file renamed .xlsx', async () => {
    await expect(readColorFile(await file('renamed.xlsx', HEADER.join(',')))).rejects.toMatchObject(
      {
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: expect.stringMatching(/renamed/),
      },
    );
  });

  it('refuses a workbook whose sheet XML breaks mid-sheet as not a valid xlsx (not an unexpected failure)', async () => {
    const header = `<row r="1">${HEADER.map((h, i) => `<c r="${String.fromCharCode(65 + i)}1" t="inlineStr"><is><t>${h}</t></is></c>`).join('')}</row>`;
    const xml = `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${header}<row r="2"><c r="A2" <<< /></row></sheetData></worksheet>`;
    await expect(
      readColorFile(await file('broken.xlsx', workbookWithSheet(xml))),
    ).rejects.toMatchObject({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: expect.stringMatching(
        /broken\.xlsx: it is not a valid xlsx file \(.*disallowed character/,
      ),
    });
  });

  it('refuses a zip bomb renamed .xlsx without inflating it', async () => {
    await expect(
      readColorFile(await file('bomb.xlsx', zipBomb(200 * 1024 * 1024))),
    ).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: expect.stringMatching(/zip bomb/),
    });
  });

  it('refuses a file above the size limit', async () => {
    const path = await workbook('big.xlsx', { S: [HEADER, good] });
    await expect(
      readColorFile(path, {
        limits: {
          maxBytes: 1_000,
          maxZipEntries: 1_000,
          maxUncompressedBytes: 1e9,
          maxCompressionRatio: 200,
        },
      }),
    ).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
    });
  });

  it('refuses other formats', async () => {
    await expect(readColorFile(await file('colors.xls', 'x'))).rejects.toMatchObject({
      code: 'UNSUPPORTED_MEDIA_TYPE',
    });
  });
});

describe('readColorFile: CSV', () => {
  const csvRow = (cells: string[], d = ',') => cells.join(d);

  it('strips a BOM, keeps ids exact and numbers rows by record', async () => {
    const text = `\ufeff${csvRow(HEADER)}\r\n${csvRow(good.map(String))}\r\n${csvRow([...good.slice(0, 6).map(String), '12abc', ...good.slice(7).map(String)])}\r\n`;
    const { records, errors } = await readColorFile(await file('bom.csv', text));
    expect(records[0]?.MESSAGE_ID).toBe('17734228894978519');
    expect(errors).toEqual([expect.objectContaining({ row: 3, column: 'PX', value: '12abc' })]);
  });

  it.each([
    [';', 'semicolons'],
    ['\t', 'tabs'],
  ])('sniffs %j (%s) and honours RFC 4180 quoting', async (d) => {
    const quoted = [
      '17734228894978519',
      '"WDMNT, ""2022"" ER"',
      'MM-CLO',
      '12345ABC7',
      '2026-03-13',
      '',
      '"1,234.5"',
      'JPM',
      'BID',
      '',
    ];
    const { records, errors } = await readColorFile(
      await file(
        `quoted-${d === ';' ? 'semi' : 'tab'}.csv`,
        `${csvRow(HEADER, d)}\n${csvRow(quoted, d)}\n`,
      ),
    );
    expect(errors).toEqual([]);
    expect(records[0]).toMatchObject({ TICKER: 'WDMNT, "2022" ER', PX: 1234.5, RANK: 3 });
  });

  describe('decimal commas', () => {
    const withPx = (px: string, d: string) =>
      `${csvRow(HEADER, d)}\n${csvRow([...good.slice(0, 5).map(String), '', px, ...good.slice(7).map(String)], d)}\n`;

    it('refuses 98,125 in a ;-delimited file as ambiguous, naming the setting', async () => {
      const { records, errors } = await readColorFile(
        await file('semi-comma.csv', withPx('98,125', ';')),
      );
      expect(records).toEqual([]);
      expect(errors).toEqual([
        expect.objectContaining({
          row: 2,
          column: 'PX',
          value: '98,125',
          reason: expect.stringMatching(/ambiguous.*MP_DECIMAL_SEPARATOR=,/),
        }),
      ]);
    });

    it('reads 98,125 as 98.125 in ;- and tab-delimited files when "," is the configured decimal separator', async () => {
      for (const [d, name] of [
        [';', 'semi'],
        ['\t', 'tab'],
      ] as const) {
        const source = fileColorSource(await file(`${name}-decimal.csv`, withPx('98,125', d)), {
          parse: { decimalSeparator: ',' },
        });
        const { records, errors } = await readColors(source);
        expect(errors).toEqual([]);
        expect(records[0]?.PX).toBe(98.125);
      }
    });

    it('keeps refusing "96,91" in a ,-delimited file, whatever is configured', async () => {
      const source = fileColorSource(await file('comma-9691.csv', withPx('"96,91"', ',')), {
        parse: { decimalSeparator: ',' },
      });
      const { records, errors } = await readColors(source);
      expect(records).toEqual([]);
      expect(errors).toEqual([
        expect.objectContaining({
          column: 'PX',
          value: '96,91',
          reason: expect.stringMatching(/is not a number/),
        }),
      ]);
    });
  });

  it('refuses a CSV with a stray quote, naming the line', async () => {
    const bad = [
      '17734228894978519',
      'WDMNT "2022 ER',
      'MM-CLO',
      '12345ABC7',
      '2026-03-13',
      '',
      '98',
      'JPM',
      'BID',
      '',
    ];
    await expect(
      readColorFile(await file('stray.csv', `${csvRow(HEADER)}\n${csvRow(bad)}\n`)),
    ).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      message: expect.stringMatching(/malformed at line 2/),
    });
  });

  const goodLine = good.map(String).join(',');
  const utf16 = (text: string, bigEndian: boolean, bom: boolean) => {
    const le = Buffer.from(`${bom ? '\ufeff' : ''}${text}`, 'utf16le');
    return bigEndian ? Buffer.from(le).swap16() : le;
  };

  it.each([
    ['UTF-16LE with BOM', false, true, /UTF-16 \(little-endian\)/],
    ['UTF-16BE with BOM', true, true, /UTF-16 \(big-endian\)/],
    ['UTF-16LE without BOM', false, false, /UTF-16 \(little-endian\)/],
    ['UTF-16BE without BOM', true, false, /UTF-16 \(big-endian\)/],
  ])(
    'refuses a %s file by name, never with a garbled header error',
    async (label, be, bom, name) => {
      const bytes = utf16(`${csvRow(HEADER)}\r\n${goodLine}\r\n`, be, bom);
      await expect(
        readColorFile(await file(`${label.replaceAll(' ', '-')}.csv`, bytes)),
      ).rejects.toMatchObject({
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: expect.stringMatching(new RegExp(`${name.source}.*save it as UTF-8`)),
      });
    },
  );

  it('refuses invalid UTF-8 naming the byte offset and line, never as U+FFFD', async () => {
    const text = Buffer.from(`${csvRow(HEADER)}\n${goodLine}\n`);
    const latin1 = Buffer.from('WDMNT caf\xe9', 'latin1'); // é in Latin-1: one byte 0xE9
    const bad = Buffer.concat([
      text,
      Buffer.from('17734228894978521,'),
      latin1,
      Buffer.from(',MM-CLO\n'),
    ]);
    const offset = text.length + '17734228894978521,WDMNT caf'.length;
    await expect(readColorFile(await file('latin1.csv', bad))).rejects.toMatchObject({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: expect.stringMatching(new RegExp(`byte 0xe9 at byte offset ${offset} \\(line 3\\)`)),
      details: { offset, line: 3 },
    });
  });

  it('finds invalid UTF-8 past the first chunk and a character cut off at the end', async () => {
    const rows = Array.from({ length: 3000 }, () => goodLine).join('\n');
    const body = Buffer.from(`${csvRow(HEADER)}\n${rows}\n`);
    const late = Buffer.concat([body, Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('\n')]); // a surrogate
    await expect(readColorFile(await file('late.csv', late))).rejects.toMatchObject({
      message: expect.stringMatching(new RegExp(`byte 0xed at byte offset ${body.length} `)),
    });
    const cut = Buffer.concat([body, Buffer.from('€').subarray(0, 2)]);
    await expect(readColorFile(await file('cut.csv', cut))).rejects.toMatchObject({
      message: expect.stringMatching(
        new RegExp(`ends inside a character \\(byte 0xe2 at byte offset ${body.length}`),
      ),
    });
  });

  it('reads multi-byte characters split across read chunks', async () => {
    const ticker = 'Société Générale € 2022-9A';
    const line = [good[0], ticker, ...good.slice(2)].map(String).join(',');
    const body = `${csvRow(HEADER)}\n${Array.from({ length: 4000 }, () => line).join('\n')}\n`;
    const { records, errors } = await readColorFile(await file('multibyte.csv', body));
    expect(errors).toEqual([]);
    expect(records).toHaveLength(4000);
    expect(new Set(records.map((r) => r.TICKER))).toEqual(new Set([ticker]));
  });

  it('sniffs the delimiter outside quotes', () => {
    expect(sniffDelimiter('"a;b;c",x,y')).toBe(',');
    expect(sniffDelimiter('a;b;c')).toBe(';');
    expect(sniffDelimiter('a\tb\tc')).toBe('\t');
    expect(sniffDelimiter('single')).toBe(',');
  });
});
