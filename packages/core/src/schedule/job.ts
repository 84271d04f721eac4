import { z } from 'zod';
import { isCalendarDate } from '../parse/calendar-date.js';
import { parseCron } from './cron.js';
import { timeZoneSchema } from './zoned-time.js';

const cronText = z.string().superRefine((value, ctx) => {
  try {
    parseCron(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
});

/** The wait before a job's first retry when a caller gives a retry count without one. */
export const DEFAULT_RETRY_BACKOFF_MINUTES = 5;

export const retrySchema = z.object({
  /** Extra attempts after the first failure. */
  count: z.number().int().min(1).max(10),
  /** Wait before the first retry; doubles for each further one. */
  backoffMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
});

/**
 * Where a job's fires read their colors: a file path now (an S3 object or the Oracle query when
 * those land, as further kinds). Without one, a fire reads the configured source (`MP_SOURCE`).
 */
export const jobSourceSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('file'),
    path: z.string().trim().min(1, 'a file source needs a path'),
  }),
]);
/**
 * Where a job's runs read their colors (a file path now; an S3 object or a query later).
 *
 * @useDeclaredType
 */
export type JobSource = z.infer<typeof jobSourceSchema>;

/** The fields a user sets on a job (SPEC §5). */
export const jobFieldsSchema = z.object({
  name: z.string().trim().min(1, 'a job needs a name').max(200),
  /** The only stored truth of when the job fires. */
  cron: cronText,
  timezone: timeZoneSchema,
  active: z.boolean(),
  /** A fire found late but within this window still runs, as a catch-up. */
  graceMinutes: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60),
  retry: retrySchema.optional(),
  /** Local dates (in the job's zone) on which fires are skipped. */
  holidays: z
    .array(z.string().refine(isCalendarDate, 'holidays are dates written YYYY-MM-DD'))
    .max(1000)
    .optional(),
  /** The job's own source; absent: the configured one. */
  source: jobSourceSchema.optional(),
  /**
   * The ids of the rules this job applies — of the active ones, only these; absent: every active
   * rule. Names given by a caller are resolved to ids when the job is saved.
   */
  rules: z
    .array(z.string().min(1))
    .min(1, 'a rules subset names at least one rule')
    .max(1000)
    .optional(),
});
/**
 * The fields a user sets on a job (SPEC §5); see {@link Job} for what the store adds.
 *
 * @useDeclaredType
 */
export type JobFields = z.infer<typeof jobFieldsSchema>;

/** A stored job. `version` changes with every update (optimistic concurrency). */
export const jobSchema = jobFieldsSchema.extend({
  id: z.string().regex(/^[a-z0-9-]+$/),
  version: z.number().int().positive(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Who created the job (absent in jobs stored before actors were recorded). */
  createdBy: z.string().optional(),
  /** Who changed the job last (absent likewise). */
  updatedBy: z.string().optional(),
  /** When the job last became active (fires before it are never reported). */
  activatedAt: z.string().optional(),
  /** When cron, zone or holidays last changed (fires before it follow the old schedule). */
  scheduleChangedAt: z.string(),
});
/**
 * A stored job, as {@link jobSchema} validates it: its {@link JobFields} plus id, version and
 * timestamps.
 *
 * @useDeclaredType
 */
export type Job = z.infer<typeof jobSchema>;
