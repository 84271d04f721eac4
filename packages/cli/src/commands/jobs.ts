import {
  assertTimeZone,
  createJob,
  DEFAULT_RETRY_BACKOFF_MINUTES,
  deleteJob,
  deskFormOf,
  deskStatusOfFire,
  editDeadMan,
  getJob,
  type Job,
  type JobInput,
  listFires,
  listJobs,
  MarketPulseError,
  nextFires,
  parseCron,
  parseDeskDays,
  parseOverlapPolicy,
  readScheduleSettings,
  runJobNow,
  scheduleCalendar,
  setJobActive,
  updateJob,
  updateScheduleSettings,
  WEEK,
} from '@market-pulse/core';
import { systemClock } from '@market-pulse/node';
import type { Command } from 'commander';
import { configOf, openDataFolder, pipelineOf } from '../data-folder.js';
import { type CliIO, output } from '../io.js';
import { ifVersion, instant, wholeNumber } from '../option-values.js';
import { describeRun } from '../summary.js';

interface JobOptions {
  name?: string;
  cron?: string;
  at?: string;
  days?: string;
  tz?: string;
  grace?: string;
  inactive?: boolean;
  retries?: string;
  retryBackoff?: string;
  noRetry?: boolean;
  holidays?: string;
  ifVersion?: string;
  dataDir?: string;
  json?: boolean;
}

/** The job fields given on the command line (only those given: an edit changes nothing else). */
function inputOf(o: JobOptions): JobInput {
  const input: JobInput = {};
  if (o.name !== undefined) input.name = o.name;
  if (o.cron !== undefined) input.cron = o.cron;
  if (o.at !== undefined || o.days !== undefined) {
    if (o.at === undefined)
      throw new MarketPulseError('VALIDATION_ERROR', '--days needs --at HH:MM (or give --cron)');
    input.schedule = {
      time: o.at,
      days: o.days === undefined ? [...WEEK] : parseDeskDays(o.days, '--days'),
    };
  }
  if (o.tz !== undefined) input.timezone = o.tz;
  if (o.grace !== undefined) input.graceMinutes = wholeNumber('--grace', o.grace, 0);
  if (o.retries !== undefined)
    input.retry = {
      count: wholeNumber('--retries', o.retries),
      backoffMinutes:
        o.retryBackoff === undefined
          ? DEFAULT_RETRY_BACKOFF_MINUTES
          : wholeNumber('--retry-backoff', o.retryBackoff),
    };
  if (o.holidays !== undefined)
    input.holidays = o.holidays
      .split(',')
      .map((d) => d.trim())
      .filter(Boolean);
  return input;
}

function describeJob(job: Job, next?: number): string {
  const desk = deskFormOf(job.cron);
  const when = desk ? `${desk.days.join(',')} ${desk.time}` : job.cron;
  return [
    `${job.id}  ${job.name}  [${job.active ? 'active' : 'inactive'}]  v${job.version}`,
    `    ${when} ${job.timezone}  (cron "${job.cron}", grace ${job.graceMinutes} min${job.retry ? `, ${job.retry.count} retries` : ''}${job.holidays?.length ? `, ${job.holidays.length} holidays` : ''})`,
    ...(next !== undefined ? [`    next: ${new Date(next).toISOString()}`] : []),
  ].join('\n');
}

const nextOf = (job: Job, fromMs: number) =>
  job.active ? nextFires(job, fromMs, 1)[0] : undefined;

