// The excluded and invalid rows of a committed run (issue: `runs show 3` gave only counts):
// `runs excluded` (rule name and witness) and `runs errors` (row, column, value, reason), with the
// filters of `runs rows`, --json and --out (.xlsx, .csv, .jsonl).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { colorsToTable, generateColors } from '@market-pulse/core/sample';
import { readColorFile } from '@market-pulse/node';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { cli, useWorkspaces } from './helpers.js';

const workspace = useWorkspaces('mp-runrows-');

/** A data folder with two rules and one run over 200 rows, two of them unreadable. */
async function committedRun() {
  const cwd = await workspace();
  const table = colorsToTable(generateColors({ rows: 200, seed: 31, businessDate: '2026-11-20' }));
  const cells = table.rows.map((r) => r.map((c) => String(c ?? '')));
  (cells[4] as string[])[table.header.indexOf('PX')] = '12abc';
  (cells[9] as string[])[table.header.indexOf('DATE')] = 'soon';
  await writeFile(
    join(cwd, 'colors.csv'),
    [table.header.join(','), ...cells.map((r) => r.join(','))].join('\n'),
  );
  expect((await cli(cwd, ['init'])).code).toBe(0);
  await writeFile(
    join(cwd, 'rules.json'),
    JSON.stringify([
      { name: 'No DZ Bank', when: { field: 'SOURCE', op: 'eq', value: 'DZ Bank' } },
      { name: 'No valuations', when: { field: 'BIAS', op: 'eq', value: 'VALUATION' } },
    ]),
  );
  expect((await cli(cwd, ['rules', 'import', 'rules.json'])).code).toBe(0);
  const run = await cli(cwd, ['run', '--source', 'colors.csv', '--json']);
  expect(run.code).toBe(0);
  return { cwd, record: JSON.parse(run.stdout) };
}

