import { resolve } from 'node:path';
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
  listRules,
  MarketPulseError,
  nextFires,
  parseCron,
  parseDeskDays,
  parseOverlapPolicy,
  readScheduleSettings,
  runJobNow,
  type ScheduleSettingsChange,
  scheduleCalendar,
  setJobActive,
  updateJob,
  updateScheduleSettings,
  WEEK,
} from '@market-pulse/core';
import { assertJobS3Source, assertReadableFile, isS3Url, systemClock } from '@market-pulse/node';
import type { Command } from 'commander';
import { DATA_DIR_HELP, JSON_HELP, withCommon } from '../common-options.js';
import { configOf, type DataFolder, openDataFolder, sourceFile } from '../data-folder.js';
import { type CliIO, output } from '../io.js';
import { withJobFlags } from '../job-flags.js';
import { operatorOf } from '../operator.js';
import { ifVersion, instant, wholeNumber } from '../option-values.js';
import { describeRun } from '../summary.js';
import { fromNow, zonedTime } from '../times.js';
import { UsageError } from '../usage.js';
import { runReport } from './run.js';

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
  /** A file path; `false` with --no-source (edit: back to the configured source). */
  source?: string | false;
  rules?: string;
  allRules?: boolean;
  ifVersion?: string;
  dataDir?: string;
  json?: boolean;
}

/** The job fields given on the command line (only those given: an edit changes nothing else). */
function inputOf(io: CliIO, o: JobOptions): JobInput {
  const input: JobInput = {};
  if (o.name !== undefined) input.name = o.name;
  if (o.cron !== undefined) input.cron = o.cron;
  if (o.at !== undefined || o.days !== undefined) {
    if (o.at === undefined)
      throw new UsageError('--days needs --at HH:MM (or give --cron)', '--at');
    if (o.cron !== undefined)
      throw new UsageError('say when once: --cron EXPR, or --at HH:MM [--days …]', '--cron');
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
  // Stored absolute: a scheduler started elsewhere reads the same file.
  if (typeof o.source === 'string')
    input.source = {
      kind: 'file',
      path: isS3Url(o.source) ? o.source : resolve(io.cwd, o.source),
    };
  if (o.source === false) input.source = undefined;
  if (o.rules !== undefined && o.allRules)
    throw new UsageError(
      '--rules names a subset, --all-rules drops it: pass one of them',
      '--rules',
    );
  if (o.rules !== undefined)
    input.rules = o.rules
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean);
  if (o.allRules) input.rules = undefined;
  return input;
}

/**
 * What would leave a job's fires with nothing to process, or not what was meant: no source and
 * no MP_SOURCE, a source file that cannot be read now, rules of its subset that are inactive.
 */
async function jobWarnings(io: CliIO, folder: DataFolder, job: Job): Promise<string[]> {
  const warnings: string[] = [];
  const path = job.source?.path ?? folder.config.source;
  if (path === undefined)
    warnings.push(
      `job ${job.id} has no source (--source FILE) and MP_SOURCE is not set: its fires process pending uploads only, and fail when there are none`,
    );
  else if (isS3Url(path)) {
    try {
      assertJobS3Source(path, folder.config.jobS3Sources);
    } catch (err) {
      warnings.push(`${(err as Error).message}: job ${job.id}'s fires fail until it is allowed`);
    }
  } else
    await assertReadableFile(resolve(io.cwd, path), path).catch((err: Error) =>
      warnings.push(`${err.message} now: job ${job.id}'s fires fail until it can be read`),
    );
  if (job.rules) {
    const rules = await listRules(folder.store);
    for (const id of job.rules) {
      const rule = rules.find((r) => r.id === id);
      if (rule && !rule.active)
        warnings.push(
          `rule "${rule.name}" is inactive: job ${job.id} applies it only while it is active`,
        );
    }
  }
  return warnings;
}

/** A job for people: schedule in its zone, source, rules by name, next fire with the offset. */
function describeJob(job: Job, names: ReadonlyMap<string, string>, next?: number): string {
  const desk = deskFormOf(job.cron);
  const when = desk ? `${desk.days.join(',')} ${desk.time}` : job.cron;
  const now = systemClock.now().getTime();
  return [
    `${job.id}  ${job.name}  [${job.active ? 'active' : 'inactive'}]  v${job.version}`,
    `    ${when} ${job.timezone}  (cron "${job.cron}", grace ${job.graceMinutes} min${job.retry ? `, ${job.retry.count} retries` : ''}${job.holidays?.length ? `, ${job.holidays.length} holidays` : ''})`,
    `    source: ${job.source ? job.source.path : 'the configured one (MP_SOURCE)'}; rules: ${job.rules ? job.rules.map((id) => `"${names.get(id) ?? id}"`).join(', ') : 'every active rule'}`,
    ...(next !== undefined
      ? [`    next: ${zonedTime(next, job.timezone)}, ${fromNow(next, now)}`]
      : []),
    // Jobs saved before actors were recorded name nobody.
    ...(job.updatedBy ? [`    changed by ${job.updatedBy} at ${job.updatedAt}`] : []),
  ].join('\n');
}

