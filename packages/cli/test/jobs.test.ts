import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, snapshot, useWorkspaces } from './helpers.js';

const workspace = useWorkspaces('mp-jobs-');

describe('market-pulse jobs next', () => {
  it('--cron prints the next fires strictly after --from as JSON, needing no data folder and creating none', async () => {
    const cwd = await workspace();
    const r = await cli(cwd, [
      'jobs',
      'next',
      '--cron',
      '30 1 * * *',
      '--tz',
      'America/New_York',
      '--from',
      '2026-10-31T05:30:00Z',
      '--count',
      '3',
      '--json',
    ]);
    expect(r.code).toBe(0);
    // 1 Nov 2026: 01:30 occurs twice in New York; it fires once, at its first occurrence.
    expect(JSON.parse(r.stdout)).toEqual({
      fires: ['2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z', '2026-11-03T06:30:00.000Z'],
    });
    expect(await snapshot(cwd)).toEqual([]);
  });

  it.each([
    [['jobs', 'next', '--cron', '0 0 30 2 *', '--tz', 'UTC'], 3, /can never fire/],
    [['jobs', 'next', '--cron', '0 0 * * *', '--tz', 'Nowhere/Land'], 3, /unknown time zone/],
    [
      ['jobs', 'next', '--cron', '0 0 * * *', '--tz', 'UTC', '--from', 'yesterday'],
      3,
      /--from must be an ISO instant/,
    ],
    [
      ['jobs', 'next', '--cron', '0 0 * * *', '--tz', 'UTC', '--count', '0'],
      3,
      /--count must be a whole number/,
    ],
    // A missing required option is a usage error (exit 2), like every other.
    [['jobs', 'next'], 2, /give a job id or --cron/],
  ])('refuses %j with exit %i and a reason', async (args, code, message) => {
    const cwd = await workspace();
    const r = await cli(cwd, args);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(await snapshot(cwd)).toEqual([]);
  });
});

