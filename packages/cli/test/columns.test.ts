import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { colorsToTable, generateColors } from '@market-pulse/core/sample';
import { describe, expect, it } from 'vitest';
import { cli, useWorkspaces } from './helpers.js';

const workspace = useWorkspaces('mp-cli-columns-');

describe('market-pulse columns', () => {
  it('shows the defaults, sets a changed list with --if-version, refuses what would break a rule, resets', async () => {
    const cwd = await workspace();
    expect((await cli(cwd, ['init'])).code).toBe(0);
    const shown = await cli(cwd, ['columns', 'show', '--json']);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ version: 0, isDefault: true });

    expect((await cli(cwd, ['columns', 'export', 'columns.json'])).code).toBe(0);
    const file = JSON.parse(await readFile(join(cwd, 'columns.json'), 'utf8'));
    file.columns.push({
      name: 'ISIN',
      displayName: 'ISIN',
      type: 'text',
      headerRequired: false,
      allowEmpty: true,
      aliases: ['ISIN code'],
    });
    await writeFile(join(cwd, 'columns.json'), JSON.stringify(file));
    const set = await cli(cwd, ['columns', 'set', 'columns.json', '--if-version', '0']);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toMatch(/version 1/);
    const stale = await cli(cwd, ['columns', 'set', 'columns.json', '--if-version', '0']);
    expect(stale.code).toBe(5);
    expect(stale.stderr).toMatch(/at version 1, not 0/);

    await writeFile(
      join(cwd, 'rule.json'),
      JSON.stringify({ name: 'No XS', when: { field: 'ISIN', op: 'starts_with', value: 'XS' } }),
    );
    expect((await cli(cwd, ['rules', 'add', 'rule.json'])).code).toBe(0);
    const reset = await cli(cwd, ['columns', 'reset']);
    expect(reset.code).toBe(5);
    expect(reset.stderr).toMatch(/would break rule "No XS"/);

    await writeFile(join(cwd, 'bad.json'), JSON.stringify([{ name: 'X' }]));
    const bad = await cli(cwd, ['columns', 'set', 'bad.json']);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/write the columns as \{"columns"/);
    // The upload buffer reads files with the stored columns: "ISIN code" is the ISIN column.
    const table = colorsToTable(generateColors({ rows: 5, seed: 8 }));
    const csv = [
      [...table.header, 'ISIN code'].join(','),
      ...table.rows.map((r, i) => [...r.map((c) => String(c ?? '')), `XS${i}`].join(',')),
    ].join('\n');
    await writeFile(join(cwd, 'upload.csv'), csv);
    const added = await cli(cwd, ['buffer', 'add', 'upload.csv']);
    expect(added.code, added.stderr).toBe(0);
    const run = await cli(cwd, ['run', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const rows = await cli(cwd, ['runs', 'excluded', '1', '--json']);
    const excluded = rows.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { ISIN?: string; RULE_NAME?: string });
    expect(excluded.filter((r) => r.RULE_NAME === 'No XS').map((r) => r.ISIN)).toHaveLength(5);

    const human = await cli(cwd, ['columns', 'show']);
    expect(human.stdout).toMatch(/^ISIN\s+text\s+optional/m);
    expect(human.stdout).toMatch(/version 1 \(changed by /);
  });
});
