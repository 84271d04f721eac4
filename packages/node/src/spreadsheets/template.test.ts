import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_COLUMNS,
  defaultColumnConfig,
  defineColumns,
  isValidCusip,
} from '@market-pulse/core';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readColorFile } from './file-color-source.js';
import { describeColumn, writeTemplateCsv, writeTemplateXlsx } from './template.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mp-template-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('templates', () => {
  it('xlsx: configured columns, required ones marked, a BIAS pick-list, instructions; the example row parses', async () => {
    const path = join(dir, 'template.xlsx');
    await writeTemplateXlsx(path, defaultColumnConfig);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    const sheet = wb.getWorksheet('Colors') as ExcelJS.Worksheet;
    const names = DEFAULT_COLUMNS.map((c) => c.name);
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(names);
    const marked = names.filter((_, i) => sheet.getCell(1, i + 1).note !== undefined);
    expect(marked).toEqual(DEFAULT_COLUMNS.filter((c) => c.headerRequired).map((c) => c.name));
    const biasCell = sheet.getCell(2, names.indexOf('BIAS') + 1);
    expect(biasCell.dataValidation).toMatchObject({
      type: 'list',
      formulae: [expect.stringContaining('TRADE CONFIRM')],
    });
    expect(wb.getWorksheet('Instructions')?.rowCount).toBeGreaterThan(names.length);
    const { records, errors } = await readColorFile(path);
    expect(errors).toEqual([]);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      MESSAGE_ID: '17734228894978519',
      DATE: '2026-03-13',
      BIAS: 'BID',
      RANK: 3,
    });
    expect(isValidCusip(records[0]?.CUSIP as string)).toBe(true);
  });

  it('instructions say each thing once per column', () => {
    const notes = new Map(defaultColumnConfig.columns.map((c) => [c.name, describeColumn(c)]));
    expect(notes.get('PRICE_LEVEL')).toBe('0 means no price.');
    expect(notes.get('PX')).toBe('Ranking price: BID if present, else ASK. 0 means no price.');
    expect(notes.get('RANK')).toBe('1–6; derived from BIAS when empty.');
    expect(notes.get('CONFIDENCE')).toBe('Range 0–10.');
    for (const [name, note] of notes) {
      const sentences = note.split(/(?<=\.)\s+/).map((t) => t.toLowerCase());
      expect({ name, repeated: sentences.length - new Set(sentences).size }).toEqual({
        name,
        repeated: 0,
      });
    }
  });

  it('csv: header and example row for the configured columns', async () => {
    const config = defineColumns([
      ...DEFAULT_COLUMNS,
      { name: 'ISIN', displayName: 'ISIN', type: 'text', headerRequired: false, allowEmpty: true },
    ]);
    const path = join(dir, 'template.csv');
    await writeTemplateCsv(path, config);
    const { records, errors } = await readColorFile(path, { parse: { columns: config } });
    expect(errors).toEqual([]);
    expect(records[0]).toMatchObject({ MESSAGE_ID: '17734228894978519', ISIN: null });
  });
});