export function registerJobs(program: Command, io: CliIO, exit: (code: number) => void): void {
  const jobs = program
    .command('jobs')
    .description('scheduled jobs: cron in an IANA time zone, run now, next fires, calendar');
  const folder = (dataDir?: string) => openDataFolder(io, { dataDir, create: false });
  const deps = async (dataDir?: string) => {
    const f = await folder(dataDir);
    return { store: f.store, clock: systemClock, defaultTimeZone: f.config.businessTimeZone };
  };
  const withJobOptions = (command: Command) =>
    command
      .option('--name <name>', 'what the job is for')
      .option('--cron <expr>', 'a 5-field crontab, e.g. "30 18 * * MON-FRI"')
      .option('--at <HH:MM>', 'desk form: the time of day (with --days)')
      .option('--days <days>', 'desk form: MON-FRI, MON,WED, weekdays or daily (default daily)')
      .option('--tz <zone>', 'IANA time zone (default MP_BUSINESS_TZ)')
      .option('--grace <minutes>', 'a late fire still runs within this window (default 60)')
      .option('--retries <n>', 'retry a failed fire n times')
      .option('--retry-backoff <minutes>', 'wait before the first retry, doubling (default 5)')
      .option('--holidays <dates>', 'YYYY-MM-DD,… on which fires are skipped')
      .option('--data-dir <dir>')
      .option('--json', 'print JSON');

  jobs
    .command('list')
    .option('--data-dir <dir>')
    .option('--json', 'print JSON')
    .action(async (o: { dataDir?: string; json?: boolean }) => {
      const list = await listJobs((await folder(o.dataDir)).store);
      const now = systemClock.now().getTime();
      const listed = list.map((job) => ({ job, next: nextOf(job, now) }));
      const rows = listed.map(({ job, next }) => ({
        ...job,
        deskForm: deskFormOf(job.cron),
        next: next === undefined ? null : new Date(next).toISOString(),
      }));
      output(io, o.json, rows, () =>
        list.length
          ? listed.map(({ job, next }) => describeJob(job, next)).join('\n')
          : 'no jobs yet (add one with "market-pulse jobs add")',
      );
      exit(0);
    });

  withJobOptions(jobs.command('add').description('add a job (active unless --inactive)'))
    .option('--inactive', 'create it inactive')
    .action(async (o: JobOptions) => {
      if (o.name === undefined)
        throw new MarketPulseError('VALIDATION_ERROR', 'a job needs --name');
      if (o.cron === undefined && o.at === undefined)
        throw new MarketPulseError(
          'VALIDATION_ERROR',
          'say when: --cron EXPR, or --at HH:MM [--days MON-FRI]',
        );
      const d = await deps(o.dataDir);
      const job = await createJob(d, { ...inputOf(o), ...(o.inactive ? { active: false } : {}) });
      output(
        io,
        o.json,
        job,
        () => `added\n${describeJob(job, nextOf(job, systemClock.now().getTime()))}`,
      );
      exit(0);
    });

  withJobOptions(jobs.command('edit <id>').description('change a job, active or not'))
    .option('--no-retry', 'remove retries')
    .option('--if-version <n>', 'the version you edited (refused if it changed since)')
    .action(async (id: string, o: JobOptions & { retry?: boolean }) => {
      const d = await deps(o.dataDir);
      const input = inputOf(o);
      if (o.retry === false) input.retry = undefined;
      if (Object.keys(input).length === 0 && o.retry !== false)
        throw new MarketPulseError(
          'VALIDATION_ERROR',
          'nothing to change: pass --name, --cron, --at/--days, --tz, --grace, --retries or --holidays',
        );
      const job = await updateJob(d, id, input, ifVersion(o.ifVersion));
      output(io, o.json, job, () => `changed\n${describeJob(job)}`);
      exit(0);
    });

  jobs
    .command('rm <id>')
    .description('delete a job (its fire history stays)')
    .option('--if-version <n>', 'the version you mean to remove')
    .option('--data-dir <dir>')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { ifVersion?: string; dataDir?: string; json?: boolean }) => {
      const d = await deps(o.dataDir);
      const job = await deleteJob(d, id, ifVersion(o.ifVersion));
      output(io, o.json, job, () => `deleted job ${job.id} (${job.name})`);
      exit(0);
    });

  jobs
    .command('toggle <id>')
    .description('activate or deactivate a job (flips it, or --on / --off)')
    .option('--on', 'activate')
    .option('--off', 'deactivate')
    .option('--if-version <n>', 'the version you saw')
    .option('--data-dir <dir>')
    .option('--json', 'print JSON')
    .action(
      async (
        id: string,
        o: { on?: boolean; off?: boolean; ifVersion?: string; dataDir?: string; json?: boolean },
      ) => {
        if (o.on && o.off)
          throw new MarketPulseError('VALIDATION_ERROR', 'pass --on or --off, not both');
        const d = await deps(o.dataDir);
        const current = await getJob(d.store, id);
        const active = o.on ? true : o.off ? false : !current.active;
        // The flip is decided on what we read: refuse it if the job changed since.
        const job = await setJobActive(d, id, active, ifVersion(o.ifVersion) ?? current.version);
        output(
          io,
          o.json,
          job,
          () => `job ${job.id} is now ${job.active ? 'active' : 'inactive'} (v${job.version})`,
        );
        exit(0);
      },
    );

  jobs
    .command('run-now <id>')
    .description('run the pipeline now for a job; --cancel-next skips its next fire')
    .option('--cancel-next', 'claim the next fire as skipped so it does not run')
    .option('--data-dir <dir>')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { cancelNext?: boolean; dataDir?: string; json?: boolean }) => {
      const f = await folder(o.dataDir);
      const pipeline = pipelineOf(io, f);
      let extra: string[] = [];
      const result = await runJobNow({ store: f.store, clock: systemClock }, id, {
        cancelNext: Boolean(o.cancelNext),
        run: async (request) => {
          const { record, warnings, exports } = await pipeline.run(request);
          extra = [
            ...(exports.length ? [`  exports: ${f.exportsDir} (${exports.length} files)`] : []),
            ...warnings.map((w) => `  warning: ${w}`),
          ];
          return record;
        },
      });
      if (result.cancelled)
        extra.push(`  cancelled the next fire of job ${id}: ${result.cancelled}`);
      output(io, o.json, { ...result.run, cancelledFire: result.cancelled ?? null }, () =>
        describeRun(result.run, extra),
      );
      exit(result.run.status === 'success' ? 0 : 1);
    });

  jobs
    .command('next [id]')
    .description('the next fires of a job, or of --cron EXPR --tz ZONE (needs no data folder)')
    .option('--cron <expr>', 'a crontab to try')
    .option('--tz <zone>', 'its time zone (default MP_BUSINESS_TZ)')
    .option('--from <instant>', 'fires strictly after this ISO instant (default now)')
    .option('--count <n>', 'how many', '5')
    .option('--data-dir <dir>')
    .option('--json', 'print JSON')
    .action(
      async (
        id: string | undefined,
        o: {
          cron?: string;
          tz?: string;
          from?: string;
          count: string;
          dataDir?: string;
          json?: boolean;
        },
      ) => {
        if ((id === undefined) === (o.cron === undefined))
          throw new MarketPulseError(
            'VALIDATION_ERROR',
            'give a job id or --cron EXPR (with --tz ZONE), not both',
          );
        const count = wholeNumber('--count', o.count);
        if (count > 10_000)
          throw new MarketPulseError('VALIDATION_ERROR', '--count is at most 10000');
        const from = o.from === undefined ? systemClock.now().getTime() : instant('--from', o.from);
        const schedule =
          o.cron !== undefined
            ? {
                cron: parseCron(o.cron),
                timezone: o.tz ?? configOf(io, o.dataDir).businessTimeZone,
              }
            : await (async () => {
                const job = await getJob((await folder(o.dataDir)).store, id as string);
                return { cron: parseCron(job.cron), timezone: o.tz ?? job.timezone };
              })();
        assertTimeZone(schedule.timezone);
        const fires = nextFires(schedule, from, count).map((t) => new Date(t).toISOString());
        output(io, o.json, { fires }, () => fires.join('\n'));
        exit(0);
      },
    );

  jobs
    .command('fires <id>')
    .description("a job's fire records: status, trigger, run")
    .option('--from <instant>', 'from (ISO instant or date; default 7 days ago)')
    .option('--to <instant>', 'to (default now)')
    .option('--data-dir <dir>')
    .option('--json', 'print JSON')
    .action(
      async (id: string, o: { from?: string; to?: string; dataDir?: string; json?: boolean }) => {
        const f = await folder(o.dataDir);
        await getJob(f.store, id);
        const now = systemClock.now().getTime();
        const fires = await listFires(f.store, id, {
          fromMs: o.from ? instant('--from', o.from) : now - 7 * 86_400_000,
          toMs: o.to ? instant('--to', o.to) : now,
        });
        output(
          io,
          o.json,
          fires.map((r) => ({ ...r, desk: deskStatusOfFire(r) })),
          () =>
            fires.length
              ? fires
                  .map(
                    (r) =>
                      `${r.nominal}  ${deskStatusOfFire(r).padEnd(7)}  ${r.status}${r.trigger ? ` (${r.trigger})` : ''}${r.reason ? `: ${r.reason}` : ''}${r.runId ? `  run ${r.runId}` : ''}${r.overrideRunId ? `  by run ${r.overrideRunId}` : ''}${r.attempts > 1 ? `  ${r.attempts} attempts` : ''}`,
                  )
                  .join('\n')
              : 'no fire records in that range',
        );
        exit(0);
      },
    );

  jobs
    .command('calendar')
    .description('past fires with statuses and future fires with skip markers')
    .option('--from <instant>', 'from (ISO instant or date; default today)')
    .option('--to <instant>', 'to (default 7 days after --from)')
    .option('--job <id>', 'only this job')
    .option('--data-dir <dir>')
    .option('--json', 'print JSON')
    .action(
      async (o: { from?: string; to?: string; job?: string; dataDir?: string; json?: boolean }) => {
        const f = await folder(o.dataDir);
        const fromMs = o.from
          ? instant('--from', o.from)
          : Date.parse(`${systemClock.now().toISOString().slice(0, 10)}T00:00:00Z`);
        const toMs = o.to ? instant('--to', o.to) : fromMs + 7 * 86_400_000;
        if (toMs < fromMs) throw new MarketPulseError('VALIDATION_ERROR', '--to is before --from');
        const entries = await scheduleCalendar(f.store, systemClock, {
          fromMs,
          toMs,
          ...(o.job ? { jobId: o.job } : {}),
        });
        output(io, o.json, entries, () =>
          entries.length
            ? entries
                .map((e) =>
                  e.kind === 'past'
                    ? `${e.at}  job ${e.jobId}  ${e.desk}${e.record.runId ? `  run ${e.record.runId}` : ''}`
                    : `${e.at}  job ${e.jobId}  ${e.skip ? `will be skipped (${e.skip.reason}${e.skip.overrideRunId ? `, run ${e.skip.overrideRunId}` : ''})` : 'planned'}`,
                )
                .join('\n')
            : 'nothing in that range',
        );
        exit(0);
      },
    );

  jobs
    .command('settings')
    .description(
      'pipeline-wide: overlap policy, lateness, dead-man check (shows them without options)',
    )
    .option('--overlap <policy>', 'skip (default) or queue')
    .option('--queue-max <minutes>', 'how long a queued fire may wait (default 30)')
    .option('--lateness <minutes>', 'a fire claimed this late is still "scheduled" (default 2)')
    .option('--dead-man <HH:MM|off>', 'alert when no run succeeded by this time on business days')
    .option('--dead-man-tz <zone>', 'its time zone (default MP_BUSINESS_TZ)')
    .option('--dead-man-days <days>', 'its business days (default MON-FRI)')
    .option('--data-dir <dir>')
    .option('--json', 'print JSON')
    .action(
      async (o: {
        overlap?: string;
        queueMax?: string;
        lateness?: string;
        deadMan?: string;
        deadManTz?: string;
        deadManDays?: string;
        dataDir?: string;
        json?: boolean;
      }) => {
        const f = await folder(o.dataDir);
        let settings = await readScheduleSettings(f.store);
        const change: Parameters<typeof updateScheduleSettings>[1] = {};
        if (o.overlap !== undefined) change.overlap = parseOverlapPolicy(o.overlap, '--overlap');
        if (o.queueMax !== undefined)
          change.queueMaxMinutes = wholeNumber('--queue-max', o.queueMax);
        if (o.lateness !== undefined)
          change.latenessMinutes = wholeNumber('--lateness', o.lateness, 0);
        if (o.deadMan === 'off') change.deadMan = null;
        else if (
          o.deadMan !== undefined ||
          o.deadManTz !== undefined ||
          o.deadManDays !== undefined
        ) {
          change.deadMan = editDeadMan(
            settings.deadMan,
            // An empty --dead-man-days keeps the current days.
            { by: o.deadMan, timezone: o.deadManTz, days: o.deadManDays || undefined },
            {
              defaultTimeZone: f.config.businessTimeZone,
              fieldNames: { by: '--dead-man', days: '--dead-man-days' },
            },
          );
        }
        if (Object.keys(change).length > 0)
          settings = await updateScheduleSettings(f.store, change);
        output(io, o.json, settings, () =>
          [
            `overlap: ${settings.overlap}${settings.overlap === 'queue' ? ` (waits up to ${settings.queueMaxMinutes} min)` : ''}`,
            `lateness tolerance: ${settings.latenessMinutes} min`,
            `dead-man check: ${settings.deadMan ? `no successful run by ${settings.deadMan.by} ${settings.deadMan.timezone} on ${settings.deadMan.days.join(',')}` : 'off'}`,
          ].join('\n'),
        );
        exit(0);
      },
    );
}
