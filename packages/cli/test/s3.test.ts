// The CLI on an S3 store (MP_STORE=s3://…) against a real S3 server started here on 127.0.0.1
// (Ceph RGW): runs, uploads and exports land in the bucket; nothing is written to a data folder.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { colorsToTable, generateColors } from '@market-pulse/core/sample';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RgwServer, startRgw } from '../../storage-s3/test/rgw-server.js';
import { bucketKeys } from '../../storage-s3/test/s3-clients.js';
import { cli, snapshot, useWorkspaces } from './helpers.js';

const workspace = useWorkspaces('mp-cli-s3-');
let rgw: RgwServer;

beforeAll(async () => {
  rgw = await startRgw();
  // The standard AWS credential chain reads these.
  vi.stubEnv('AWS_ACCESS_KEY_ID', rgw.credentials.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', rgw.credentials.secretAccessKey);
  vi.stubEnv('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'true');
}, 180_000);
afterAll(async () => {
  vi.unstubAllEnvs();
  await rgw?.stop();
}, 60_000);

function csvOf(rows: number, seed: number): string {
  const table = colorsToTable(generateColors({ rows, seed, businessDate: '2026-11-20' }));
  return [
    table.header.join(','),
    ...table.rows.map((r) =>
      r
        .map((c) => String(c ?? ''))
        .map((c) => (/[",\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c))
        .join(','),
    ),
  ].join('\n');
}

describe('market-pulse on S3 (MP_STORE=s3://bucket/prefix)', () => {
  it('adds an upload, runs, writes the exports into the bucket and reports the store', async () => {
    const cwd = await workspace();
    const bucket = await rgw.createBucket();
    const env = {
      MP_STORE: `s3://${bucket}/desk`,
      MP_S3_ENDPOINT: rgw.endpoint,
      MP_S3_FORCE_PATH_STYLE: 'true',
      MP_SECTOR_EXPORT_FORMATS: 'xlsx,csv',
    };
    await writeFile(join(cwd, 'upload.csv'), csvOf(30, 2));
    await writeFile(join(cwd, 'colors.csv'), csvOf(120, 3));
    const added = await cli(cwd, ['buffer', 'add', 'upload.csv'], env);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const listed = await cli(cwd, ['buffer', 'list', '--json'], env);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toHaveLength(1);
    const run = await cli(cwd, ['run', '--source', 'colors.csv', '--json'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { exports: string[] };
    expect(report.exports).toContain(`s3://${bucket}/Processed_Colors_Output.xlsx`);

    // The exports are at the top of the bucket (SPEC §12), whatever the store's prefix.
    const keys = await bucketKeys(rgw, bucket);
    expect(keys).toContain('Processed_Colors_Output.xlsx');
    const sectorFiles = keys.filter((k) => k.startsWith('processed_colors/'));
    expect(sectorFiles.length).toBeGreaterThan(1);
    for (const key of sectorFiles)
      expect(key).toMatch(/^processed_colors\/([^/]+)\/Processed_Colors_\1\.(csv|xlsx)$/);
    expect(keys.some((k) => /^desk\/runs\//.test(k))).toBe(true);
    // The self-test's probe is gone; only exports are outside the prefix; no data folder was made.
    const exported = (k: string) =>
      k.startsWith('processed_colors/') ||
      k === 'Processed_Colors_Output.xlsx' ||
      k === '.market-pulse-exports.json';
    expect(
      keys.filter((k) => !(k.startsWith('desk/') || exported(k)) || k.includes('_selftest')),
    ).toEqual([]);
    expect(await snapshot(join(cwd, 'market-pulse-data'))).toEqual([]);

    const afterRun = await cli(cwd, ['buffer', 'list', '--json'], env);
    const uploads = JSON.parse(afterRun.stdout) as { status: { state: string; runId?: number } }[];
    expect(uploads.map((u) => u.status.state)).toEqual(['consumed']); // by the run
    const status = await cli(cwd, ['status'], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(
      `store: s3://${bucket}/desk (exports in s3://${bucket}); conditional writes: honoured`,
    );
  });

  it('refuses a bucket that does not exist, saying what to fix', async () => {
    const cwd = await workspace();
    const result = await cli(cwd, ['status'], {
      MP_STORE: 's3://no-such-bucket-here/desk',
      MP_S3_ENDPOINT: rgw.endpoint,
      MP_S3_FORCE_PATH_STYLE: 'true',
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(
      /the bucket no-such-bucket-here does not exist: create it, or fix MP_STORE/,
    );
  });
});
