// A server that ignores conditional writes (every npm S3 emulator does): simulated by a client
// that drops If-None-Match and If-Match before signing, against the real RGW. `serve` must not
// start its scheduler and `run` must not run — with a message that says why — and nothing lands.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { colorsToTable, generateColors } from '@market-pulse/core/sample';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RgwServer, startRgw } from '../../storage-s3/test/rgw-server.js';
import { bucketKeys, conditionIgnoringClient } from '../../storage-s3/test/s3-clients.js';
import { cli, useWorkspaces } from './helpers.js';

let rgw: RgwServer;

vi.mock('@market-pulse/storage-s3', async (importOriginal) => {
  const real = await importOriginal<typeof import('@market-pulse/storage-s3')>();
  return {
    ...real,
    createS3Store: (options: Parameters<typeof real.createS3Store>[0]) =>
      real.createS3Store({ ...options, client: conditionIgnoringClient(rgw) }),
  };
});

const workspace = useWorkspaces('mp-cli-s3-ignoring-');

beforeAll(async () => {
  rgw = await startRgw();
  vi.stubEnv('AWS_ACCESS_KEY_ID', rgw.credentials.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', rgw.credentials.secretAccessKey);
}, 180_000);
afterAll(async () => {
  vi.unstubAllEnvs();
  await rgw?.stop();
}, 60_000);

describe('an S3 server that ignores conditional writes', () => {
  it('is refused by serve and run, with the reason; status reports it', async () => {
    const cwd = await workspace();
    const bucket = await rgw.createBucket();
    const env = {
      MP_STORE: `s3://${bucket}/desk`,
      MP_S3_ENDPOINT: rgw.endpoint,
      MP_S3_FORCE_PATH_STYLE: 'true',
    };
    const table = colorsToTable(generateColors({ rows: 20, seed: 1, businessDate: '2026-11-20' }));
    await writeFile(
      join(cwd, 'colors.csv'),
      [table.header, ...table.rows].map((r) => r.map((c) => String(c ?? '')).join(',')).join('\n'),
    );
    const why =
      /the S3 server of s3:\/\/.*\/desk ignores conditional writes \(it accepted a create \(If-None-Match: \*\) over an existing object; it accepted a write with a stale If-Match\): runs and schedules there would have no locks/;
    for (const args of [['serve'], ['run', '--source', 'colors.csv']]) {
      const result = await cli(cwd, args, env);
      expect(result.code, args.join(' ')).not.toBe(0);
      expect(result.stderr).toMatch(why);
    }
    const status = await cli(cwd, ['status'], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/conditional writes: IGNORED by the server/);
    expect(await bucketKeys(rgw, bucket)).toEqual([]);
  });
});