const jsonLines = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe('runs excluded', () => {
  it('lists each excluded row with its rule by name and the conditions that decided it', async () => {
    const { cwd, record } = await committedRun();
    const r = await cli(cwd, ['runs', 'excluded', '1']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(record.counts.excluded);
    expect(
      lines.some((l) =>
        /excluded by "No DZ Bank": SOURCE equal_to "DZ Bank" \(row: "DZ BANK"\)/i.test(l),
      ),
    ).toBe(true);
    expect(
      lines.some((l) => /excluded by "No valuations": BIAS equal_to "VALUATION"/.test(l)),
    ).toBe(true);

    const json = jsonLines((await cli(cwd, ['runs', 'excluded', '1', '--json'])).stdout);
    expect(json).toHaveLength(record.counts.excluded);
    const ids = Object.keys(record.counts.excludedByRule);
    for (const row of json) {
      expect(ids).toContain(row.EXCLUDED_BY); // the id in JSON…
      expect(['No DZ Bank', 'No valuations']).toContain(row.RULE_NAME); // …and the name
      expect(row.WITNESS[0]).toMatchObject({ field: expect.any(String), op: 'equal_to' });
    }
  });

  it('takes the filters of runs rows, and --rule by name', async () => {
    const { cwd, record } = await committedRun();
    const byRule = jsonLines(
      (await cli(cwd, ['runs', 'excluded', '1', '--rule', 'no dz bank', '--json'])).stdout,
    );
    const dzId = Object.entries(record.ruleNames).find(([, n]) => n === 'No DZ Bank')?.[0];
    expect(byRule.length).toBe(record.counts.excludedByRule[dzId as string]);
    expect(new Set(byRule.map((r) => r.RULE_NAME))).toEqual(new Set(['No DZ Bank']));
    const one = byRule[0];
    const byCusip = jsonLines(
      (await cli(cwd, ['runs', 'excluded', '1', '--cusip', one.CUSIP.toLowerCase(), '--json']))
        .stdout,
    );
    expect(byCusip.length).toBeGreaterThan(0);
    expect(byCusip.every((r) => r.CUSIP === one.CUSIP)).toBe(true);
    const bySector = jsonLines(
      (await cli(cwd, ['runs', 'excluded', '1', '--sector', one.SECTOR, '--limit', '2', '--json']))
        .stdout,
    );
    expect(bySector.length).toBeLessThanOrEqual(2);
    expect(bySector.every((r) => r.SECTOR === one.SECTOR)).toBe(true);
    const none = await cli(cwd, ['runs', 'excluded', '1', '--cusip', 'NOPE00000']);
    expect({ code: none.code, stdout: none.stdout }).toEqual({ code: 0, stdout: '' });
    expect(none.stderr).toMatch(/run 1 has no excluded rows that match/);
  });

  it('--out writes .xlsx, .csv or .jsonl with the rule name and the witness in words', async () => {
    const { cwd, record } = await committedRun();
    for (const file of ['x.xlsx', 'x.csv', 'x.jsonl']) {
      const r = await cli(cwd, ['runs', 'excluded', '1', '--out', file]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`wrote ${record.counts.excluded} excluded rows of run 1 to ${file}\n`);
    }
    const csv = (await readFile(join(cwd, 'x.csv'), 'utf8')).split('\r\n');
    expect(csv[0]).toMatch(
      /^RUN_ID,PROCESSED_AT,PROCESSING_TYPE,MESSAGE_ID,.*,EXCLUDED_BY,RULE_NAME,WITNESS$/,
    );
    expect(csv.slice(1).filter(Boolean)).toHaveLength(record.counts.excluded);
    expect(csv.join('\n')).toMatch(
      /No valuations,"?BIAS equal_to ""VALUATION"" \(row: ""VALUATION""\)/,
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(cwd, 'x.xlsx'));
    expect(wb.getWorksheet('Excluded')?.rowCount).toBe(record.counts.excluded + 1);
    expect(jsonLines(await readFile(join(cwd, 'x.jsonl'), 'utf8'))).toHaveLength(
      record.counts.excluded,
    );
  });
});

describe('runs errors', () => {
  it('lists the rows the inputs could not read: input, row, column, value, reason', async () => {
    const { cwd, record } = await committedRun();
    expect(record.counts.invalid).toBe(2);
    const r = await cli(cwd, ['runs', 'errors', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^source row 6 PX: "12abc" is not a number.*\(value "12abc"\)$/m);
    expect(r.stdout).toMatch(/^source row 11 DATE: .*\(value "soon"\)$/m);
    const json = jsonLines(
      (await cli(cwd, ['runs', 'errors', '1', '--column', 'px', '--json'])).stdout,
    );
    expect(json).toEqual([
      {
        ORIGIN: 'source',
        ROW: 6,
        COLUMN: 'PX',
        VALUE: '12abc',
        REASON: expect.stringMatching(/not a number/),
      },
    ]);
    expect((await cli(cwd, ['runs', 'errors', '1', '--origin', 'upload:x'])).stdout).toBe('');
    expect((await cli(cwd, ['runs', 'errors', '1', '--out', 'e.csv'])).stdout).toBe(
      'wrote 2 row errors of run 1 to e.csv\n',
    );
    expect((await readFile(join(cwd, 'e.csv'), 'utf8')).split('\r\n')[0]).toBe(
      'ORIGIN,ROW,COLUMN,VALUE,REASON',
    );
  });
});

describe('runs rows', () => {
  it('takes --cusip, --sector, --origin, --limit and --out (.jsonl too)', async () => {
    const { cwd, record } = await committedRun();
    const all = jsonLines((await cli(cwd, ['runs', 'rows', '1'])).stdout);
    expect(all).toHaveLength(record.counts.output);
    const cusip = all[0].CUSIP;
    const group = jsonLines((await cli(cwd, ['runs', 'rows', '1', '--cusip', cusip])).stdout);
    expect(group.length).toBe(all.filter((r) => r.CUSIP === cusip).length);
    expect(jsonLines((await cli(cwd, ['runs', 'rows', '1', '--limit', '3'])).stdout)).toHaveLength(
      3,
    );
    const sector = jsonLines(
      (await cli(cwd, ['runs', 'rows', '1', '--sector', all[0].SECTOR.toLowerCase()])).stdout,
    );
    expect(sector.length).toBe(all.filter((r) => r.SECTOR === all[0].SECTOR).length);
    expect((await cli(cwd, ['runs', 'rows', '1', '--out', 'rows.jsonl'])).code).toBe(0);
    expect(jsonLines(await readFile(join(cwd, 'rows.jsonl'), 'utf8'))).toHaveLength(
      record.counts.output,
    );
  });

  it('.jsonl wherever rows are written: runs export and export --run', async () => {
    const { cwd, record } = await committedRun();
    for (const args of [
      ['runs', 'export', '1', '--out', 'a.jsonl'],
      ['export', '--run', '1', '--out', 'b.jsonl'],
      ['export', '--date', record.businessDate, '--out', 'c.csv'],
    ]) {
      const r = await cli(cwd, args);
      expect(r.code, r.stderr).toBe(0);
    }
    const a = jsonLines(await readFile(join(cwd, 'a.jsonl'), 'utf8'));
    expect(a).toHaveLength(record.counts.output);
    expect(Object.keys(a[0]).slice(0, 4)).toEqual([
      'RUN_ID',
      'PROCESSED_AT',
      'PROCESSING_TYPE',
      'MESSAGE_ID',
    ]);
    expect(await readFile(join(cwd, 'b.jsonl'), 'utf8')).toBe(
      await readFile(join(cwd, 'a.jsonl'), 'utf8'),
    );
    expect((await readColorFile(join(cwd, 'c.csv'))).records.length).toBeGreaterThan(0);
  });
});
