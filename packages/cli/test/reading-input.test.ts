import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { colorsToTable, generateColors } from '@market-pulse/core/sample';
import { readColorFile } from '@market-pulse/node';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { cli, snapshot, useWorkspaces } from './helpers.js';

const workspace = useWorkspaces('mp-input-');

/** A desk's export: MESSAGE_IDs written as number cells (exceljs writes numbers), so each holds a double. */
async function numericIdWorkbook(path: string, rows = 12): Promise<string[]> {
  const table = colorsToTable(generateColors({ rows, seed: 11, businessDate: '2026-03-13' }));
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Colors');
  ws.addRow(table.header);
  const held: string[] = [];
  for (const cells of table.rows) {
    const id = Number(cells[0]);
    held.push(BigInt(id).toString()); // the integer the cell holds
    ws.addRow([id, ...cells.slice(1)]);
  }
  await wb.xlsx.writeFile(path);
  return held;
}

const csvLines = (text: string) => text.trim().split(/\r?\n/);

describe('17-digit MESSAGE_IDs stored as numbers: kept, marked imprecise, one notice (SPEC §1.1)', () => {
  it('buffer add keeps them with one prominent notice; the run, its export and search carry the flag', async () => {
    const cwd = await workspace();
    const held = await numericIdWorkbook(join(cwd, 'desk.xlsx'));
    expect(held.every((id) => /^\d{17}$/.test(id))).toBe(true);
    expect((await cli(cwd, ['init'])).code).toBe(0);
    const add = await cli(cwd, ['buffer', 'add', 'desk.xlsx']);
    expect(add.code).toBe(0);
    expect(add.stderr.match(/IMPORTANT/g)).toHaveLength(1);
    expect(add.stderr).toMatch(
      /note: IMPORTANT: 12 row\(s\) \(row 2, 3, 4, 5, 6, …\) have MESSAGE_ID as a number beyond 2\^53−1.*Format the MESSAGE_ID column as text/,
    );
    expect((await cli(cwd, ['run'])).code).toBe(0);

    expect((await cli(cwd, ['runs', 'export', '1', '--out', 'run1.csv'])).code).toBe(0);
    const [header, ...rows] = csvLines(await readFile(join(cwd, 'run1.csv'), 'utf8'));
    const columns = (header as string).split(',');
    const id = columns.indexOf('MESSAGE_ID');
    const flag = columns.indexOf('MESSAGE_ID_IMPRECISE');
    expect(flag).toBeGreaterThan(columns.indexOf('ORIGIN'));
    expect(rows).toHaveLength(12);
    for (const row of rows) expect(row.split(',')[flag]).toBe('TRUE');
    expect(new Set(rows.map((r) => r.split(',')[id]))).toEqual(new Set(held));

    const standing = await readColorFile(
      join(cwd, 'market-pulse-data', 'exports', 'Processed_Colors_Output.xlsx'),
    );
    expect(standing.errors).toEqual([]);
    expect(standing.records.every((r) => r.MESSAGE_ID_IMPRECISE === true)).toBe(true);

    const search = await cli(cwd, ['search', held[0] as string, '--json']);
    const found = JSON.parse(search.stdout).rows as Record<string, unknown>[];
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((r) => r.MESSAGE_ID_IMPRECISE === true)).toBe(true);
  });

  it('run --source keeps them too, saying so once', async () => {
    const cwd = await workspace();
    const held = await numericIdWorkbook(join(cwd, 'desk.xlsx'), 5);
    const run = await cli(cwd, ['run', '--source', 'desk.xlsx']);
    expect(run.code).toBe(0);
    expect(run.stderr.match(/IMPORTANT/g)).toHaveLength(1);
    expect(run.stderr).toMatch(/Format the MESSAGE_ID column as text/);
    expect((await cli(cwd, ['runs', 'export', '1', '--out', 'run1.xlsx'])).code).toBe(0);
    const { records } = await readColorFile(join(cwd, 'run1.xlsx'));
    expect(records.map((r) => [r.MESSAGE_ID, r.MESSAGE_ID_IMPRECISE]).sort()).toEqual(
      held.map((id) => [id, true]).sort(),
    );
  });

  it('MP_IMPRECISE_ID=reject refuses them as row errors (exit 3), storing nothing', async () => {
    const cwd = await workspace();
    await numericIdWorkbook(join(cwd, 'desk.xlsx'), 3);
    expect((await cli(cwd, ['init'])).code).toBe(0);
    const before = await snapshot(join(cwd, 'market-pulse-data'));
    const add = await cli(cwd, ['buffer', 'add', 'desk.xlsx'], { MP_IMPRECISE_ID: 'reject' });
    expect(add.code).toBe(3);
    expect(add.stderr).toMatch(/row 2 MESSAGE_ID: .*MP_IMPRECISE_ID=reject/);
    expect(await snapshot(join(cwd, 'market-pulse-data'))).toEqual(before);
    const bad = await cli(cwd, ['buffer', 'add', 'desk.xlsx'], { MP_IMPRECISE_ID: 'drop' });
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/MP_IMPRECISE_ID="drop": expected keep or reject/);
  });
});

