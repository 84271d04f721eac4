// A color source that is an object in a bucket (`--source s3://bucket/key.xlsx|csv`, MP_SOURCE,
// a job's source under MP_JOB_S3_SOURCES), read by ranges from a real S3 server (Ceph RGW).
import { colorsToTable, generateColors } from '@market-pulse/core/sample';
import ExcelJS from 'exceljs';
import { describe, expect, it, vi } from 'vitest';
import { putObject } from '../../storage-s3/test/s3-clients.js';
import { cli, useWorkspaces } from './helpers.js';
import { s3Env, useRgw } from './s3-fixture.js';

const rgw = useRgw();
const workspace = useWorkspaces('mp-cli-s3-source-');

const table = (rows: number, seed: number) =>
  colorsToTable(generateColors({ rows, seed, businessDate: '2026-11-20' }));

function csvOf(rows: number, seed: number): string {
  const t = table(rows, seed);
  return [t.header, ...t.rows]
    .map((r) =>
      r
        .map((c) => String(c ?? ''))
        .map((c) => (/[",\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c))
        .join(','),
    )
    .join('\n');
}

async function xlsxOf(rows: number, seed: number): Promise<Uint8Array> {
  const t = table(rows, seed);
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Colors');
  ws.addRow(t.header);
  for (const row of t.rows) ws.addRow(row as unknown[]);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

const put = (bucket: string, key: string, body: string | Uint8Array) =>
  putObject(rgw(), bucket, key, body);

describe('a color source in a bucket (s3://bucket/key)', () => {
  it('runs from a CSV and an xlsx object, and names what is wrong with a missing one, a wrong extension or refused access', async () => {
    const cwd = await workspace();
    const bucket = await rgw().createBucket();
    const env = s3Env(rgw(), bucket);
    await put(bucket, 'feeds/colors.csv', csvOf(80, 4));
    await put(bucket, 'feeds/colors.xlsx', await xlsxOf(60, 5));
    await put(bucket, 'feeds/colors.txt', 'not a spreadsheet');

    const fromCsv = await cli(
      cwd,
      ['run', '--source', `s3://${bucket}/feeds/colors.csv`, '--json'],
      env,
    );
    expect(fromCsv.stderr).toBe('');
    expect(fromCsv.code).toBe(0);
    expect(JSON.parse(fromCsv.stdout).counts.inputByOrigin).toEqual({ source: 80 });

    const fromXlsx = await cli(
      cwd,
      ['run', '--source', `s3://${bucket}/feeds/colors.xlsx`, '--json'],
      env,
    );
    expect(fromXlsx.stderr).toBe('');
    expect(fromXlsx.code).toBe(0);
    expect(JSON.parse(fromXlsx.stdout).counts.inputByOrigin).toEqual({ source: 60 });

    const missing = await cli(cwd, ['run', '--source', `s3://${bucket}/feeds/none.csv`], env);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain(`cannot read s3://${bucket}/feeds/none.csv: no such object`);

    const wrong = await cli(cwd, ['run', '--source', `s3://${bucket}/feeds/colors.txt`], env);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('only .xlsx workbooks and .csv files are read');

    const noBucket = await cli(cwd, ['run', '--source', 's3://no-such-feed-bucket/c.csv'], env);
    expect(noBucket.stderr).toContain('the bucket no-such-feed-bucket does not exist');

    // Credentials the server does not accept: the message says what to check. The store itself
    // is opened with them too, so the source alone is read with them through MP_SOURCE here.
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'not-the-secret');
    try {
      const denied = await cli(cwd, ['run', '--source', `s3://${bucket}/feeds/colors.csv`], {
        MP_S3_ENDPOINT: rgw().endpoint,
        MP_S3_FORCE_PATH_STYLE: 'true',
      });
      expect(denied.code).not.toBe(0);
      expect(denied.stderr).toContain(
        `cannot read s3://${bucket}/feeds/colors.csv: permission denied`,
      );
    } finally {
      vi.stubEnv('AWS_SECRET_ACCESS_KEY', rgw().credentials.secretAccessKey);
    }
  });

  it("lets a job's source name an object only under MP_JOB_S3_SOURCES", async () => {
    const cwd = await workspace();
    const bucket = await rgw().createBucket();
    await put(bucket, 'feeds/colors.csv', csvOf(40, 6));
    const url = `s3://${bucket}/feeds/colors.csv`;
    const closed = s3Env(rgw(), bucket);
    const added = await cli(
      cwd,
      ['jobs', 'add', '--name', 'close', '--cron', '0 18 * * 1-5', '--source', url, '--json'],
      closed,
    );
    expect(added.code).toBe(0);
    const { id } = JSON.parse(added.stdout) as { id: string };
    expect(added.stderr).toContain(
      'no S3 prefix is allowed for job sources: set MP_JOB_S3_SOURCES',
    );
    const refused = await cli(cwd, ['jobs', 'run-now', id], closed);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`a job's source ${url} is an S3 object`);

    const open = { ...closed, MP_JOB_S3_SOURCES: `s3://${bucket}/feeds/` };
    const ran = await cli(cwd, ['jobs', 'run-now', id, '--json'], open);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
  });
});
