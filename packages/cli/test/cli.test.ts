import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultColumnConfig, exportColumns, isinOfCusip, setRunHidden } from '@market-pulse/core';
import { colorsToTable, generateColors } from '@market-pulse/core/sample';
import { createFileStore, readColorFile, systemClock } from '@market-pulse/node';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { zipBomb } from '../../node/test/fixtures.js';
import { cli, snapshot, useWorkspaces } from './helpers.js';

const workspace = useWorkspaces('mp-cli-');

const ID = '17734228894978519';
function csvOf(
  rows = 200,
  seed = 1,
  mutate?: (cells: string[][], header: string[]) => void,
): string {
  const table = colorsToTable(generateColors({ rows, seed, businessDate: '2026-11-20' }));
  const cells = table.rows.map((r) => r.map((c) => String(c ?? '')));
  (cells[0] as string[])[0] = ID;
  mutate?.(cells, table.header);
  return [
    table.header.join(','),
    ...cells.map((r) =>
      r.map((c) => (/[",\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(','),
    ),
  ].join('\n');
}

describe('market-pulse demo', () => {
  it('creates the data folder, runs, and writes the output workbook and per-sector files', async () => {
    const cwd = await workspace();
    const demo = await cli(cwd, ['demo', '--rows', '1500']);
    expect(demo.code).toBe(0);
    expect(demo.stdout).toMatch(/run 1 succeeded/);
    const exportsDir = join(cwd, 'market-pulse-data', 'exports');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(exportsDir, 'Processed_Colors_Output.xlsx'));
    const sheet = workbook.getWorksheet('Colors') as ExcelJS.Worksheet;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(exportColumns(defaultColumnConfig).slice(0, header.length));
    const read = await readColorFile(join(exportsDir, 'Processed_Colors_Output.xlsx'));
    expect(read.errors).toEqual([]);
    const parsedMessageIds = read.records.map((r) => r.MESSAGE_ID);
    expect(parsedMessageIds.every((id) => /^\d{17}$/.test(id))).toBe(true);
    // Hierarchy: one parent per CUSIP, children point at it.
    const col = (name: string) => header.indexOf(name) + 1;
    const parents = new Map<string, string>();
    const children: [string, string][] = [];
    for (let r = 2; r <= sheet.rowCount; r++) {
      const row = sheet.getRow(r);
      const cusip = String(row.getCell(col('CUSIP')).value);
      if (row.getCell(col('IS_PARENT')).value === true) {
        expect(parents.has(cusip)).toBe(false);
        parents.set(cusip, String(row.getCell(col('ROW_ID')).value));
      } else children.push([cusip, String(row.getCell(col('PARENT_ROW_ID')).value)]);
    }
    for (const [cusip, parentRowId] of children) expect(parents.get(cusip)).toBe(parentRowId);
    const files = (await snapshot(exportsDir)).map((f) => f.split(' ')[0]);
    expect(files.filter((f) => f?.endsWith('.csv')).length).toBeGreaterThan(3);
    // One unambiguous date format in every workbook we write.
    const dateCell = sheet.getRow(2).getCell(col('DATE'));
    expect(dateCell.value).toBeInstanceOf(Date);
    expect(dateCell.numFmt).toBe('yyyy-mm-dd');
    // Rules by name, counts in words, and the latest business day (never a weekend).
    expect(demo.stdout).toMatch(/excluded: \d+ \((\w[\w ]*\w \d+(, )?)+\)/);
    expect(demo.stdout).toMatch(/output: \d+ rows — \d+ parents, \d+ children/);
    const run = JSON.parse((await cli(cwd, ['runs', 'show', '1', '--json'])).stdout);
    expect([1, 2, 3, 4, 5]).toContain(new Date(`${run.businessDate}T12:00:00Z`).getUTCDay());
    expect(demo.stdout).toContain(`colors-${run.businessDate}.xlsx`);
  });

  it('the template says each thing once: no "0 means empty." after "0 means no price."', async () => {
    const cwd = await workspace();
    expect((await cli(cwd, ['template', '--out', 't.xlsx'])).code).toBe(0);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(cwd, 't.xlsx'));
    const help = workbook.getWorksheet('Instructions') as ExcelJS.Worksheet;
    const notes = new Map<string, string>();
    help.eachRow((row) =>
      notes.set(String(row.getCell(1).value), String(row.getCell(7).value ?? '')),
    );
    expect(notes.get('PX')).toBe('Ranking price: BID if present, else ASK. 0 means no price.');
    expect(notes.get('RANK')).toBe('1–6; derived from BIAS when empty.');
  });
});

describe('MESSAGE_ID 17734228894978519', () => {
  it('survives exactly through a CSV source, a run, every export and a dry-run jsonl', async () => {
    const cwd = await workspace();
    await writeFile(join(cwd, 'colors.csv'), csvOf());
    // Per-sector files in both formats, so that every kind of export is read back.
    const env = { MP_SECTOR_EXPORT_FORMATS: 'xlsx,csv' };
    expect((await cli(cwd, ['run', '--source', 'colors.csv'], env)).code).toBe(0);
    const exportsDir = join(cwd, 'market-pulse-data', 'exports');
    // Every export file (the refresh record next to them is not one).
    const files = (await snapshot(exportsDir))
      .map((f) => f.split(' ')[0] as string)
      .filter((f) => /\.(xlsx|csv)$/.test(f));
    expect(files.some((f) => /^processed_colors\/.+\.xlsx$/.test(f))).toBe(true);
    expect(files.some((f) => /^processed_colors\/.+\.csv$/.test(f))).toBe(true);
    for (const file of files) {
      const { records } = await readColorFile(join(exportsDir, file));
      if (records.some((r) => r.MESSAGE_ID.startsWith('177342288949785')))
        expect(records.map((r) => r.MESSAGE_ID)).toContain(ID);
    }
    expect((await cli(cwd, ['runs', 'export', '1', '--out', 'run1.csv'])).code).toBe(0);
    expect(await readFile(join(cwd, 'run1.csv'), 'utf8')).toContain(ID);
    expect(
      (await cli(cwd, ['run', '--dry-run', '--source', 'colors.csv', '--out', 'dry.jsonl'])).code,
    ).toBe(0);
    const lines = (await readFile(join(cwd, 'dry.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.find((l) => l.MESSAGE_ID === ID)).toMatchObject({ MESSAGE_ID: ID, RUN_ID: null });
    expect(Object.keys(lines[0]).slice(0, 4)).toEqual([
      'RUN_ID',
      'PROCESSED_AT',
      'PROCESSING_TYPE',
      'MESSAGE_ID',
    ]);
  });

  it('survives as an xlsx text cell through buffer add and a run', async () => {
    const cwd = await workspace();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Colors');
    const table = colorsToTable(generateColors({ rows: 30, seed: 2 }));
    ws.addRow(table.header);
    ws.addRow([ID, ...(table.rows[0] as string[]).slice(1)]);
    await wb.xlsx.writeFile(join(cwd, 'upload.xlsx'));
    expect((await cli(cwd, ['init'])).code).toBe(0);
    expect((await cli(cwd, ['buffer', 'add', 'upload.xlsx'])).code).toBe(0);
    expect((await cli(cwd, ['run'])).code).toBe(0);
    const search = await cli(cwd, ['search', ID, '--json']);
    expect(
      JSON.parse(search.stdout).rows.map((r: { MESSAGE_ID: string }) => r.MESSAGE_ID),
    ).toContain(ID);
    // The same row by the ISIN of its CUSIP; a kind the search does not know is a usage error.
    const cusip = JSON.parse(search.stdout).rows.find(
      (r: { MESSAGE_ID: string }) => r.MESSAGE_ID === ID,
    ).CUSIP as string;
    const byIsin = await cli(cwd, ['search', isinOfCusip(cusip), '--kind', 'isin', '--json']);
    expect(byIsin.code).toBe(0);
    expect(JSON.parse(byIsin.stdout).cusips).toEqual([cusip]);
    const badKind = await cli(cwd, ['search', cusip, '--kind', 'figi']);
    expect(badKind.code).toBe(2);
    expect(badKind.stderr).toMatch(/--kind.*any, cusip, isin, message_id, ticker/s);
  });
});

describe('bad input: a clear message, the documented exit code, and nothing changed', () => {
  const numericIdXlsx = async (path: string) => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Colors');
    const table = colorsToTable(generateColors({ rows: 3, seed: 3 }));
    ws.addRow(table.header);
    // biome-ignore lint/correctness/noPrecisionLoss: the case under test: a 17-digit id stored as a number
    const numericId = 17734228894978519;
    ws.addRow([numericId, ...(table.rows[0] as string[]).slice(1)]);
    await wb.xlsx.writeFile(path);
  };

  const cases: [
    string,
    string,
    (cwd: string) => Promise<void>,
    number,
    RegExp,
    Record<string, string>?,
  ][] = [
    ['an empty file', 'empty.csv', (cwd) => writeFile(join(cwd, 'empty.csv'), ''), 3, /is empty/],
    [
      'a text file renamed .xlsx',
      'renamed.xlsx',
      (cwd) => writeFile(join(cwd, 'renamed.xlsx'), 'MESSAGE_ID,CUSIP\n1,2\n'),
      3,
      /not an xlsx workbook/,
    ],
    [
      'a zip bomb renamed .xlsx',
      'bomb.xlsx',
      (cwd) => writeFile(join(cwd, 'bomb.xlsx'), zipBomb(50 * 1024 * 1024)),
      3,
      /zip bomb/,
    ],
    [
      'missing required headers',
      'missing.csv',
      (cwd) => writeFile(join(cwd, 'missing.csv'), 'MESSAGE_ID,CUSIP\n1,ABC\n'),
      3,
      /missing required column\(s\) TICKER, SECTOR/,
    ],
    [
      'duplicate headers',
      'dup.csv',
      (cwd) =>
        writeFile(
          join(cwd, 'dup.csv'),
          csvOf(5, 4, (_c, h) => h.splice(1, 1, 'Message ID')),
        ),
      3,
      /more than one header names MESSAGE_ID/,
    ],
    [
      'a 17-digit numeric MESSAGE_ID cell when imprecise ids are refused',
      'numeric.xlsx',
      (cwd) => numericIdXlsx(join(cwd, 'numeric.xlsx')),
      3,
      /row 2 MESSAGE_ID: .*format the column as text/,
      { MP_IMPRECISE_ID: 'reject' }, // kept (marked imprecise) by default: see imprecise-ids.test.ts
    ],
    [
      'text in PX',
      'px.csv',
      (cwd) =>
        writeFile(
          join(cwd, 'px.csv'),
          csvOf(5, 5, (c, h) => ((c[1] as string[])[h.indexOf('PX')] = '12abc')),
        ),
      3,
      /row 3 PX: "12abc" is not a number/,
    ],
    [
      'an upload above the size limit',
      'big.csv',
      (cwd) => writeFile(join(cwd, 'big.csv'), csvOf(300)),
      3,
      /the limit is/,
      { MP_UPLOAD_MAX_BYTES: '2000' },
    ],
    [
      'a CSV with a stray quote',
      'quote.csv',
      (cwd) => writeFile(join(cwd, 'quote.csv'), `${csvOf(3, 6)}\n17734228894978599,WD "X,MM-CLO`),
      3,
      /malformed at line/,
    ],
  ];

  it.each(cases)('buffer add refuses %s', async (_label, file, make, code, message, env) => {
    const cwd = await workspace();
    expect((await cli(cwd, ['init'])).code).toBe(0);
    await make(cwd);
    const before = await snapshot(join(cwd, 'market-pulse-data'));
    const result = await cli(cwd, ['buffer', 'add', file], env);
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
    expect(await snapshot(join(cwd, 'market-pulse-data'))).toEqual(before);
  });

  it('refuses the same file uploaded twice (exit 5), storing nothing the second time', async () => {
    const cwd = await workspace();
    await writeFile(join(cwd, 'day.csv'), csvOf(20, 7));
    expect((await cli(cwd, ['init'])).code).toBe(0);
    expect((await cli(cwd, ['buffer', 'add', 'day.csv'])).code).toBe(0);
    const before = await snapshot(join(cwd, 'market-pulse-data'));
    const again = await cli(cwd, ['buffer', 'add', 'day.csv']);
    expect(again.code).toBe(5);
    expect(again.stderr).toMatch(/same content as upload/);
    expect(await snapshot(join(cwd, 'market-pulse-data'))).toEqual(before);
    expect((await cli(cwd, ['buffer', 'add', 'day.csv', '--force'])).code).toBe(0);
  });

  it('answers usage errors with exit 2 and a missing data folder with exit 1', async () => {
    const cwd = await workspace();
    expect((await cli(cwd, ['frobnicate'])).code).toBe(2);
    expect((await cli(cwd, ['run', '--no-such-option'])).code).toBe(2);
    const missing = await cli(cwd, ['runs', 'list']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no data folder .*market-pulse init/);
    expect((await snapshot(cwd)).length).toBe(0);
    const help = await cli(cwd, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/4 {2}busy/);
  });
});

describe('commands that only compute need no data folder and create none', () => {
  it('run --dry-run --source and template', async () => {
    const cwd = await workspace();
    await writeFile(join(cwd, 'colors.csv'), csvOf(50, 8));
    await writeFile(
      join(cwd, 'rules.json'),
      JSON.stringify({
        rules: [
          {
            id: 'v',
            name: 'No valuations',
            active: true,
            when: { field: 'BIAS', op: 'eq', value: 'VALUATION' },
          },
        ],
      }),
    );
    const dry = await cli(cwd, [
      'run',
      '--dry-run',
      '--source',
      'colors.csv',
      '--rules',
      'rules.json',
      '--out',
      'out.xlsx',
      '--json',
    ]);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({
      dryRun: true,
      input: 50,
      excludedByRule: { v: expect.any(Number) },
    });
    expect((await cli(cwd, ['template', '--out', 't.xlsx'])).code).toBe(0);
    expect((await cli(cwd, ['template', '--out', 't.csv'])).code).toBe(0);
    expect((await snapshot(cwd)).map((f) => f.split(' ')[0]).sort()).toEqual([
      'colors.csv',
      'out.xlsx',
      'rules.json',
      't.csv',
      't.xlsx',
    ]);
    const badRules = await cli(cwd, [
      'run',
      '--dry-run',
      '--source',
      'colors.csv',
      '--rules',
      'colors.csv',
    ]);
    expect(badRules.code).toBe(3);
  });
});

describe('rules, runs, buffer and status commands', () => {
  it('manage rules with versions, hide and restore runs, and report status', async () => {
    const cwd = await workspace();
    expect((await cli(cwd, ['init'])).code).toBe(0);
    await writeFile(
      join(cwd, 'rule.json'),
      JSON.stringify({
        name: 'No DZ',
        active: true,
        priority: 1,
        when: { field: 'SOURCE', op: 'eq', value: 'DZ Bank' },
      }),
    );
    const added = JSON.parse((await cli(cwd, ['rules', 'add', 'rule.json', '--json'])).stdout);
    expect(added).toMatchObject({ name: 'No DZ', version: 1 });
    await writeFile(
      join(cwd, 'typo.json'),
      JSON.stringify({
        name: 'Typo',
        active: true,
        priority: 1,
        when: { field: 'SORCE', op: 'ne', value: 'x' },
      }),
    );
    const typo = await cli(cwd, ['rules', 'add', 'typo.json']);
    expect(typo.code).toBe(3);
    expect(typo.stderr).toMatch(/unknown field "SORCE"/);
    expect(
      (await cli(cwd, ['rules', 'edit', added.id, 'rule.json', '--if-version', '9'])).code,
    ).toBe(5);
    expect((await cli(cwd, ['rules', 'toggle', added.id])).code).toBe(0);
    expect(JSON.parse((await cli(cwd, ['rules', 'list', '--json'])).stdout)[0]).toMatchObject({
      active: false,
      version: 2,
    });
    await writeFile(
      join(cwd, 'legacy.json'),
      JSON.stringify([
        {
          id: 1,
          name: 'Legacy',
          is_active: true,
          conditions: [{ type: 'where', column: 'BIAS', operator: 'equals', value: 'VALUATION' }],
        },
      ]),
    );
    expect((await cli(cwd, ['rules', 'import', 'legacy.json'])).stdout).toMatch(
      /imported #1 Legacy \(converted from the legacy form\)/,
    );

    await writeFile(join(cwd, 'a.csv'), csvOf(100, 9));
    await writeFile(join(cwd, 'b.csv'), csvOf(100, 10));
    expect((await cli(cwd, ['run', '--source', 'a.csv'])).code).toBe(0);
    expect((await cli(cwd, ['run', '--source', 'b.csv'])).code).toBe(0);
    const list = JSON.parse((await cli(cwd, ['runs', 'list', '--json'])).stdout);
    expect(list.map((r: { id: number }) => r.id)).toEqual([2, 1]);
    expect((await cli(cwd, ['runs', 'hide', '2'])).code).toBe(0);
    expect((await cli(cwd, ['runs', 'hide', '2'])).code).toBe(5);
    expect(JSON.parse((await cli(cwd, ['runs', 'list', '--json'])).stdout)[0]).toMatchObject({
      id: 2,
      hidden: true,
    });
    expect((await cli(cwd, ['runs', 'restore', '2'])).code).toBe(0);
    expect((await cli(cwd, ['runs', 'show', '7'])).code).toBe(1);
    const status = JSON.parse((await cli(cwd, ['status', '--json'])).stdout);
    expect(status).toMatchObject({
      pipeline: 'free',
      pendingUploads: 0,
      currentView: { throughRunId: 2 },
    });
    expect((await cli(cwd, ['export', '--date', 'not-a-date', '--out', 'x.csv'])).code).toBe(3);
  });
});

describe('exports that lag the data', () => {
  it('are reported by status and rebuilt by serve when it starts', async () => {
    const cwd = await workspace();
    await writeFile(join(cwd, 'a.csv'), csvOf(120, 4));
    await writeFile(join(cwd, 'b.csv'), csvOf(120, 5));
    expect((await cli(cwd, ['run', '--source', 'a.csv'])).code).toBe(0);
    expect((await cli(cwd, ['run', '--source', 'b.csv'])).code).toBe(0);
    const exportsOf = async (env: Record<string, string> = {}) =>
      JSON.parse((await cli(cwd, ['status', '--json'], env)).stdout).exports;
    expect(await exportsOf()).toEqual({ lagging: false, viewVersion: 2, exportsVersion: 2 });
    expect((await cli(cwd, ['status'])).stdout).toMatch(/exports: up to date \(view version 2\)/);
    expect(await exportsOf({ MP_SECTOR_EXPORT_FORMATS: 'xlsx' })).toMatchObject({
      lagging: true,
      reason: 'formats-changed',
    });

    // The view moves on and no refresh follows (a process killed after the commit): run 2 hidden
    // straight in the store.
    const store = createFileStore({ dir: join(cwd, 'market-pulse-data', 'store') });
    await setRunHidden({ store, clock: systemClock }, 2, true);
    expect(await exportsOf()).toEqual({
      lagging: true,
      reason: 'view-moved',
      viewVersion: 3,
      exportsVersion: 2,
    });
    expect((await cli(cwd, ['status'])).stdout).toMatch(
      /exports: lag the data \(they show view version 2, the view is at 3\)/,
    );

    // `serve` rebuilds them before it schedules anything (stopped at once here).
    const stop = new AbortController();
    stop.abort();
    const { code, stderr } = await cli(cwd, ['serve'], { MP_PORT: '0' }, stop.signal);
    expect(code).toBe(0);
    expect(stderr).toMatch(/exports lag the data: rebuilding them/);
    expect(stderr).toMatch(/exports rebuilt/);
    expect(await exportsOf()).toEqual({ lagging: false, viewVersion: 3, exportsVersion: 3 });
    // The rebuilt workbook is the view without run 2: run 1's rows.
    const { records } = await readColorFile(
      join(cwd, 'market-pulse-data', 'exports', 'Processed_Colors_Output.xlsx'),
    );
    const run1 = JSON.parse((await cli(cwd, ['runs', 'show', '1', '--json'])).stdout);
    expect(records).toHaveLength(run1.counts.output);
  });
});
