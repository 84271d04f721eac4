// The README's exit-code table is the code's: generated from EXIT_SITUATIONS and the mapping of
// core's error codes, and checked here against the README and a few real refusals.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ErrorCode, MarketPulseError } from '@market-pulse/core';
import { describe, expect, it } from 'vitest';
import {
  EXIT,
  EXIT_OF_ERROR,
  EXIT_SITUATIONS,
  exitCodeOf,
  exitCodeTable,
} from '../src/exit-codes.js';
import { cli, useWorkspaces } from './helpers.js';

const workspace = useWorkspaces('mp-exit-');
const README = new URL('../README.md', import.meta.url);

describe('exit codes', () => {
  it('the README holds the table generated from the code', async () => {
    const readme = await readFile(README, 'utf8');
    expect(readme).toContain(exitCodeTable());
  });

  it('every documented code is one of EXIT, every core error code maps to a documented one', () => {
    expect(EXIT_SITUATIONS.map((e) => e.code)).toEqual(Object.values(EXIT));
    for (const [code, exit] of Object.entries(EXIT_OF_ERROR)) {
      expect(exitCodeOf(new MarketPulseError(code as ErrorCode, 'x'))).toBe(exit);
      expect(Object.values(EXIT)).toContain(exit);
    }
    const busy = new MarketPulseError('CONFLICT', 'x', { details: { reason: 'pipeline-busy' } });
    expect(exitCodeOf(busy)).toBe(EXIT.busy);
    expect(exitCodeOf(new Error('bug'))).toBe(EXIT.failure);
  });

  it('real refusals end with the codes the table gives them', async () => {
    const cwd = await workspace();
    await writeFile(
      join(cwd, 'rule.json'),
      '{"name": "x", "when": {"field": "SORCE", "op": "eq", "value": 1}}',
    );
    expect((await cli(cwd, ['frobnicate'])).code).toBe(EXIT.usage);
    expect((await cli(cwd, ['runs', 'list'])).code).toBe(EXIT.failure); // no data folder
    expect((await cli(cwd, ['init'])).code).toBe(EXIT.ok);
    expect((await cli(cwd, ['rules', 'add', 'rule.json'])).code).toBe(EXIT.invalidInput);
    expect((await cli(cwd, ['rules', 'add', 'missing.json'])).code).toBe(EXIT.invalidInput);
    expect((await cli(cwd, ['export', '--run', '1'])).code).toBe(EXIT.usage);
  });
});
