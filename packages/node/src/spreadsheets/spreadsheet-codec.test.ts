import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { columnKinds, defaultColumnConfig, exportColumns, rankColors } from '@market-pulse/core';
import { generateColors } from '@market-pulse/core/testing';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readColorFile } from './file-color-source.js';
import { writeCsvFile, writeXlsxFile } from './spreadsheet-files.js';

/** Data rows per sheet of a workbook (the header row excluded). */
async function rowsPerSheet(path: string): Promise<Record<string, number>> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path);
  return Object.fromEntries(workbook.worksheets.map((s) => [s.name, s.rowCount - 1]));
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mp-write-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const columns = exportColumns(defaultColumnConfig, ['Desk Note']);
const kinds = columnKinds(defaultColumnConfig);

function outputRows() {
  const records = generateColors({ rows: 40, seed: 9 });
  records[0] = {
    ...records[0],
    MESSAGE_ID: '17734228894978519',
    TICKER: '=HYPERLINK("http://evil")',
    'Desk Note': '+1',
  } as (typeof records)[number];
  return rankColors(records, { runId: 7 }).map((r) => ({
    ...r,
    RUN_ID: 7,
    PROCESSED_AT: '2026-03-13T18:30:00.000Z',
    PROCESSING_TYPE: 'AUTOMATED',
    ORIGIN: 'source',
  }));
}

describe('writeXlsxFile', () => {
  it('writes the export column order, ids as text, dates as yyyy-mm-dd date cells, numbers as numbers, formulas neutralised', async () => {
    const rows = outputRows();
    const path = join(dir, 'out.xlsx');
    await writeXlsxFile(path, [{ name: 'Colors', rows }], { columns, kinds });
    expect(await rowsPerSheet(path)).toEqual({ Colors: 40 });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    const sheet = wb.getWorksheet('Colors') as ExcelJS.Worksheet;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(columns);
    const index = (name: string) => columns.indexOf(name) + 1;
    const first = rows.findIndex((r) => r.MESSAGE_ID === '17734228894978519') + 2;
    const row = sheet.getRow(first);
    expect(row.getCell(index('MESSAGE_ID')).type).toBe(ExcelJS.ValueType.String);
    expect(row.getCell(index('MESSAGE_ID')).value).toBe('17734228894978519');
    expect(row.getCell(index('TICKER')).value).toBe('\'=HYPERLINK("http://evil")');
    expect(row.getCell(index('Desk Note')).value).toBe("'+1");
    expect(row.getCell(index('DATE')).value).toEqual(new Date(Date.UTC(2026, 2, 13)));
    // One unambiguous date format in every workbook we write (not Excel's locale short date).
    expect(row.getCell(index('DATE')).numFmt).toBe('yyyy-mm-dd');
    expect(row.getCell(index('DATE_1')).numFmt).toBe('yyyy-mm-dd');
    expect(typeof row.getCell(index('PX')).value).toBe('number');
    expect(typeof row.getCell(index('IS_PARENT')).value).toBe('boolean');
    expect(row.getCell(index('ROW_ID')).value).toBe(rows[first - 2]?.ROW_ID);
  });

  it('reads back through the parser: MESSAGE_ID exact, output columns recomputed, nothing lost', async () => {
    const rows = outputRows();
    // Text that looks like XML entities survives the round trip as written.
    (rows[1] as Record<string, unknown>).TICKER = 'A&lt;B &amp; C "q"';
    const path = join(dir, 'roundtrip.xlsx');
    await writeXlsxFile(path, [{ name: 'Colors', rows }], { columns, kinds });
    const { records, errors, notices } = await readColorFile(path);
    expect(errors).toEqual([]);
    expect(records.map((r) => r.MESSAGE_ID)).toEqual(rows.map((r) => r.MESSAGE_ID));
    expect(records[1]?.TICKER).toBe('A&lt;B &amp; C "q"');
    expect(notices[0]).toMatchObject({ kind: 'output-columns-ignored' });
  });

  it('continues in a new sheet past the row limit', async () => {
    const path = join(dir, 'split.xlsx');
    await writeXlsxFile(path, [{ name: 'Colors', rows: outputRows() }], {
      columns,
      kinds,
      maxRowsPerSheet: 15,
    });
    expect(await rowsPerSheet(path)).toEqual({ Colors: 15, 'Colors (2)': 15, 'Colors (3)': 10 });
  });

  it('leaves no file behind when writing fails', async () => {
    const path = join(dir, 'fails.xlsx');
    async function* broken() {
      yield outputRows()[0] as NonNullable<ReturnType<typeof outputRows>[number]>;
      throw new Error('source died');
    }
    await expect(
      writeXlsxFile(path, [{ name: 'Colors', rows: broken() }], { columns, kinds }),
    ).rejects.toThrow('source died');
    expect((await readdir(dir)).filter((f) => f.startsWith('fails.xlsx'))).toEqual([]);
  });
});

describe('writeCsvFile', () => {
  it('writes dates as YYYY-MM-DD, booleans TRUE/FALSE, ids exact, empty as empty, formulas neutralised', async () => {
    const rows = outputRows();
    const path = join(dir, 'out.csv');
    await writeCsvFile(path, rows, { columns });
    const lines = (await readFile(path, 'utf8')).split('\r\n');
    expect(lines.filter(Boolean)).toHaveLength(41);
    expect(lines[0]).toBe(columns.join(','));
    const target = lines.find((l) => l.includes('17734228894978519')) as string;
    expect(target).toContain(',"\'=HYPERLINK(""http://evil"")",');
    expect(target).toMatch(/,2026-03-13,/);
    expect(target).toMatch(/,(TRUE|FALSE),/);
    const { records, errors } = await readColorFile(path);
    expect(errors).toEqual([]);
    expect(records.map((r) => r.MESSAGE_ID)).toEqual(rows.map((r) => r.MESSAGE_ID));
  });
});

describe('headers are cells too', () => {
  const evil = '=HYPERLINK("http://evil.example/h","hdr")';
  const hostile = [evil, '+SUM(1)', '-2', '@cmd', '\tTAB', '\rCR'];
  const withHostile = exportColumns(defaultColumnConfig, ['Desk Note', ...hostile]);
  const rows = () =>
    outputRows().map((r) => ({ ...r, [evil]: 'x', '+SUM(1)': 'y' }) as Record<string, unknown>);

  it('neutralises a pass-through header in CSV, keeping the values under it', async () => {
    const path = join(dir, 'evil-header.csv');
    await writeCsvFile(path, rows(), { columns: withHostile });
    const [header] = (await readFile(path, 'utf8')).split('\r\n');
    expect(header).toContain(`"'=HYPERLINK(""http://evil.example/h"",""hdr"")"`);
    expect(header).toContain(",'+SUM(1),'-2,'@cmd,");
    expect(header).not.toMatch(/(^|,)"?[=+\-@]/);
    const { records } = await readColorFile(path);
    expect(records[0]?.[`'${evil}`]).toBe('x');
  });

  it('neutralises a pass-through header in xlsx', async () => {
    const path = join(dir, 'evil-header.xlsx');
    await writeXlsxFile(path, [{ name: 'Colors', rows: rows() }], { columns: withHostile, kinds });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    const header = (
      (wb.getWorksheet('Colors') as ExcelJS.Worksheet).getRow(1).values as unknown[]
    ).slice(1);
    // XML reads a stored CR back as LF.
    expect(header.slice(-hostile.length)).toEqual(hostile.map((h) => `'${h}`.replace('\r', '\n')));
    expect(header.slice(0, -hostile.length)).toEqual(withHostile.slice(0, -hostile.length));
  });
});
