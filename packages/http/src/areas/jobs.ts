import { createRoute, z } from '@hono/zod-openapi';
import {
  createJob,
  deleteJob,
  deskFormOf,
  deskStatusOfFire,
  getJob,
  type Job,
  type JobInput,
  listFires,
  listJobs,
  MarketPulseError,
  nextFires,
  nextRun,
  parseCron,
  readScheduleSettings,
  runJobNow,
  SCHEDULE_PRESETS,
  type ScheduleSettingsChange,
  scheduleCalendar,
  setJobActive,
  updateJob,
  updateScheduleSettings,
} from '@market-pulse/core';
import { changeBy, IGNORED_ACTOR_FIELDS, withoutActorFields } from '../change-by.js';
import type { AppDependencies } from '../dependencies.js';
import {
  IdempotencyHeaders,
  IfMatchHeaders,
  PageQuery,
  pageOf,
  pageSchema,
  tagVersion,
  withIfMatch,
} from '../http-conventions.js';
import { idempotent } from '../idempotency.js';
import { area, jsonBody, jsonResponse, operationsOf, withLegacyPaths } from '../operations.js';

const DAY_MS = 86_400_000;
/** Job ids are numbers the store hands out (`1`, `2`, …). */
const JobIdText = z.string().regex(/^\d{1,12}$/, "a job's id (a number, e.g. 3)");
const JobId = z.object({
  id: JobIdText.openapi({ param: { name: 'id', in: 'path' }, description: "The job's id" }),
});
const JobSchema = z
  .looseObject({
    id: z.string(),
    name: z.string(),
    cron: z.string(),
    timezone: z.string(),
    active: z.boolean(),
    version: z.number().int(),
    deskForm: z.object({ time: z.string(), days: z.array(z.string()) }).nullable(),
  })
  .openapi('Job');
const DeskForm = z.object({
  time: z.string().openapi({ example: '18:30' }),
  days: z.array(z.string()).openapi({ example: ['MON', 'TUE', 'WED', 'THU', 'FRI'] }),
});
/**
 * What a caller sets on a job. A job's own file source is not settable over HTTP: it names a path
 * on the server, which a remote caller must not choose (set it from the CLI).
 */
const JobFields = z
  .strictObject({
    name: z.string().max(200).optional(),
    cron: z.string().max(200).optional().openapi({ example: '30 18 * * 1-5' }),
    schedule: DeskForm.optional().openapi({ description: 'The desk form instead of `cron`' }),
    timezone: z.string().max(100).optional().openapi({ example: 'America/New_York' }),
    active: z.boolean().optional(),
    graceMinutes: z.number().int().optional(),
    retry: z.object({ count: z.number().int(), backoffMinutes: z.number().int() }).optional(),
    holidays: z.array(z.string()).max(1000).optional(),
    rules: z.array(z.string()).max(1000).optional().openapi({ description: 'Rule ids or names' }),
    ...IGNORED_ACTOR_FIELDS,
  })
  .openapi('JobFields');
const Fire = z
  .looseObject({ jobId: z.string(), nominal: z.string(), status: z.string(), desk: z.string() })
  .openapi('Fire');
const Instant = z
  .string()
  .refine((v) => !Number.isNaN(Date.parse(v)), 'an ISO instant or date, e.g. 2026-03-13T18:30:00Z')
  .optional();
const RangeQuery = PageQuery.extend({ from: Instant, to: Instant });
const Settings = z
  .looseObject({
    overlap: z.enum(['skip', 'queue']),
    queueMaxMinutes: z.number().int(),
    latenessMinutes: z.number().int(),
    deadMan: z
      .looseObject({ by: z.string(), timezone: z.string(), days: z.array(z.string()) })
      .optional(),
  })
  .openapi('ScheduleSettings');
const SettingsChange = z
  .strictObject({
    overlap: z.enum(['skip', 'queue']).optional(),
    queueMaxMinutes: z.number().int().optional(),
    latenessMinutes: z.number().int().optional(),
    deadMan: z
      .object({
        by: z.string(),
        timezone: z.string(),
        days: z.array(z.string()),
        holidays: z.array(z.string()).optional(),
      })
      .nullable()
      .optional()
      .openapi({ description: 'The dead-man check; null turns it off' }),
    ...IGNORED_ACTOR_FIELDS,
  })
  .openapi('ScheduleSettingsChange');

/** A job as served: with its desk form (null when its crontab has none). */
const served = (job: Job) => ({ ...job, deskForm: deskFormOf(job.cron) });

/** An instant of a query (already validated), or a default. */
const ms = (value: string | undefined, fallback: number) =>
  value === undefined ? fallback : Date.parse(value);

