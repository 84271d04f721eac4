// End to end on a local S3 server (Ceph RGW on 127.0.0.1, issue 14): `buffer add`, `run` from an
// object in the bucket, and a real `serve` process taking an upload and a run over HTTP — all on
// MP_STORE=s3://bucket/desk — and the standing exports at the top of the bucket, under
// processed_colors/, where downstream readers look. No data folder is written.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { colorsToTable, generateColors } from '@market-pulse/core/sample';
import { describe, expect, it } from 'vitest';
import { bucketKeys, putObject } from '../../storage-s3/test/s3-clients.js';
import { cli, snapshot, useWorkspaces } from './helpers.js';
import { start, stopChildren } from './processes.js';
import { s3Env, useRgw } from './s3-fixture.js';
import { adminAuthorization, adminEnv } from './serve-admin.js';

const rgw = useRgw();
const workspace = useWorkspaces('mp-s3-e2e-', stopChildren);

function csvOf(rows: number, seed: number): string {
  const table = colorsToTable(generateColors({ rows, seed, businessDate: '2026-11-20' }));
  return [table.header, ...table.rows]
    .map((r) =>
      r
        .map((c) => String(c ?? ''))
        .map((c) => (/[",\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c))
        .join(','),
    )
    .join('\n');
}

const SECTOR_FILE = /^processed_colors\/([^/]+)\/Processed_Colors_\1\.(csv|xlsx)$/;

describe('market-pulse on a local S3 server, end to end', () => {
  it('buffer add, run from an object and serve: the exports appear under processed_colors/ in the bucket', async () => {
    const cwd = await workspace();
    const bucket = await rgw().createBucket();
    const env = { ...s3Env(rgw(), bucket), MP_SECTOR_EXPORT_FORMATS: 'xlsx,csv' };
    const feed = `s3://${bucket}/feeds/colors.csv`;
    await putObject(rgw(), bucket, 'feeds/colors.csv', csvOf(120, 3));
    await writeFile(join(cwd, 'upload.csv'), csvOf(30, 2));

    expect((await cli(cwd, ['buffer', 'add', 'upload.csv'], env)).code).toBe(0);
    const run = await cli(cwd, ['run', '--source', feed, '--json'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(
      (JSON.parse(run.stdout) as { counts: { inputByOrigin: object } }).counts.inputByOrigin,
    ).toMatchObject({ source: 120 });
    const afterRun = await bucketKeys(rgw(), bucket);
    expect(afterRun).toContain('Processed_Colors_Output.xlsx');
    const sectors = afterRun.filter((k) => k.startsWith('processed_colors/'));
    expect(sectors.length).toBeGreaterThan(1);
    for (const key of sectors) expect(key).toMatch(SECTOR_FILE);

    // serve on the same bucket: an upload over HTTP, its original back from the store, a run.
    const serve = start(cwd, ['serve'], {
      ...s3Env(rgw(), bucket, 'desk', true),
      MP_SECTOR_EXPORT_FORMATS: 'xlsx,csv',
      MP_SOURCE: feed,
      MP_PORT: '0',
      ...(await adminEnv(cwd)),
    });
    await serve.stderrIncludes('serving: scheduler started');
    const url = /"url":"(http:\/\/[^"]+)"/.exec(serve.stderr())?.[1] as string;
    const headers = await adminAuthorization(url);
    const upload = csvOf(25, 8);
    const form = new FormData();
    form.append('file', new File([upload], 'late.csv', { type: 'text/csv' }));
    const added = await fetch(`${url}api/uploads`, { method: 'POST', body: form, headers });
    expect(added.status).toBe(201);
    const { id } = (await added.json()) as { id: string };
    expect(await (await fetch(`${url}api/uploads/${id}/original`, { headers })).text()).toBe(
      upload,
    );
    const runNow = await fetch(`${url}api/runs`, { method: 'POST', headers });
    expect(runNow.status).toBe(201);
    const { record } = (await runNow.json()) as {
      record: { status: string; counts: { inputByOrigin: Record<string, number> } };
    };
    expect(record.status).toBe('success');
    expect(record.counts.inputByOrigin).toEqual({ source: 120, [`upload:${id}`]: 25 });
    serve.child.kill('SIGTERM');
    expect((await serve.done).code).toBe(0);

    const keys = await bucketKeys(rgw(), bucket);
    expect(keys.filter((k) => k.startsWith('processed_colors/')).sort()).toEqual(sectors.sort());
    expect(keys.some((k) => k.startsWith('desk/exports/'))).toBe(false);
    expect(keys.some((k) => k.startsWith(`desk/uploads/${id}/original`))).toBe(true);
    expect(await snapshot(join(cwd, 'market-pulse-data'))).toEqual([]);
  }, 240_000);
});
