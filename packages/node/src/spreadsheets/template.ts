import { writeFile } from 'node:fs/promises';
import {
  type ColumnConfig,
  type ColumnDef,
  csvValue,
  DEFAULT_BIAS_RANKS,
  type RecordValue,
} from '@market-pulse/core';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';

/** Example values for the default columns; other columns get an empty example. */
const EXAMPLE: Readonly<Record<string, RecordValue>> = {
  MESSAGE_ID: '17734228894978519',
  TICKER: 'WDMNT 2022-9A ER',
  SECTOR: 'MM-CLO',
  CUSIP: '97988RAE2',
  DATE: '2026-03-13',
  PRICE_LEVEL: 98.5,
  BID: 98.5,
  ASK: 0,
  PX: 98.5,
  SOURCE: 'JPM',
  BIAS: 'BID',
  RANK: 3,
  COV_PRICE: 97.75,
  PERCENT_DIFF: 0.77,
  PRICE_DIFF: 0.75,
  CONFIDENCE: 8,
  DATE_1: '2026-03-12',
  DIFF_STATUS: 'Small Difference',
};

const TEMPLATE_ROWS = 5_000;

/**
 * A column's note: its description, then what the configuration adds that the description does
 * not already say (a desk reads each thing once: "0 means no price." is not followed by "0 means
 * empty.", "1–6; …" by "Range 1–6.").
 */
export function describeColumn(c: ColumnDef): string {
  const description = c.description ?? '';
  const parts = [description];
  if (c.zeroMeansEmpty && !/\b0 means\b/i.test(description)) parts.push('0 means empty.');
  const { min, max, allowedValues } = c.constraints ?? {};
  if (min !== undefined || max !== undefined) {
    const range = `${min ?? '…'}–${max ?? '…'}`;
    if (!description.includes(range)) parts.push(`Range ${range}.`);
  }
  if (allowedValues) parts.push(`One of: ${allowedValues.join(', ')}.`);
  return parts.filter(Boolean).join(' ');
}

const TYPE_HELP: Record<ColumnDef['type'], string> = {
  text: 'text',
  id: 'text of digits (format the column as Text: never a number)',
  integer: 'whole number',
  number: "number (digits, one '.', ',' only between groups of three)",
  date: 'date (a date cell or YYYY-MM-DD)',
};

/**
 * Writes the upload template (SPEC §6.1): a "Colors" sheet with the configured columns (required
 * headers marked, with a note), one example row, id columns formatted as text and a BIAS pick-list;
 * and an "Instructions" sheet describing every column.
 */
export async function writeTemplateXlsx(path: string, config: ColumnConfig): Promise<void> {
  await templateWorkbook(config).xlsx.writeFile(path);
}

/**
 * The upload template workbook (see {@link writeTemplateXlsx}) as bytes, in memory — what a server
 * sends without touching its disk (a few KiB).
 *
 * @example
 * ```ts
 * const bytes = await templateXlsx(defaultColumnConfig);
 * ```
 */
export async function templateXlsx(config: ColumnConfig): Promise<Uint8Array> {
  return new Uint8Array(await templateWorkbook(config).xlsx.writeBuffer());
}

function templateWorkbook(config: ColumnConfig): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('Colors', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = config.columns.map((c) => ({
    header: c.name,
    key: c.name,
    width: Math.max(12, c.name.length + 4),
  }));
  config.columns.forEach((c, i) => {
    const header = sheet.getCell(1, i + 1);
    header.font = { bold: true };
    if (c.headerRequired) {
      header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFE699' } };
      header.note = `Required column. ${describeColumn(c)}`.trim();
    }
    const column = sheet.getColumn(i + 1);
    if (c.type === 'id' || c.type === 'text') column.numFmt = '@';
    if (c.type === 'date') column.numFmt = 'yyyy-mm-dd';
  });
  sheet.addRow(
    config.columns.map((c) => {
      const value = EXAMPLE[c.name] ?? null;
      return c.type === 'date' && typeof value === 'string'
        ? new Date(`${value}T00:00:00Z`)
        : value;
    }),
  );
  const bias = config.columns.findIndex((c) => c.name === 'BIAS');
  if (bias >= 0) {
    const letter = sheet.getColumn(bias + 1).letter;
    const list = Object.keys(DEFAULT_BIAS_RANKS).join(',');
    for (let row = 2; row <= TEMPLATE_ROWS; row++) {
      sheet.getCell(`${letter}${row}`).dataValidation = {
        type: 'list',
        allowBlank: false,
        formulae: [`"${list}"`],
        showErrorMessage: false, // a BIAS outside the list is allowed; it then needs a RANK
      };
    }
  }

  const help = wb.addWorksheet('Instructions');
  help.columns = [
    { header: 'Column', key: 'name', width: 16 },
    { header: 'Display name', key: 'displayName', width: 18 },
    { header: 'Type', key: 'type', width: 40 },
    { header: 'Header required', key: 'required', width: 16 },
    { header: 'Value may be empty', key: 'empty', width: 18 },
    { header: 'Also accepted as header', key: 'aliases', width: 28 },
    { header: 'Notes', key: 'notes', width: 80 },
  ];
  help.getRow(1).font = { bold: true };
  for (const c of config.columns) {
    help.addRow({
      name: c.name,
      displayName: c.displayName,
      type: TYPE_HELP[c.type],
      required: c.headerRequired ? 'yes' : 'no',
      empty: c.allowEmpty || c.name === 'RANK' ? 'yes' : 'no',
      aliases: c.aliases.join(', '),
      notes: describeColumn(c),
    });
  }
  help.addRow({});
  for (const line of [
    'One row per color. Headers are matched ignoring case and spaces; columns not listed are kept and passed through.',
    'MESSAGE_ID must be text: a 17-digit number cell has already lost digits and is refused.',
    'Dates: date cells or YYYY-MM-DD text. Slash dates (3/13/2026) are refused unless a date format is configured.',
    'Numbers: no units, no percent signs, no parentheses. An empty cell is empty, never 0.',
    'RANK may be left empty when BIAS is one of the pick-list values: it is derived from BIAS.',
    'Result columns (RUN_ID, ROW_ID, IS_PARENT, …) may be present; they are ignored and recomputed.',
  ]) {
    help.addRow({ name: line });
  }
  return wb;
}

/** The CSV template: the configured columns' header and one example row. */
export function templateCsv(config: ColumnConfig): string {
  return stringify(
    [
      config.columns.map((c) => c.name),
      config.columns.map((c) => csvValue(EXAMPLE[c.name] ?? null)),
    ],
    {
      record_delimiter: '\r\n',
    },
  );
}

/** Writes the CSV template to `path`. */
export async function writeTemplateCsv(path: string, config: ColumnConfig): Promise<void> {
  await writeFile(path, templateCsv(config));
}
