import { type CronSchedule, dayMatches, parseCron } from './cron.js';
import { MS_PER_DAY, steadyOffsetOfDay, wallTimeAt, zonedToUtc } from './zoned-time.js';

/** Something that fires: a crontab (text or parsed) in an IANA zone — a job is one. */
export interface FireSchedule {
  cron: CronSchedule | string;
  timezone: string;
}

// The calendar repeats every 28 years (between century exceptions): a schedule that has not fired
// for that long never will (e.g. `0 0 */31 2 MON` fires on the Mondays that are 1 February).
const SEARCH_DAYS = 366 * 29;

/**
 * Every fire strictly after `afterMs`, in order, as UTC milliseconds. Our own wall-clock walker
 * over the crontab's sets — cron libraries have open DST bugs — with the rules of SPEC §5,
 * independent of the host `TZ`: a wall time inside a spring-forward gap fires at the first instant
 * after the gap; a repeated wall time fires only at its first occurrence (so an every-15-minutes job
 * has no fires in the repeated hour); the same instant never fires twice.
 */
export function* firesAfter(schedule: FireSchedule, afterMs: number): Generator<number> {
  const { timezone } = schedule;
  const cron = typeof schedule.cron === 'string' ? parseCron(schedule.cron) : schedule.cron;
  const start = wallTimeAt(timezone, afterMs);
  let dayWall = Date.UTC(start.year, start.month - 1, start.day);
  let last = afterMs;
  for (let idle = 0; idle < SEARCH_DAYS; idle++, dayWall += MS_PER_DAY) {
    const date = new Date(dayWall);
    if (!dayMatches(cron, date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCDay())) continue;
    const steady = steadyOffsetOfDay(timezone, dayWall);
    for (const hour of cron.hours) {
      for (const minute of cron.minutes) {
        const wall = dayWall + hour * 3_600_000 + minute * 60_000;
        const at = steady === undefined ? zonedToUtc(timezone, wall) : wall - steady;
        if (at > last) {
          last = at;
          idle = 0;
          yield at;
        }
      }
    }
  }
}

/**
 * The next `count` fires strictly after `afterMs` (UTC milliseconds).
 *
 * @example
 * ```ts
 * nextFires({ cron: '30 18 * * MON-FRI', timezone: 'Europe/London' }, Date.parse('2026-11-20T00:00:00Z'), 2);
 * // [Date.parse('2026-11-20T18:30:00Z'), Date.parse('2026-11-23T18:30:00Z')]
 * ```
 */
export function nextFires(schedule: FireSchedule, afterMs: number, count: number): number[] {
  const fires: number[] = [];
  if (count <= 0) return fires;
  for (const at of firesAfter(schedule, afterMs)) {
    fires.push(at);
    if (fires.length >= count) break;
  }
  return fires;
}

/** Fires in `(afterMs, untilMs]`, at most `limit` of them (the earliest). */
export function firesBetween(
  schedule: FireSchedule,
  afterMs: number,
  untilMs: number,
  limit: number,
): number[] {
  const fires: number[] = [];
  for (const at of firesAfter(schedule, afterMs)) {
    if (at > untilMs || fires.length >= limit) break;
    fires.push(at);
  }
  return fires;
}
