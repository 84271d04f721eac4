// Jobs with their own source and rules subset, unique names, warnings when a job would have
// nothing to process, and times a desk reads: in the job's zone with the offset, durations in
// words; UTC ISO instants in --json.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { colorsToTable, generateColors } from '@market-pulse/core/sample';
import { describe, expect, it } from 'vitest';
import { cli, useWorkspaces } from './helpers.js';

const workspace = useWorkspaces('mp-jobsdesk-');

async function colors(cwd: string, file: string, rows: number, seed: number) {
  const t = colorsToTable(generateColors({ rows, seed, businessDate: '2026-11-20' }));
  await writeFile(
    join(cwd, file),
    [t.header.join(','), ...t.rows.map((r) => r.map((c) => String(c ?? '')).join(','))].join('\n'),
  );
}

async function deskFolder() {
  const cwd = await workspace();
  expect((await cli(cwd, ['init'])).code).toBe(0);
  await colors(cwd, 'close.csv', 120, 41);
  await colors(cwd, 'other.csv', 70, 42);
  await writeFile(
    join(cwd, 'rules.json'),
    JSON.stringify([
      { name: 'No DZ Bank', when: { field: 'SOURCE', op: 'eq', value: 'DZ Bank' } },
      { name: 'No bids', when: { field: 'BIAS', op: 'eq', value: 'BID' } },
    ]),
  );
  expect((await cli(cwd, ['rules', 'import', 'rules.json'])).code).toBe(0);
  return cwd;
}

describe('a job with its own source and rules', () => {
  it('add --source --rules; run-now reads that source and applies only those rules; --source overrides', async () => {
    const cwd = await deskFolder();
    const add = await cli(cwd, [
      'jobs',
      'add',
      '--name',
      'close',
      '--at',
      '18:30',
      '--days',
      'MON-FRI',
      '--tz',
      'America/New_York',
      '--source',
      'close.csv',
      '--rules',
      'no dz bank',
      '--json',
    ]);
    expect(add.code).toBe(0);
    expect(add.stderr).toBe(''); // nothing to warn about
    const job = JSON.parse(add.stdout);
    const rules = JSON.parse((await cli(cwd, ['rules', 'list', '--json'])).stdout) as {
      id: string;
      name: string;
    }[];
    const dz = rules.find((r) => r.name === 'No DZ Bank')?.id;
    expect(job).toMatchObject({
      source: { kind: 'file', path: join(cwd, 'close.csv') },
      rules: [dz],
    });
    expect((await cli(cwd, ['jobs', 'list'])).stdout).toMatch(
      new RegExp(`source: ${join(cwd, 'close.csv')}; rules: "No DZ Bank"`),
    );

    // No MP_SOURCE anywhere: the job's file is what the run reads.
    const now = await cli(cwd, ['jobs', 'run-now', '1', '--json']);
    expect(now.code, now.stderr).toBe(0);
    const run = JSON.parse(now.stdout);
    expect(run).toMatchObject({ trigger: 'override', jobId: '1', counts: { input: 120 } });
    expect(Object.keys(run.counts.excludedByRule)).toEqual([dz]);
    const other = JSON.parse(
      (await cli(cwd, ['jobs', 'run-now', '1', '--source', 'other.csv', '--json'])).stdout,
    );
    expect(other.counts.input).toBe(70);

    // Back to the configured source and every active rule.
    const edit = await cli(cwd, ['jobs', 'edit', '1', '--no-source', '--all-rules', '--json'], {
      MP_SOURCE: join(cwd, 'other.csv'),
    });
    expect(edit.code).toBe(0);
    expect(JSON.parse(edit.stdout)).not.toHaveProperty('source');
    const all = JSON.parse(
      (await cli(cwd, ['jobs', 'run-now', '1', '--json'], { MP_SOURCE: join(cwd, 'other.csv') }))
        .stdout,
    );
    expect(Object.keys(all.counts.excludedByRule).sort()).toEqual(rules.map((r) => r.id).sort());
  });

  it('warns when a job would have nothing to process, or not what was meant', async () => {
    const cwd = await deskFolder();
    const bare = await cli(cwd, ['jobs', 'add', '--name', 'bare', '--cron', '0 9 * * *']);
    expect(bare.code).toBe(0);
    expect(bare.stderr).toMatch(
      /warning: job 1 has no source \(--source FILE\) and MP_SOURCE is not set: its fires process pending uploads only, and fail when there are none/,
    );
    expect(
      (
        await cli(cwd, ['jobs', 'add', '--name', 'env', '--cron', '0 9 * * *'], {
          MP_SOURCE: 'close.csv',
        })
      ).stderr,
    ).toBe('');
    const missing = await cli(cwd, [
      'jobs',
      'add',
      '--name',
      'later',
      '--cron',
      '0 9 * * *',
      '--source',
      'tomorrow.csv',
    ]);
    expect(missing.code).toBe(0);
    expect(missing.stderr).toMatch(
      /warning: cannot read \/.*\/tomorrow\.csv: no such file now: job 3's fires fail until it can be read/,
    );
    const rules = JSON.parse((await cli(cwd, ['rules', 'list', '--json'])).stdout) as {
      id: string;
      name: string;
    }[];
    expect((await cli(cwd, ['rules', 'toggle', rules[1]?.id as string])).code).toBe(0);
    const inactive = await cli(cwd, [
      'jobs',
      'edit',
      '3',
      '--source',
      'close.csv',
      '--rules',
      'No bids',
    ]);
    expect(inactive.stderr).toMatch(
      /warning: rule "No bids" is inactive: job 3 applies it only while it is active/,
    );
  });

  it('refuses a duplicate name (any case) and unknown rules, naming them (exit 3)', async () => {
    const cwd = await deskFolder();
    expect(
      (await cli(cwd, ['jobs', 'add', '--name', 'close', '--at', '18:30', '--source', 'close.csv']))
        .code,
    ).toBe(0);
    const dup = await cli(cwd, [
      'jobs',
      'add',
      '--name',
      'Close',
      '--at',
      '19:00',
      '--source',
      'close.csv',
    ]);
    expect({ code: dup.code, stderr: dup.stderr }).toEqual({
      code: 3,
      stderr: expect.stringMatching(
        /the name "Close" is used by job 1 \("close"\) \(names are case-insensitive\)/,
      ),
    });
    expect(JSON.parse((await cli(cwd, ['jobs', 'list', '--json'])).stdout)).toHaveLength(1);
    const rule = await cli(cwd, [
      'jobs',
      'add',
      '--name',
      'x',
      '--at',
      '19:00',
      '--rules',
      'No DZ Bank,Nope',
    ]);
    expect(rule.code).toBe(3);
    expect(rule.stderr).toMatch(/no rule is named "Nope"/);
  });
});

