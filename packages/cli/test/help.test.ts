// Help that is complete (SPEC §14): every command, argument and option a person can type has a
// description in `--help`, and top-level help names the common options.
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/cli.js';
import { cli, useWorkspaces } from './helpers.js';

const workspace = useWorkspaces('mp-help-');

/** Every command under `command`, with its path (`jobs add`). */
function commandsOf(command: Command, path: string[] = []): [string, Command][] {
  return command.commands.flatMap((c) => {
    const here = [...path, c.name()];
    return [[here.join(' '), c] as [string, Command], ...commandsOf(c, here)];
  });
}

describe('help', () => {
  const io = {
    stdout: () => undefined,
    stderr: () => undefined,
    env: {},
    cwd: '/',
    stderrIsTTY: false,
  };
  const program = buildProgram(io, () => undefined);
  const all = commandsOf(program);

  it('walks every command: each command, argument and option has a description', () => {
    expect(all.length).toBeGreaterThan(30);
    const missing: string[] = [];
    for (const [path, command] of [['market-pulse', program] as [string, Command], ...all]) {
      const help = command.createHelp();
      if (!command.description()) missing.push(`${path}: the command`);
      for (const option of help.visibleOptions(command))
        if (!option.description) missing.push(`${path}: ${option.flags}`);
      for (const argument of help.visibleArguments(command))
        if (!argument.description) missing.push(`${path}: <${argument.name()}>`);
    }
    expect(missing).toEqual([]);
  });

  it('describes --data-dir the same everywhere, and rules edit names --if-version', () => {
    const dataDir = new Set(
      all.flatMap(([, c]) =>
        c.options.filter((o) => o.long === '--data-dir').map((o) => o.description),
      ),
    );
    expect(dataDir.size).toBe(1);
    const edit = all.find(([path]) => path === 'rules edit')?.[1] as Command;
    expect(edit.description()).toMatch(/--if-version/);
    expect(edit.description()).not.toMatch(/--version/);
  });

  it('top-level help names the common options and the exit codes', async () => {
    const help = await cli(await workspace(), ['--help']);
    expect(help.code).toBe(0);
    for (const text of ['--data-dir <dir>', '--json', '--dry-run', 'Exit codes:', '2  usage'])
      expect(help.stdout).toContain(text);
  });

  it.each([['runs', 'excluded'], ['jobs', 'add'], ['export']])(
    '%s %s --help lists its options with descriptions',
    async (...args) => {
      const help = await cli(await workspace(), [...args.filter(Boolean), '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/--data-dir <dir> +the data folder/);
    },
  );
});
