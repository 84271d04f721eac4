// Issue 10 items 7 and 10 at the command line: damaged files in a data folder are named, the rest
// is listed, and a damaged view is rebuilt from the committed runs.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { colorsToTable, generateColors } from '@market-pulse/core/sample';
import { describe, expect, it } from 'vitest';
import { cli, useWorkspaces } from './helpers.js';

const workspace = useWorkspaces('mp-cli-damaged-');

function csvOf(rows: number, seed: number): string {
  const table = colorsToTable(generateColors({ rows, seed, businessDate: '2026-11-20' }));
  return [table.header.join(','), ...table.rows.map((r) => r.map((c) => c ?? '').join(','))].join(
    '\n',
  );
}

/** Truncates the current version file of a store key, as a crash or a bad disk would. */
async function truncateKey(cwd: string, ...segments: string[]): Promise<void> {
  const dir = join(cwd, 'market-pulse-data', 'store', 'objects', ...segments);
  const versions = (await readdir(dir)).sort();
  const file = join(dir, versions.at(-1) as string);
  const bytes = await readFile(file);
  await writeFile(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
}

describe('a data folder with damaged files', () => {
  it('runs list, buffer list and status name what they cannot read and show the rest', async () => {
    const cwd = await workspace();
    await writeFile(join(cwd, 'a.csv'), csvOf(30, 1));
    await writeFile(join(cwd, 'b.csv'), csvOf(30, 2));
    await writeFile(join(cwd, 'c.csv'), csvOf(30, 3));
    expect((await cli(cwd, ['init'])).code).toBe(0);
    expect((await cli(cwd, ['run', '--source', 'a.csv'])).code).toBe(0);
    expect((await cli(cwd, ['run', '--source', 'b.csv'])).code).toBe(0);
    const added = await cli(cwd, ['buffer', 'add', 'c.csv', '--json']);
    const uploadId = JSON.parse(added.stdout).id as string;
    await truncateKey(cwd, 'runs', '0000000001', 'commit.json~');
    await truncateKey(
      cwd,
      'uploads',
      uploadId.replace(/[A-Z]/g, (c) => `+${c.toLowerCase()}`),
      'upload.json~',
    );

    const runs = await cli(cwd, ['runs', 'list']);
    expect(runs.code, runs.stderr).toBe(0);
    expect(runs.stdout).toMatch(/^2 {2}success/m);
    expect(runs.stdout).toMatch(
      /^1 {2}unreadable: runs\/0000000001\/commit\.json: its checksum \(MD5\) does not match/m,
    );
    const buffer = await cli(cwd, ['buffer', 'list']);
    expect(buffer.code, buffer.stderr).toBe(0);
    expect(buffer.stdout).toContain(`${uploadId}  unreadable: uploads/${uploadId}/upload.json`);
    const status = await cli(cwd, ['status']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(
      /last runs: 2 success, 1 unreadable \(runs\/0000000001\/commit\.json\)/,
    );
    expect(status.stdout).toContain(`unreadable upload: ${uploadId}`);
    // The upload may be pending: a run names it rather than go without it; cancelling it lets runs go on.
    const blocked = await cli(cwd, ['run', '--source', 'a.csv']);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain(`stored object uploads/${uploadId}/upload.json is damaged`);
    expect((await cli(cwd, ['buffer', 'cancel', uploadId])).code).toBe(0);
  });

  it('a truncated view index: search and export still answer from the committed runs, status says the view is damaged, export writes it anew', async () => {
    const cwd = await workspace();
    await writeFile(join(cwd, 'a.csv'), csvOf(40, 4));
    expect((await cli(cwd, ['init'])).code).toBe(0);
    expect((await cli(cwd, ['run', '--source', 'a.csv'])).code).toBe(0);
    const cusip = generateColors({ rows: 40, seed: 4, businessDate: '2026-11-20' })[0]?.CUSIP;
    const before = await cli(cwd, ['search', cusip as string, '--json']);
    await truncateKey(cwd, 'views', 'current', 'v00000001', 'index.jsonl.zlib~');

    const search = await cli(cwd, ['search', cusip as string, '--json']);
    expect(search.code, search.stderr).toBe(0);
    expect(JSON.parse(search.stdout)).toEqual(JSON.parse(before.stdout));
    const status = await cli(cwd, ['status']);
    expect(status.stdout).toMatch(
      /current view: DAMAGED \(views\/current\/v00000001\/index\.jsonl\.zlib: /,
    );
    expect(status.stdout).not.toMatch(/exports: up to date/);
    const exported = await cli(cwd, ['export']);
    expect(exported.code, exported.stderr).toBe(0);
    const after = await cli(cwd, ['status']);
    expect(after.stdout).toMatch(/current view: \d+ rows, version 2/);
    expect(after.stdout).toMatch(/exports: up to date \(view version 2\)/);
  });
});