/** A ;-delimited CSV of `rows` colors with decimal commas, whose PX cells are written by `px`. */
function semicolonCsv(px: (i: number) => string, rows = 4): string {
  const table = colorsToTable(generateColors({ rows, seed: 12, businessDate: '2026-03-13' }));
  const at = table.header.indexOf('PX');
  return [
    table.header.join(';'),
    ...table.rows.map((cells, i) =>
      cells
        .map((c, k) => (k === at ? px(i) : String(c ?? '').replace(/^(-?\d+)\.(\d+)$/, '$1,$2')))
        .join(';'),
    ),
  ].join('\n');
}

describe('decimal commas in a ;-delimited CSV', () => {
  it('refuses 98,125 as ambiguous by default and reads it as 98.125 with MP_DECIMAL_SEPARATOR=,', async () => {
    const cwd = await workspace();
    await writeFile(
      join(cwd, 'eu.csv'),
      semicolonCsv((i) => `98,${125 + i}`),
    );
    expect((await cli(cwd, ['init'])).code).toBe(0);
    const refused = await cli(cwd, ['buffer', 'add', 'eu.csv']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/PX: "98,125" is ambiguous.*MP_DECIMAL_SEPARATOR=,/);
    const env = { MP_DECIMAL_SEPARATOR: ',' };
    const added = await cli(cwd, ['buffer', 'add', 'eu.csv'], env);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect((await cli(cwd, ['run'], env)).code).toBe(0);
    expect((await cli(cwd, ['runs', 'export', '1', '--out', 'out.csv'])).code).toBe(0);
    const [header, ...rows] = csvLines(await readFile(join(cwd, 'out.csv'), 'utf8'));
    const px = (header as string).split(',').indexOf('PX');
    expect(rows.map((r) => r.split(',')[px]).sort()).toEqual([
      '98.125',
      '98.126',
      '98.127',
      '98.128',
    ]);
  });
});

describe('files that are not what they seem', () => {
  it('refuses a UTF-16 CSV by name and a __proto__ column by name (exit 3)', async () => {
    const cwd = await workspace();
    const table = colorsToTable(generateColors({ rows: 2, seed: 13 }));
    const csv = [table.header, ...table.rows]
      .map((r) => r.map((c) => String(c ?? '')).join(','))
      .join('\r\n');
    await writeFile(join(cwd, 'wide.csv'), Buffer.from(`\ufeff${csv}`, 'utf16le').swap16());
    await writeFile(
      join(cwd, 'proto.csv'),
      [[...table.header, '__proto__'], ...table.rows.map((r) => [...r, 'x'])]
        .map((r) => r.map((c) => String(c ?? '')).join(','))
        .join('\n'),
    );
    expect((await cli(cwd, ['init'])).code).toBe(0);
    const wide = await cli(cwd, ['buffer', 'add', 'wide.csv']);
    expect(wide.code).toBe(3);
    expect(wide.stderr).toMatch(/is UTF-16 \(big-endian\) text.*save it as UTF-8/);
    const proto = await cli(cwd, ['buffer', 'add', 'proto.csv']);
    expect(proto.code).toBe(3);
    expect(proto.stderr).toMatch(/column name\(s\) __proto__ cannot be passed through/);
  });
});

describe('inputs the exports could not hold (refused or flagged when read)', () => {
  it('refuses a file wider than a sheet (exit 3) and takes a run with a sector too long for a file name, its row an error, exports written', async () => {
    const cwd = await workspace();
    const table = colorsToTable(generateColors({ rows: 3, seed: 17 }));
    const toCsv = (rows: unknown[][]) =>
      rows.map((r) => r.map((c) => String(c ?? '')).join(',')).join('\n');
    const extras = Array.from({ length: 17_000 }, (_, i) => `C${i}`);
    await writeFile(
      join(cwd, 'wide.csv'),
      toCsv([
        [...table.header, ...extras],
        ...table.rows.map((r) => [...r, ...extras.map(() => 1)]),
      ]),
    );
    const sector = table.header.indexOf('SECTOR');
    const rows = table.rows.map((r, i) =>
      r.map((c, j) => (i === 0 && j === sector ? 'L'.repeat(300) : c)),
    );
    await writeFile(join(cwd, 'long.csv'), toCsv([table.header, ...rows]));
    expect((await cli(cwd, ['init'])).code).toBe(0);
    const before = await snapshot(join(cwd, 'market-pulse-data'));
    const wide = await cli(cwd, ['buffer', 'add', 'wide.csv']);
    expect(wide.code).toBe(3);
    expect(wide.stderr).toMatch(
      /the file has 17,\d{3} columns once Market Pulse's own are added; a spreadsheet holds at most 16,384/,
    );
    expect(await snapshot(join(cwd, 'market-pulse-data'))).toEqual(before);
    const run = await cli(cwd, ['run', '--source', 'long.csv', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ counts: { invalid: 1, input: 2 } });
    const errors = await cli(cwd, ['runs', 'errors', '1']);
    expect(errors.stdout).toMatch(/the sector is too long to name its export file/);
    expect((await cli(cwd, ['status'])).stdout).toMatch(/exports: up to date/);
  });
});
