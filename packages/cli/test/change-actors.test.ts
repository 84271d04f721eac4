import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.js';
import type { CliIO } from '../src/io.js';
import { cli, useWorkspaces } from './helpers.js';

const workspace = useWorkspaces('mp-change-actors-');

/** The CLI as the OS user `ann` runs it (bin.ts sets `operator` from the process). */
async function asAnn(cwd: string, args: string[]) {
  let stdout = '';
  const io: CliIO = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: () => undefined,
    env: { TZ: process.env.TZ, MP_BUSINESS_TZ: 'America/New_York' },
    cwd,
    stderrIsTTY: false,
    operator: 'cli:ann',
  };
  const code = await runCli(args, io);
  return { code, stdout };
}

describe('CLI changes are recorded as cli:<os user>', () => {
  it('rules, jobs, schedule settings and runs name the operator; list and show output say so', async () => {
    const cwd = await workspace();
    expect((await cli(cwd, ['init'])).code).toBe(0);
    await writeFile(
      join(cwd, 'rule.json'),
      JSON.stringify({
        name: 'No DZ',
        when: { field: 'SOURCE', op: 'equal_to', value: 'DZ BANK' },
        createdBy: 'mallory',
      }),
    );
    const rule = await asAnn(cwd, ['rules', 'add', 'rule.json', '--json']);
    expect(rule.code).toBe(0);
    expect(JSON.parse(rule.stdout)).toMatchObject({ createdBy: 'cli:ann', updatedBy: 'cli:ann' });
    expect((await asAnn(cwd, ['rules', 'list'])).stdout).toContain('(changed by cli:ann)');

    const job = await asAnn(cwd, ['jobs', 'add', '--name', 'Close', '--at', '18:30', '--json']);
    expect(job.code).toBe(0);
    const { id } = JSON.parse(job.stdout) as { id: string };
    expect(JSON.parse(job.stdout)).toMatchObject({ createdBy: 'cli:ann', updatedBy: 'cli:ann' });
    expect((await asAnn(cwd, ['jobs', 'toggle', id, '--json'])).stdout).toContain(
      '"updatedBy": "cli:ann"',
    );
    expect((await asAnn(cwd, ['jobs', 'list'])).stdout).toContain('changed by cli:ann');

    const settings = await asAnn(cwd, ['jobs', 'settings', '--overlap', 'queue', '--json']);
    expect(JSON.parse(settings.stdout)).toMatchObject({ overlap: 'queue', updatedBy: 'cli:ann' });
  });
});