describe('market-pulse jobs', () => {
  it('add (desk form or cron), edit an inactive job, toggle, stale versions refused, rm', async () => {
    const cwd = await workspace();
    expect((await cli(cwd, ['init'])).code).toBe(0);
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
      'Europe/London',
      '--inactive',
      '--json',
    ]);
    expect(add.code).toBe(0);
    expect(JSON.parse(add.stdout)).toMatchObject({
      id: '1',
      cron: '30 18 * * MON-FRI',
      active: false,
      version: 1,
      timezone: 'Europe/London',
    });

    const bad = await cli(cwd, ['jobs', 'add', '--name', 'x', '--cron', '0 0 * * FRI-MON']);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/FRI-MON wraps around/);

    const edit = await cli(cwd, [
      'jobs',
      'edit',
      '1',
      '--cron',
      '0 19 * * 1-5',
      '--if-version',
      '1',
      '--json',
    ]);
    expect(edit.code).toBe(0);
    expect(JSON.parse(edit.stdout)).toMatchObject({
      cron: '0 19 * * 1-5',
      version: 2,
      active: false,
    });
    const stale = await cli(cwd, ['jobs', 'edit', '1', '--name', 'lost', '--if-version', '1']);
    expect(stale.code).toBe(5);
    expect(stale.stderr).toMatch(/version 2, not 1/);

    expect((await cli(cwd, ['jobs', 'toggle', '1', '--on'])).stdout).toMatch(/now active \(v3\)/);
    expect((await cli(cwd, ['jobs', 'toggle', '1', '--on'])).code).toBe(5);
    expect((await cli(cwd, ['jobs', 'toggle', '1'])).stdout).toMatch(/now inactive \(v4\)/);
    const list = JSON.parse((await cli(cwd, ['jobs', 'list', '--json'])).stdout);
    expect(list).toMatchObject([
      {
        id: '1',
        name: 'close',
        deskForm: { time: '19:00', days: ['MON', 'TUE', 'WED', 'THU', 'FRI'] },
        next: null,
      },
    ]);

    expect(
      (
        await cli(cwd, [
          'jobs',
          'next',
          '1',
          '--from',
          '2026-11-23T00:00:00Z',
          '--count',
          '1',
          '--json',
        ])
      ).stdout,
    ).toContain('2026-11-23T19:00:00.000Z');
    expect((await cli(cwd, ['jobs', 'rm', '1', '--if-version', '3'])).code).toBe(5);
    expect((await cli(cwd, ['jobs', 'rm', '1', '--if-version', '4'])).code).toBe(0);
    expect((await cli(cwd, ['jobs', 'rm', '1'])).code).toBe(1);
  });

  it('refuses bad desk days and schedule settings with exit 3, naming the flag to change', async () => {
    const cwd = await workspace();
    expect((await cli(cwd, ['init'])).code).toBe(0);
    const refusals: [string[], RegExp][] = [
      [
        ['jobs', 'add', '--name', 'x', '--at', '18:30', '--days', 'FRI-MON'],
        /error: --days takes day names MON–SUN, .* \(got FRI-MON\)/,
      ],

      [['jobs', 'settings', '--overlap', 'wait'], /error: --overlap is skip or queue \(got wait\)/],
      [['jobs', 'settings', '--dead-man-tz', 'UTC'], /error: --dead-man HH:MM sets the deadline/],
      [
        ['jobs', 'settings', '--dead-man', '18:00', '--dead-man-days', 'FRI-MON'],
        /error: --dead-man-days takes day names MON–SUN, .* \(got FRI-MON\)/,
      ],
    ];
    for (const [args, message] of refusals) {
      const r = await cli(cwd, args);
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({
        args,
        code: 3,
        stderr: expect.stringMatching(message),
      });
    }
    // --days without --at is a missing option: usage (exit 2), naming it.
    const days = await cli(cwd, ['jobs', 'edit', '1', '--days', 'MON']);
    expect({ code: days.code, stderr: days.stderr }).toEqual({
      code: 2,
      stderr: expect.stringMatching(/error: --days needs --at HH:MM/),
    });
    expect(JSON.parse((await cli(cwd, ['jobs', 'list', '--json'])).stdout)).toEqual([]);
    const settings = JSON.parse((await cli(cwd, ['jobs', 'settings', '--json'])).stdout);
    expect(settings).toEqual({ overlap: 'skip', queueMaxMinutes: 30, latenessMinutes: 2 });
  });

  it('run-now --cancel-next runs the pipeline and skips the next fire; the calendar shows it', async () => {
    const cwd = await workspace();
    const env = { MP_SOURCE: join(cwd, 'colors.csv') };
    expect((await cli(cwd, ['init'])).code).toBe(0);
    expect((await cli(cwd, ['template', '--out', 'colors.csv'], env)).code).toBe(0);
    await cli(cwd, ['jobs', 'add', '--name', 'close', '--cron', '30 18 * * *', '--tz', 'UTC']);
    const now = await cli(cwd, ['jobs', 'run-now', '1', '--cancel-next', '--json'], env);
    expect(now.stderr).toBe('');
    const run = JSON.parse(now.stdout);
    expect(run).toMatchObject({ trigger: 'override', jobId: '1', status: 'success' });
    const fires = JSON.parse(
      (
        await cli(cwd, [
          'jobs',
          'fires',
          '1',
          '--from',
          '2026-01-01',
          '--to',
          '2099-01-01',
          '--json',
        ])
      ).stdout,
    );
    expect(fires).toEqual([
      expect.objectContaining({
        status: 'skipped',
        reason: 'override',
        overrideRunId: run.id,
        nominal: run.cancelledFire,
      }),
    ]);
    const calendar = JSON.parse((await cli(cwd, ['jobs', 'calendar', '--json'])).stdout);
    expect(calendar.find((e: { at: string }) => e.at === run.cancelledFire)).toMatchObject({
      kind: 'future',
      skip: { reason: 'override', overrideRunId: run.id },
    });
    const settings = await cli(cwd, [
      'jobs',
      'settings',
      '--overlap',
      'queue',
      '--dead-man',
      '18:00',
      '--dead-man-tz',
      'Europe/London',
      '--json',
    ]);
    expect(JSON.parse(settings.stdout)).toMatchObject({
      overlap: 'queue',
      deadMan: {
        by: '18:00',
        timezone: 'Europe/London',
        days: ['MON', 'TUE', 'WED', 'THU', 'FRI'],
      },
    });
    const status = JSON.parse((await cli(cwd, ['status', '--json'])).stdout);
    expect(status.schedule).toMatchObject({
      nextRun: { jobId: '1' },
      deadMan: { state: expect.any(String) },
      schedulers: [],
    });
  });
});
