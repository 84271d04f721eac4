import { firesBetween } from './fire-times.js';
import type { Job } from './job.js';
import { localDateAt } from './zoned-time.js';

/** What to do with a fire that came due (see {@link DueFire}). */
export type FireDisposition = 'scheduled' | 'catch_up' | 'missed' | 'holiday';

/** One fire that came due: its nominal time (epoch ms) and what to do with it. */
export interface DueFire {
  nominalMs: number;
  /** `scheduled`/`catch_up`: run it with that trigger; `missed`/`holiday`: record it, do not run. */
  disposition: FireDisposition;
}

/** Tolerances of {@link dueFires}. */
export interface DueOptions {
  /** A fire claimed within this long after its time is `scheduled` (SPEC §5 default: 2 minutes). */
  latenessMs?: number;
  /** At most this many fires per call (default 500; a long outage is worked off over several ticks). */
  limit?: number;
}

/** The fields of a {@link Job} that decide when it fires. */
export type SchedulableJob = Pick<
  Job,
  | 'cron'
  | 'timezone'
  | 'graceMinutes'
  | 'holidays'
  | 'createdAt'
  | 'activatedAt'
  | 'scheduleChangedAt'
>;

/**
 * A job's "evaluated until" watermark (SPEC §5): the latest of its last evaluation, creation,
 * activation and last schedule change — so a new or re-activated job never reports fires from
 * before, and inactive periods produce no records.
 */
export function watermarkOf(job: SchedulableJob, state: { evaluatedUntil: string } | null): number {
  return Math.max(
    Date.parse(job.createdAt),
    job.activatedAt ? Date.parse(job.activatedAt) : Number.NEGATIVE_INFINITY,
    Date.parse(job.scheduleChangedAt),
    state ? Date.parse(state.evaluatedUntil) : Number.NEGATIVE_INFINITY,
  );
}

/** Whether a fire of `job` falls on one of its holidays (a local calendar date in its zone). */
export function isHolidayFire(job: Pick<Job, 'holidays' | 'timezone'>, atMs: number): boolean {
  const holidays = job.holidays ?? [];
  return holidays.length > 0 && holidays.includes(localDateAt(job.timezone, atMs));
}

/**
 * The fires of a job that came due in `(watermarkMs, nowMs]` and what to do with each: the latest
 * (not on a holiday) runs — `scheduled` within the lateness tolerance, `catch_up` within the job's
 * grace window — every older one is `missed`; fires on the job's holidays are `holiday`.
 * `evaluatedUntilMs` is the new watermark (`nowMs`, or the last fire returned when `limit` cut
 * the list short).
 */
export function dueFires(
  job: SchedulableJob,
  watermarkMs: number,
  nowMs: number,
  options: DueOptions = {},
): { fires: DueFire[]; evaluatedUntilMs: number } {
  const latenessMs = options.latenessMs ?? 120_000;
  const limit = options.limit ?? 500;
  // One more than the limit tells whether a later fire exists.
  const times = firesBetween(job, watermarkMs, nowMs, limit + 1);
  const cut = times.length > limit;
  if (cut) times.length = limit; // a later fire exists: every fire kept here is older than it
  let latest = -1;
  if (!cut)
    for (let i = times.length - 1; i >= 0; i--)
      if (!isHolidayFire(job, times[i] as number)) {
        latest = i;
        break;
      }
  const fires = times.map((nominalMs, i): DueFire => {
    if (isHolidayFire(job, nominalMs)) return { nominalMs, disposition: 'holiday' };
    if (i !== latest) return { nominalMs, disposition: 'missed' };
    const late = nowMs - nominalMs;
    if (late <= latenessMs) return { nominalMs, disposition: 'scheduled' };
    if (late <= job.graceMinutes * 60_000) return { nominalMs, disposition: 'catch_up' };
    return { nominalMs, disposition: 'missed' };
  });
  return { fires, evaluatedUntilMs: cut ? (times[times.length - 1] as number) : nowMs };
}
