import { type CronSchedule, dayMatches } from './cron.js';
import { MS_PER_DAY, steadyOffsetOfDay, wallTimeAt, zonedToUtc } from './zoned-time.js';

/** Something that fires: a parsed crontab in an IANA zone. */
export interface FireSchedule {
  cron: CronSchedule;
  timezone: string;
}

// A valid schedule fires at least once in any 8 years (29 February); past that, stop looking.
const SEARCH_DAYS = 366 * 9;

/**
 * Every fire strictly after `afterMs`, in order, as UTC milliseconds. Our own wall-clock walker
 * over the crontab's sets — cron libraries have open DST bugs — with the rules of SPEC §5,
 * independent of the host `TZ`: a wall time inside a spring-forward gap fires at the first instant
 * after the gap; a repeated wall time fires only at its first occurrence (so an every-15-minutes job
 * has no fires in the repeated hour); the same instant never fires twice.
 */
export function* firesAfter(schedule: FireSchedule, afterMs: number): Generator<number> {
  const { cron, timezone } = schedule;
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

/** The next `count` fires strictly after `afterMs` (UTC milliseconds). */
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
