// Messages that say what to type (issue: a desk tool): one rule for a missing input file (exit 3,
// "cannot read FILE: no such file"), one for a missing required option (exit 2, naming it), every
// refusal naming the flag or field to change; with --json, a refusal is also a document on stdout.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { colorsToTable, generateColors } from '@market-pulse/core/sample';
import { describe, expect, it } from 'vitest';
import { cli, useWorkspaces } from './helpers.js';

const workspace = useWorkspaces('mp-msg-');

function csv(rows: number, seed: number, mutate?: (cells: string[][], header: string[]) => void) {
  const table = colorsToTable(generateColors({ rows, seed, businessDate: '2026-11-20' }));
  const cells = table.rows.map((r) => r.map((c) => String(c ?? '')));
  mutate?.(cells, table.header);
  return [table.header.join(','), ...cells.map((r) => r.join(','))].join('\n');
}

async function dataFolder() {
  const cwd = await workspace();
  expect((await cli(cwd, ['init'])).code).toBe(0);
  await writeFile(
    join(cwd, 'rule.json'),
    '{"name": "No DZ", "when": {"field": "SOURCE", "op": "eq", "value": "DZ Bank"}}',
  );
  await writeFile(join(cwd, 'colors.csv'), csv(40, 3));
  return cwd;
}

describe('a missing input file', () => {
  it.each([
    [['buffer', 'add', 'nope.csv']],
    [['run', '--source', 'nope.csv']],
    [['run', '--dry-run', '--source', 'nope.csv']],
    [['run', '--dry-run', '--source', 'colors.csv', '--rules', 'nope.json']],
    [['rules', 'add', 'nope.json']],
    [['rules', 'edit', 'x', 'nope.json']],
    [['rules', 'import', 'nope.json']],
    [['rules', 'test', 'nope.json', '--source', 'colors.csv']],
    [['rules', 'test', 'rule.json', '--source', 'nope.csv']],
    [['jobs', 'run-now', '1', '--source', 'nope.csv']],
  ])('%j: exit 3, "cannot read FILE: no such file", the same everywhere', async (args) => {
    const cwd = await dataFolder();
    expect((await cli(cwd, ['jobs', 'add', '--name', 'close', '--at', '18:30'])).code).toBe(0);
    const r = await cli(cwd, args);
    expect({ code: r.code, stderr: r.stderr }).toEqual({
      code: 3,
      stderr: expect.stringMatching(/^error: cannot read nope\.(csv|json): no such file\n/),
    });
  });

  it('MP_SOURCE naming a missing file: the same message, and a folder is not a file', async () => {
    const cwd = await dataFolder();
    const r = await cli(cwd, ['run'], { MP_SOURCE: 'gone.xlsx' });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot read gone\.xlsx: no such file/);
    const folder = await cli(cwd, ['buffer', 'add', 'market-pulse-data']);
    expect(folder.code).toBe(3);
    expect(folder.stderr).toMatch(/cannot read market-pulse-data: it is a folder/);
  });
});

