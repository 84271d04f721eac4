// A reader that closes the pipe early (`market-pulse runs rows 1 | head -1`) is a normal end of
// the output: no EPIPE stack trace, exit 0 (issue 10, item 12).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { colorsToTable, generateColors } from '@market-pulse/core/sample';
import { describe, expect, it } from 'vitest';
import { cli, useWorkspaces } from './helpers.js';
import { start, stopChildren } from './processes.js';

const workspace = useWorkspaces('mp-epipe-', stopChildren);

describe('stdout closed by its reader', () => {
  it('runs rows 1 | head -1: the first row arrives, then a quiet exit 0', async () => {
    const cwd = await workspace();
    const table = colorsToTable(
      generateColors({ rows: 3000, seed: 8, businessDate: '2026-11-20' }),
    );
    await writeFile(
      join(cwd, 'colors.csv'),
      [
        table.header.join(','),
        ...table.rows.map((r) => r.map((c) => String(c ?? '')).join(',')),
      ].join('\n'),
    );
    const env = { MP_DATA_DIR: join(cwd, 'market-pulse-data') };
    expect((await cli(cwd, ['run', '--source', 'colors.csv'], env)).code).toBe(0);
    const rows = start(cwd, ['runs', 'rows', '1']);
    // Like `head -1`: read until the first line, then close the pipe. Three thousand rows are
    // far more than a pipe buffer, so the process is still writing when it closes.
    const first = await new Promise<string>((resolve) => {
      let text = '';
      rows.child.stdout?.on('data', (chunk) => {
        text += chunk;
        if (text.includes('\n')) resolve(text.slice(0, text.indexOf('\n')));
      });
    });
    rows.child.stdout?.destroy();
    const finished = await rows.done;
    expect(JSON.parse(first)).toMatchObject({ RUN_ID: 1 });
    expect({ code: finished.code, stderr: finished.stderr }).toEqual({ code: 0, stderr: '' });
  }, 120_000);
});
