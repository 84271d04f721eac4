import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, useWorkspaces } from './helpers.js';

const workspace = useWorkspaces('mp-clo-');

describe('clo', () => {
  it('lists the defaults, sets a type and a whole file, refuses unknown columns (exit 3, nothing stored), resets', async () => {
    const cwd = await workspace();
    expect((await cli(cwd, ['init'])).code).toBe(0);
    expect((await cli(cwd, ['clo', 'list'])).stdout).toBe(
      'v0  without a CLO: every column\nEURO_ABS: every column\nCLO: every column\nUSABS: every column\n',
    );
    expect((await cli(cwd, ['clo', 'set-type', 'clo_mezz', '--parent', 'CLO'])).stdout).toContain(
      'CLO: every column\n  CLO_MEZZ: inherits CLO\n',
    );
    const bad = await cli(cwd, ['clo', 'set-type', 'CLO', '--columns', 'PX,COLOUR']);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/CLO: unknown column COLOUR/);
    await writeFile(
      join(cwd, 'clo.json'),
      JSON.stringify({ defaultColumns: ['PX'], types: { CLO: { columns: ['PX', 'BID'] } } }),
    );
    const set = await cli(cwd, ['clo', 'set', 'clo.json', '--json']);
    expect(JSON.parse(set.stdout)).toMatchObject({
      version: 2,
      defaultColumns: ['PX'],
      types: { CLO: { columns: ['PX', 'BID'] } },
    });
    expect((await cli(cwd, ['clo', 'reset'])).stdout).toMatch(/^v3 {2}without a CLO: every column/);
  });

  it('users edit sets and clears a user’s CLO', async () => {
    const cwd = await workspace();
    await cli(cwd, ['init']);
    expect(
      (
        await cli(cwd, [
          'users',
          'add',
          'ann@desk.example',
          '--name',
          'Ann',
          '--role',
          'user',
          '--no-password',
        ])
      ).code,
    ).toBe(0);
    expect(
      (await cli(cwd, ['users', 'edit', 'ann@desk.example', '--clo', 'CLO_MEZZ'])).stdout,
    ).toContain('CLO CLO_MEZZ');
    expect(
      (await cli(cwd, ['users', 'edit', 'ann@desk.example', '--clo', ''])).stdout,
    ).not.toContain('CLO ');
  });
});