describe('times a desk reads', () => {
  it('jobs next, list, fires and calendar print in the job zone with the offset; --json keeps UTC ISO', async () => {
    const cwd = await deskFolder();
    await cli(cwd, [
      'jobs',
      'add',
      '--name',
      'close',
      '--at',
      '18:30',
      '--days',
      'MON-FRI',
      '--tz',
      'America/New_York',
      '--source',
      'close.csv',
    ]);
    const next = await cli(cwd, [
      'jobs',
      'next',
      '1',
      '--from',
      '2026-11-06T00:00:00Z',
      '--count',
      '2',
    ]);
    expect(next.stdout).toBe(
      [
        'next fires in America/New_York:',
        '  Fri 2026-11-06 18:30 -05:00  (2026-11-06T23:30:00.000Z)',
        '  Mon 2026-11-09 18:30 -05:00  (2026-11-09T23:30:00.000Z)',
        '',
      ].join('\n'),
    );
    // Before the change of offset: the same desk time, another offset.
    expect(
      (await cli(cwd, ['jobs', 'next', '1', '--from', '2026-10-30T00:00:00Z', '--count', '1']))
        .stdout,
    ).toMatch(/Fri 2026-10-30 18:30 -04:00/);
    expect(
      JSON.parse(
        (
          await cli(cwd, [
            'jobs',
            'next',
            '1',
            '--from',
            '2026-11-06T00:00:00Z',
            '--count',
            '1',
            '--json',
          ])
        ).stdout,
      ),
    ).toEqual({
      fires: ['2026-11-06T23:30:00.000Z'],
    });
    const list = (await cli(cwd, ['jobs', 'list'])).stdout;
    expect(list).toMatch(
      /next: (Mon|Tue|Wed|Thu|Fri) \d{4}-\d\d-\d\d 18:30 -0[45]:00, in (\d+ d )?(\d+ h )?(\d+ min|less than a minute)/,
    );
    expect(JSON.parse((await cli(cwd, ['jobs', 'list', '--json'])).stdout)[0].next).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z$/,
    );
    const calendar = await cli(cwd, [
      'jobs',
      'calendar',
      '--from',
      '2030-01-04',
      '--to',
      '2030-01-05',
    ]);
    expect(calendar.stdout).toBe('Fri 2030-01-04 18:30 -05:00  job 1  planned\n');
  });

  it('status says when the next run is in the job zone and in words, not seconds', async () => {
    const cwd = await deskFolder();
    await cli(cwd, [
      'jobs',
      'add',
      '--name',
      'close',
      '--at',
      '18:30',
      '--tz',
      'America/New_York',
      '--source',
      'close.csv',
    ]);
    const status = await cli(cwd, ['status']);
    expect(status.stdout).toMatch(
      /next run: job 1 \(close\) at (Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{4}-\d\d-\d\d 18:30 -0[45]:00 \(America\/New_York\), in (\d+ h )?(\d+ min|less than a minute)/,
    );
    expect(status.stdout).not.toMatch(/in \d+ s\b/);
    const json = JSON.parse((await cli(cwd, ['status', '--json'])).stdout);
    expect(json.schedule.nextRun).toMatchObject({
      at: expect.stringMatching(/Z$/),
      secondsToGo: expect.any(Number),
      timezone: 'America/New_York',
    });
  });
});