/** Scheduled jobs: CRUD, toggle, run now, fires, calendar, next run, settings, presets. */
export function jobsArea(deps: AppDependencies) {
  const app = area();
  const op = operationsOf(deps);
  const tags = ['jobs'];
  const jobDeps = { store: deps.store, clock: deps.clock, defaultTimeZone: deps.businessTimeZone };

  withLegacyPaths(
    app,
    [{ path: '/api/cron/jobs', operationId: 'legacyListCronJobs' }],
    op(
      createRoute({
        method: 'get',
        path: '/api/jobs',
        operationId: 'listJobs',
        summary: 'Every scheduled job, with its desk form',
        tags,
        request: { query: PageQuery },
        responses: { 200: jsonResponse(pageSchema(JobSchema, 'JobPage'), 'A page of jobs') },
      }),
    ),
    async (c) =>
      c.json(pageOf((await listJobs(deps.store)).map(served), c.req.valid('query')), 200),
  );

  app.openapi(
    op(
      createRoute({
        method: 'get',
        path: '/api/jobs/{id}',
        operationId: 'getJob',
        summary: 'One job (its ETag is its version)',
        tags,
        request: { params: JobId },
        responses: { 200: jsonResponse(JobSchema, 'The job') },
      }),
    ),
    async (c) => {
      const job = await getJob(deps.store, c.req.valid('param').id);
      tagVersion(c, job.version);
      return c.json(served(job), 200);
    },
  );

  withLegacyPaths(
    app,
    [{ path: '/api/cron/jobs', operationId: 'legacyCreateCronJob' }],
    op(
      createRoute({
        method: 'post',
        path: '/api/jobs',
        operationId: 'createJob',
        summary: 'Create a job from a crontab or the desk form (names are unique, any case)',
        tags,
        request: jsonBody(JobFields, 'The job'),
        responses: { 201: jsonResponse(JobSchema, 'The job as stored') },
      }),
    ),
    async (c) => {
      const job = await createJob(
        jobDeps,
        withoutActorFields(c.req.valid('json')) as JobInput,
        changeBy(c),
      );
      tagVersion(c, job.version);
      return c.json(served(job), 201);
    },
  );

  withLegacyPaths(
    app,
    [{ path: '/api/cron/jobs/{id}', operationId: 'legacyUpdateCronJob' }],
    op(
      createRoute({
        method: 'put',
        path: '/api/jobs/{id}',
        operationId: 'updateJob',
        summary: 'Change a job, active or not (If-Match: the version you read)',
        tags,
        request: {
          params: JobId,
          headers: IfMatchHeaders,
          ...jsonBody(JobFields, 'The fields to change'),
        },
        responses: { 200: jsonResponse(JobSchema, 'The job as stored') },
      }),
    ),
    async (c) => {
      const { id } = c.req.valid('param');
      const job = await withIfMatch(c.req.valid('header')['if-match'], (version) =>
        updateJob(jobDeps, id, withoutActorFields(c.req.valid('json')) as JobInput, {
          ...changeBy(c),
          expectedVersion: version,
        }),
      );
      tagVersion(c, job.version);
      return c.json(served(job), 200);
    },
  );

  withLegacyPaths(
    app,
    [{ path: '/api/cron/jobs/{id}', operationId: 'legacyDeleteCronJob' }],
    op(
      createRoute({
        method: 'delete',
        path: '/api/jobs/{id}',
        operationId: 'deleteJob',
        summary: 'Delete a job (its fire records stay, as history)',
        tags,
        request: { params: JobId, headers: IfMatchHeaders },
        responses: { 200: jsonResponse(z.object({ removed: JobSchema }), 'The job removed') },
      }),
    ),
    async (c) => {
      const { id } = c.req.valid('param');
      const removed = await withIfMatch(c.req.valid('header')['if-match'], (version) =>
        deleteJob(jobDeps, id, { ...changeBy(c), expectedVersion: version }),
      );
      return c.json({ removed: served(removed) }, 200);
    },
  );

  withLegacyPaths(
    app,
    [{ path: '/api/cron/jobs/{id}/toggle', operationId: 'legacyToggleCronJob' }],
    op(
      createRoute({
        method: 'post',
        path: '/api/jobs/{id}/toggle',
        operationId: 'toggleJob',
        summary: 'Activate an inactive job, deactivate an active one',
        tags,
        request: { params: JobId, headers: IfMatchHeaders },
        responses: { 200: jsonResponse(JobSchema, 'The job as stored') },
      }),
    ),
    async (c) => {
      const { id } = c.req.valid('param');
      const job = await withIfMatch(c.req.valid('header')['if-match'], async (version) => {
        const current = await getJob(deps.store, id);
        return setJobActive(jobDeps, id, !current.active, {
          ...changeBy(c),
          expectedVersion: version ?? current.version,
        });
      });
      tagVersion(c, job.version);
      return c.json(served(job), 200);
    },
  );

  withLegacyPaths(
    app,
    [{ path: '/api/cron/jobs/{id}/run-now', operationId: 'legacyRunCronJobNow' }],
    op(
      createRoute({
        method: 'post',
        path: '/api/jobs/{id}/run-now',
        operationId: 'runJobNow',
        summary:
          'Run a job now with its source and rules; cancel_next=true skips its next fire (409 if it is running)',
        tags,
        request: {
          params: JobId,
          headers: IdempotencyHeaders,
          query: z.object({
            cancel_next: z
              .enum(['true', 'false'])
              .optional()
              .openapi({ description: 'Skip the next fire (default false)' }),
            override_next: z
              .enum(['true', 'false'])
              .optional()
              .openapi({ description: "The first implementation's name of cancel_next" }),
          }),
        },
        responses: {
          201: jsonResponse(
            z
              .object({
                run: z.record(z.string(), z.unknown()),
                cancelledFire: z.string().nullable(),
              })
              .openapi('JobRunNow'),
            'The run committed; the fire it cancelled, if any',
          ),
        },
      }),
    ),
    async (c) => {
      const { id } = c.req.valid('param');
      const q = c.req.valid('query');
      const cancelNext = (q.cancel_next ?? q.override_next) === 'true';
      const answer = await idempotent(
        deps,
        c,
        'job-run-now',
        c.req.valid('header')['idempotency-key'],
        `${id}:${cancelNext}`,
        async () => {
          const result = await runJobNow(
            { store: deps.store, clock: deps.clock },
            id,
            { cancelNext, run: async (request) => (await deps.pipeline.run(request)).record },
            changeBy(c),
          );
          return {
            status: 201,
            body: { run: result.run, cancelledFire: result.cancelled ?? null },
          };
        },
      );
      return c.json(
        answer.body as { run: Record<string, unknown>; cancelledFire: string | null },
        201,
      );
    },
  );

  app.openapi(
    op(
      createRoute({
        method: 'get',
        path: '/api/jobs/{id}/fires',
        operationId: 'listJobFires',
        summary: "A job's fire records with desk statuses (default: the last 7 days)",
        tags,
        request: { params: JobId, query: RangeQuery },
        responses: { 200: jsonResponse(pageSchema(Fire, 'FirePage'), 'A page of fire records') },
      }),
    ),
    async (c) => {
      const { id } = c.req.valid('param');
      const q = c.req.valid('query');
      await getJob(deps.store, id);
      const now = deps.clock.now().getTime();
      const fires = await listFires(deps.store, id, {
        fromMs: ms(q.from, now - 7 * DAY_MS),
        toMs: ms(q.to, now),
      });
      return c.json(
        pageOf(
          fires.map((f) => ({ ...f, desk: deskStatusOfFire(f) })),
          q,
        ),
        200,
      );
    },
  );

  withLegacyPaths(
    app,
    [{ path: '/api/cron/logs', operationId: 'legacyListCronLogs' }],
    op(
      createRoute({
        method: 'get',
        path: '/api/fires',
        operationId: 'listFires',
        summary:
          'The fire records of every job with desk statuses, newest first (default: the last 7 days)',
        tags,
        request: { query: RangeQuery },
        responses: { 200: jsonResponse(pageSchema(Fire, 'AllFirePage'), 'A page of fire records') },
      }),
    ),
    async (c) => {
      const q = c.req.valid('query');
      const now = deps.clock.now().getTime();
      const range = { fromMs: ms(q.from, now - 7 * DAY_MS), toMs: ms(q.to, now) };
      const all = [];
      for (const job of await listJobs(deps.store))
        for (const fire of await listFires(deps.store, job.id, range))
          all.push({ ...fire, jobName: job.name, desk: deskStatusOfFire(fire) });
      all.sort((a, b) => b.nominal.localeCompare(a.nominal));
      return c.json(pageOf(all, q), 200);
    },
  );

  app.openapi(
    op(
      createRoute({
        method: 'get',
        path: '/api/jobs/{id}/next',
        operationId: 'listJobNextFires',
        summary: "A job's next fire times (UTC instants)",
        tags,
        request: {
          params: JobId,
          query: z.object({
            count: z.coerce.number().int().min(1).max(1000).default(5),
            from: Instant,
          }),
        },
        responses: {
          200: jsonResponse(
            z.object({ timezone: z.string(), fires: z.array(z.string()) }).openapi('NextFires'),
            'The fires',
          ),
        },
      }),
    ),
    async (c) => {
      const job = await getJob(deps.store, c.req.valid('param').id);
      const q = c.req.valid('query');
      const fires = nextFires(
        { cron: parseCron(job.cron), timezone: job.timezone },
        ms(q.from, deps.clock.now().getTime()),
        q.count,
      );
      return c.json(
        { timezone: job.timezone, fires: fires.map((t) => new Date(t).toISOString()) },
        200,
      );
    },
  );

  app.openapi(
    op(
      createRoute({
        method: 'get',
        path: '/api/schedule/next-run',
        operationId: 'getNextRun',
        summary: 'The next run across active jobs, with seconds to go (null: no active job)',
        tags,
        responses: {
          200: jsonResponse(
            z.object({
              next: z
                .object({
                  jobId: z.string(),
                  jobName: z.string(),
                  timezone: z.string(),
                  at: z.string(),
                  secondsToGo: z.number(),
                })
                .nullable(),
            }),
            'The next run',
          ),
        },
      }),
    ),
    async (c) => c.json({ next: await nextRun(deps.store, deps.clock) }, 200),
  );

  app.openapi(
    op(
      createRoute({
        method: 'get',
        path: '/api/schedule/calendar',
        operationId: 'getScheduleCalendar',
        summary:
          'Past fires with statuses and future fires with skip markers (default: 7 days from today, UTC)',
        tags,
        request: {
          query: z.object({ from: Instant, to: Instant, job: JobIdText.optional() }),
        },
        responses: {
          200: jsonResponse(
            z
              .object({
                entries: z.array(
                  z.looseObject({
                    kind: z.enum(['past', 'future']),
                    jobId: z.string(),
                    at: z.string(),
                  }),
                ),
              })
              .openapi('Calendar'),
            'The calendar',
          ),
        },
      }),
    ),
    async (c) => {
      const q = c.req.valid('query');
      const today = Date.parse(`${deps.clock.now().toISOString().slice(0, 10)}T00:00:00Z`);
      const fromMs = ms(q.from, today);
      const toMs = ms(q.to, fromMs + 7 * DAY_MS);
      if (toMs < fromMs)
        throw new MarketPulseError('VALIDATION_ERROR', '`to` is before `from`', {
          details: { field: 'query.to' },
        });
      if (toMs - fromMs > 366 * DAY_MS)
        throw new MarketPulseError('VALIDATION_ERROR', 'a calendar covers at most a year', {
          details: { field: 'query.to' },
        });
      const entries = await scheduleCalendar(deps.store, deps.clock, {
        fromMs,
        toMs,
        ...(q.job ? { jobId: q.job } : {}),
      });
      return c.json({ entries }, 200);
    },
  );

  app.openapi(
    op(
      createRoute({
        method: 'get',
        path: '/api/schedule/settings',
        operationId: 'getScheduleSettings',
        summary: 'Pipeline-wide schedule settings: overlap policy, lateness, dead-man check',
        tags,
        responses: { 200: jsonResponse(Settings, 'The settings') },
      }),
    ),
    async (c) => c.json(await readScheduleSettings(deps.store), 200),
  );

  app.openapi(
    op(
      createRoute({
        method: 'patch',
        path: '/api/schedule/settings',
        operationId: 'updateScheduleSettings',
        summary: 'Change schedule settings (only the fields given)',
        tags,
        request: jsonBody(SettingsChange, 'The fields to change'),
        responses: { 200: jsonResponse(Settings, 'The settings as stored') },
      }),
    ),
    async (c) =>
      c.json(
        await updateScheduleSettings(
          { store: deps.store, clock: deps.clock },
          withoutActorFields(c.req.valid('json')) as ScheduleSettingsChange,
          changeBy(c),
        ),
        200,
      ),
  );

  app.openapi(
    op(
      createRoute({
        method: 'get',
        path: '/api/schedule/presets',
        operationId: 'listSchedulePresets',
        summary: 'Common schedules to pick from (weekdays 18:30, every 4 h in business hours, …)',
        tags,
        responses: {
          200: jsonResponse(
            z.object({
              presets: z.array(
                z.object({
                  id: z.string(),
                  label: z.string(),
                  cron: z.string(),
                  deskForm: DeskForm.nullable(),
                }),
              ),
            }),
            'The presets',
          ),
        },
      }),
    ),
    (c) =>
      c.json(
        {
          presets: SCHEDULE_PRESETS.map((p) => ({
            ...p,
            deskForm: p.deskForm ? { ...p.deskForm, days: [...p.deskForm.days] } : null,
          })),
        },
        200,
      ),
  );
  return app;
}