/** Rule names by id, for a job's rules subset. */
async function ruleNames(folder: DataFolder): Promise<Map<string, string>> {
  return new Map((await listRules(folder.store).catch(() => [])).map((r) => [r.id, r.name]));
}

const nextOf = (job: Job, fromMs: number) =>
  job.active ? nextFires(job, fromMs, 1)[0] : undefined;

export function registerJobs(program: Command, io: CliIO, exit: (code: number) => void): void {
  const jobs = program
    .command('jobs')
    .description(
      'scheduled jobs: cron in an IANA time zone, own source and rules, run now, next fires, calendar',
    );
  const folder = (dataDir?: string) => openDataFolder(io, { dataDir, create: false });
  const depsOf = (f: DataFolder) => ({
    store: f.store,
    clock: systemClock,
    defaultTimeZone: f.config.businessTimeZone,
  });
  const warn = async (f: DataFolder, job: Job) => {
    for (const w of await jobWarnings(io, f, job)) io.stderr(`warning: ${w}\n`);
  };
  const withJobOptions = (command: Command) =>
    withCommon(
      command
        .option('--name <name>', 'what the job is for (unique, any case)')
        .option('--cron <expr>', 'a 5-field crontab, e.g. "30 18 * * MON-FRI"')
        .option('--at <HH:MM>', 'desk form: the time of day (with --days)')
        .option('--days <days>', 'desk form: MON-FRI, MON,WED, weekdays or daily (default daily)')
        .option('--tz <zone>', 'IANA time zone (default MP_BUSINESS_TZ)')
        .option('--grace <minutes>', 'a late fire still runs within this window (default 60)')
        .option('--retries <n>', 'retry a failed fire n times')
        .option('--retry-backoff <minutes>', 'wait before the first retry, doubling (default 5)')
        .option('--holidays <dates>', 'YYYY-MM-DD,… on which fires are skipped')
        .option('--source <file>', "the job's own color file, .xlsx or .csv (default: MP_SOURCE)")
        .option(
          '--rules <rules>',
          'only these rules, by name or id, comma-separated (of the active ones; default: every active rule)',
        ),
    );

  withCommon(
    jobs
      .command('list')
      .description('every job, active or not: schedule, source, rules, next fire in its zone'),
  ).action(async (o: { dataDir?: string; json?: boolean }) => {
    const f = await folder(o.dataDir);
    const list = await listJobs(f.store);
    const names = await ruleNames(f);
    const now = systemClock.now().getTime();
    const listed = list.map((job) => ({ job, next: nextOf(job, now) }));
    const rows = listed.map(({ job, next }) => ({
      ...job,
      deskForm: deskFormOf(job.cron),
      next: next === undefined ? null : new Date(next).toISOString(),
    }));
    output(io, o.json, rows, () =>
      list.length
        ? listed.map(({ job, next }) => describeJob(job, names, next)).join('\n')
        : 'no jobs yet (add one with "market-pulse jobs add")',
    );
    exit(0);
  });

  withJobOptions(
    jobs
      .command('add')
      .description(
        'add a job (active unless --inactive); warns when its fires would have nothing to process',
      ),
  )
    .option('--inactive', 'create it inactive')
    .action(async (o: JobOptions) => {
      if (o.name === undefined) throw new UsageError('a job needs --name NAME', '--name');
      if (o.cron === undefined && o.at === undefined)
        throw new UsageError('say when: --cron EXPR, or --at HH:MM [--days MON-FRI]', '--cron');
      const input = inputOf(io, o);
      const f = await folder(o.dataDir);
      const job = await createJob(
        depsOf(f),
        { ...input, ...(o.inactive ? { active: false } : {}) },
        { actor: operatorOf(io) },
      ).catch((err: unknown) => {
        throw withJobFlags(err);
      });
      await warn(f, job);
      const names = await ruleNames(f);
      output(
        io,
        o.json,
        job,
        () => `added\n${describeJob(job, names, nextOf(job, systemClock.now().getTime()))}`,
      );
      exit(0);
    });

  withJobOptions(
    jobs
      .command('edit')
      .description('change a job, active or not (only the options given)')
      .argument('<id>', 'the job id (jobs list shows them)'),
  )
    .option('--no-source', 'read the configured source (MP_SOURCE) again')
    .option('--all-rules', 'apply every active rule again (drop the subset)')
    .option('--no-retry', 'remove retries')
    .option('--if-version <n>', 'the version you edited (refused, exit 5, if it changed since)')
    .action(async (id: string, o: JobOptions & { retry?: boolean }) => {
      const input = inputOf(io, o);
      if (o.retry === false) input.retry = undefined;
      if (Object.keys(input).length === 0)
        throw new UsageError(
          'nothing to change: pass --name, --cron, --at/--days, --tz, --grace, --retries, --holidays, --source or --rules',
        );
      const f = await folder(o.dataDir);
      const job = await updateJob(depsOf(f), id, input, {
        actor: operatorOf(io),
        expectedVersion: ifVersion(o.ifVersion),
      }).catch((err: unknown) => {
        throw withJobFlags(err);
      });
      await warn(f, job);
      const names = await ruleNames(f);
      output(io, o.json, job, () => `changed\n${describeJob(job, names)}`);
      exit(0);
    });

  withCommon(
    jobs
      .command('rm')
      .description('delete a job (its fire history stays)')
      .argument('<id>', 'the job id')
      .option(
        '--if-version <n>',
        'the version you mean to remove (refused, exit 5, if it changed)',
      ),
  ).action(async (id: string, o: { ifVersion?: string; dataDir?: string; json?: boolean }) => {
    const job = await deleteJob(depsOf(await folder(o.dataDir)), id, {
      actor: operatorOf(io),
      expectedVersion: ifVersion(o.ifVersion),
    });
    output(io, o.json, job, () => `deleted job ${job.id} (${job.name})`);
    exit(0);
  });

  withCommon(
    jobs
      .command('toggle')
      .description('activate or deactivate a job (flips it, or --on / --off)')
      .argument('<id>', 'the job id')
      .option('--on', 'activate it')
      .option('--off', 'deactivate it')
      .option('--if-version <n>', 'the version you saw (refused, exit 5, if it changed)'),
  ).action(
    async (
      id: string,
      o: { on?: boolean; off?: boolean; ifVersion?: string; dataDir?: string; json?: boolean },
    ) => {
      if (o.on && o.off) throw new UsageError('pass --on or --off, not both', '--on');
      const d = depsOf(await folder(o.dataDir));
      const current = await getJob(d.store, id);
      const active = o.on ? true : o.off ? false : !current.active;
      // The flip is decided on what we read: refuse it if the job changed since.
      const job = await setJobActive(d, id, active, {
        actor: operatorOf(io),
        expectedVersion: ifVersion(o.ifVersion) ?? current.version,
      });
      output(
        io,
        o.json,
        job,
        () => `job ${job.id} is now ${job.active ? 'active' : 'inactive'} (v${job.version})`,
      );
      exit(0);
    },
  );

  withCommon(
    jobs
      .command('run-now')
      .description(
        'run the pipeline now for a job, with its source and rules (trigger override); --cancel-next skips its next fire',
      )
      .argument('<id>', 'the job id')
      .option('--source <file>', "this run's color file instead of the job's (.xlsx or .csv)")
      .option('--cancel-next', 'claim the next fire as skipped so it does not run'),
  ).action(
    async (
      id: string,
      o: { source?: string; cancelNext?: boolean; dataDir?: string; json?: boolean },
    ) => {
      const f = await folder(o.dataDir);
      let report: Awaited<ReturnType<typeof runReport>> | undefined;
      const result = await runJobNow(
        { store: f.store, clock: systemClock },
        id,
        {
          cancelNext: Boolean(o.cancelNext),
          run: async (request) => {
            const run = await f.pipeline.run({
              ...request,
              ...(o.source ? { source: sourceFile(io, o.source, f.config) } : {}),
            });
            report = await runReport(f, run);
            return run.record;
          },
        },
        { actor: operatorOf(io) },
      );
      const extra = [...(report?.extra ?? [])];
      if (result.cancelled)
        extra.push(
          `  cancelled the next fire of job ${id}: ${zonedTime(Date.parse(result.cancelled), (await getJob(f.store, id)).timezone)}`,
        );
      output(
        io,
        o.json,
        { ...result.run, exports: report?.files ?? [], cancelledFire: result.cancelled ?? null },
        () => describeRun(result.run, extra, report?.names),
      );
      exit(result.run.status === 'success' ? 0 : 1);
    },
  );

  jobs
    .command('next')
    .description(
      'the next fires of a job, or of --cron EXPR --tz ZONE (needs no data folder), in its zone',
    )
    .argument('[id]', 'the job id (or give --cron)')
    .option('--cron <expr>', 'a crontab to try instead of a job')
    .option('--tz <zone>', "its time zone (default: the job's, else MP_BUSINESS_TZ)")
    .option('--from <instant>', 'fires strictly after this ISO instant or date (default now)')
    .option('--count <n>', 'how many fires', '5')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option('--json', `${JSON_HELP}; fires as UTC ISO instants`)
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
          throw new UsageError('give a job id or --cron EXPR (with --tz ZONE), not both', '--cron');
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
        const fires = nextFires(schedule, from, count);
        output(io, o.json, { fires: fires.map((t) => new Date(t).toISOString()) }, () =>
          [
            `next fires in ${schedule.timezone}:`,
            ...fires.map(
              (t) => `  ${zonedTime(t, schedule.timezone)}  (${new Date(t).toISOString()})`,
            ),
          ].join('\n'),
        );
        exit(0);
      },
    );

  withCommon(
    jobs
      .command('fires')
      .description(
        "a job's fire records, in its zone: success / error / override / skipped, status, trigger, run",
      )
      .argument('<id>', 'the job id')
      .option('--from <instant>', 'from this ISO instant or date (default 7 days ago)')
      .option('--to <instant>', 'to this ISO instant or date (default now)'),
  ).action(
    async (id: string, o: { from?: string; to?: string; dataDir?: string; json?: boolean }) => {
      const f = await folder(o.dataDir);
      const job = await getJob(f.store, id);
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
                    `${zonedTime(Date.parse(r.nominal), job.timezone)}  ${deskStatusOfFire(r).padEnd(8)}  ${r.status}${r.trigger ? ` (${r.trigger})` : ''}${r.reason ? `: ${r.reason}` : ''}${r.runId ? `  run ${r.runId}` : ''}${r.overrideRunId ? `  by run ${r.overrideRunId}` : ''}${r.attempts > 1 ? `  ${r.attempts} attempts` : ''}`,
                )
                .join('\n')
            : 'no fire records in that range',
      );
      exit(0);
    },
  );

  withCommon(
    jobs
      .command('calendar')
      .description(
        "past fires with statuses and future fires with skip markers, each in its job's zone",
      )
      .option('--from <instant>', 'from this ISO instant or date (default today, UTC)')
      .option('--to <instant>', 'to this ISO instant or date (default 7 days after --from)')
      .option('--job <id>', 'only this job'),
  ).action(
    async (o: { from?: string; to?: string; job?: string; dataDir?: string; json?: boolean }) => {
      const f = await folder(o.dataDir);
      const fromMs = o.from
        ? instant('--from', o.from)
        : Date.parse(`${systemClock.now().toISOString().slice(0, 10)}T00:00:00Z`);
      const toMs = o.to ? instant('--to', o.to) : fromMs + 7 * 86_400_000;
      if (toMs < fromMs)
        throw new MarketPulseError('VALIDATION_ERROR', '--to is before --from', {
          details: { field: '--to' },
        });
      const entries = await scheduleCalendar(f.store, systemClock, {
        fromMs,
        toMs,
        ...(o.job ? { jobId: o.job } : {}),
      });
      const zones = new Map((await listJobs(f.store)).map((j) => [j.id, j.timezone]));
      const at = (e: { at: string; jobId: string }) =>
        zonedTime(Date.parse(e.at), zones.get(e.jobId) ?? f.config.businessTimeZone);
      output(io, o.json, entries, () =>
        entries.length
          ? entries
              .map((e) =>
                e.kind === 'past'
                  ? `${at(e)}  job ${e.jobId}  ${e.desk}${e.record.runId ? `  run ${e.record.runId}` : ''}`
                  : `${at(e)}  job ${e.jobId}  ${e.skip ? `will be skipped (${e.skip.reason}${e.skip.overrideRunId ? `, run ${e.skip.overrideRunId}` : ''})` : 'planned'}`,
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
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option('--json', JSON_HELP)
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
        const change: ScheduleSettingsChange = {};
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
          settings = await updateScheduleSettings({ store: f.store, clock: systemClock }, change, {
            actor: operatorOf(io),
          });
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