describe('a missing required option', () => {
  it.each([
    [['export', '--run', '1'], '--out'],
    [['runs', 'export', '1'], '--out'],
    [['template'], '--out'],
    [['rules', 'test', 'rule.json'], '--source'],
    [['run', '--dry-run'], '--source'],
    [['jobs', 'add', '--at', '18:30'], '--name'],
    [['jobs', 'add', '--name', 'x'], '--cron'],
    [['export', '--from', '2026-11-20'], '--to'],
  ])('%j: exit 2 naming %s', async (args, flag) => {
    const cwd = await dataFolder();
    const r = await cli(cwd, args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(flag);
  });
});

describe('refusals say what to type', () => {
  it('a duplicate upload names --force; rows with errors name --accept-valid-rows', async () => {
    const cwd = await dataFolder();
    expect((await cli(cwd, ['buffer', 'add', 'colors.csv'])).code).toBe(0);
    const again = await cli(cwd, ['buffer', 'add', 'colors.csv']);
    expect(again.code).toBe(5);
    expect(again.stderr).toMatch(/same content as upload/);
    expect(again.stderr).toMatch(/pass --force to upload it again/);
    expect(again.stderr).not.toMatch(/use force/);

    await writeFile(
      join(cwd, 'bad.csv'),
      csv(5, 4, (c, h) => ((c[1] as string[])[h.indexOf('PX')] = '12abc')),
    );
    const bad = await cli(cwd, ['buffer', 'add', 'bad.csv']);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/bad\.csv: 1 row error; nothing was stored/);
    expect(bad.stderr).toMatch(/row 3 PX: "12abc" is not a number/);
    expect(bad.stderr).toMatch(/pass --accept-valid-rows to store the valid rows only/);
    const partial = await cli(cwd, ['buffer', 'add', 'bad.csv', '--accept-valid-rows']);
    expect(partial.code).toBe(0);
    expect(partial.stdout).toMatch(/4 rows \(1 row error skipped\)/);
  });

  it.each([
    [['jobs', 'add', '--name', 'x', '--cron', '0 0 30 2 *'], /^error: --cron: .*can never fire/],
    [
      ['jobs', 'add', '--name', 'x', '--at', '18:30', '--tz', 'Nowhere/Land'],
      /^error: --tz: .*unknown time zone/,
    ],
    [
      ['jobs', 'add', '--name', 'x', '--at', '18:30', '--holidays', '2026-13-01'],
      /^error: --holidays: /,
    ],
    [
      ['jobs', 'add', '--name', 'x', '--at', '18:30', '--grace', '-1'],
      /^error: --grace must be a whole number/,
    ],
    [
      ['export', '--date', '20/11/2026', '--out', 'x.csv'],
      /^error: --date must be a business date written YYYY-MM-DD \(got 20\/11\/2026\)/,
    ],
  ])('%j names the flag to change (exit 3)', async (args, message) => {
    const cwd = await dataFolder();
    const r = await cli(cwd, args);
    expect({ code: r.code, stderr: r.stderr }).toEqual({
      code: 3,
      stderr: expect.stringMatching(message),
    });
  });

  it('--cron and --at together is a usage error (exit 2)', async () => {
    const cwd = await dataFolder();
    const r = await cli(cwd, [
      'jobs',
      'add',
      '--name',
      'x',
      '--cron',
      '0 9 * * *',
      '--at',
      '18:30',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/say when once: --cron EXPR, or --at HH:MM/);
  });

  it('a bad --out names --out and the extensions it takes', async () => {
    const cwd = await dataFolder();
    const r = await cli(cwd, ['runs', 'export', '1', '--out', 'x.txt']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/--out must end in \.xlsx, \.csv or \.jsonl \(got x\.txt\)/);
  });
});

describe('--json refusals', () => {
  it('are {"error": {code, message, details}} on stdout, with the same exit code and the human line on stderr', async () => {
    const cwd = await dataFolder();
    expect((await cli(cwd, ['buffer', 'add', 'colors.csv'])).code).toBe(0);
    const dup = await cli(cwd, ['buffer', 'add', 'colors.csv', '--json']);
    expect(dup.code).toBe(5);
    expect(JSON.parse(dup.stdout)).toEqual({
      error: {
        code: 'CONFLICT',
        message: expect.stringMatching(/same content as upload/),
        details: expect.objectContaining({ reason: 'duplicate-upload' }),
      },
    });
    expect(dup.stderr).toMatch(/^error: /);

    const missing = await cli(cwd, ['rules', 'add', 'nope.json', '--json']);
    expect(missing.code).toBe(3);
    expect(JSON.parse(missing.stdout).error).toMatchObject({
      code: 'VALIDATION_ERROR',
      message: 'cannot read nope.json: no such file',
      details: { reason: 'unreadable-file', path: 'nope.json' },
    });

    const usage = await cli(cwd, ['export', '--run', '1', '--json']);
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stdout).error).toMatchObject({
      code: 'VALIDATION_ERROR',
      details: { usage: true, option: '--out' },
    });

    const unknown = await cli(cwd, ['runs', 'list', '--no-such', '--json']);
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stdout).error).toMatchObject({
      code: 'VALIDATION_ERROR',
      message: expect.stringMatching(/unknown option '--no-such'/),
      details: { usage: true },
    });

    const notFound = await cli(cwd, ['runs', 'show', '9', '--json']);
    expect(notFound.code).toBe(1);
    expect(JSON.parse(notFound.stdout).error.code).toBe('NOT_FOUND');
  });

  it('without --json, stdout stays empty on a refusal', async () => {
    const cwd = await dataFolder();
    const r = await cli(cwd, ['runs', 'show', '9']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
  });
});
