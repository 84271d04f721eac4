import { z } from 'zod';
import { MarketPulseError } from '../errors.js';
import { type CronSchedule, parseCron } from './cron.js';

/** The desk's way of writing a schedule: a time of day and the weekdays it runs on. */
export const deskFormSchema = z.object({
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'time must be HH:MM (24-hour), e.g. 18:30'),
  days: z
    .array(z.enum(['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN']))
    .min(1, 'pick at least one day'),
});
/** A desk form, validated: `{ time: '18:30', days: ['MON', …] }`. */
export type DeskForm = z.infer<typeof deskFormSchema>;

/** Monday first, as a desk reads a week; the index + 1 is cron's number (SUN = 7 → 0). */
export const WEEK = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;

/** A day of the week as the desk form names it: `MON` … `SUN`. */
export type WeekDay = (typeof WEEK)[number];

/**
 * The days a desk writes as text: `daily` (or `every day`), `weekdays`, or day names MON–SUN as a
 * list and ranges within a week (`MON-FRI`, `MON,WED,FRI`, `MON-WED,FRI`), in any case. Days come
 * back in the order written, each once. A range that wraps (`FRI-MON`) or an unknown name is
 * refused (VALIDATION_ERROR) naming `field` — the caller's name for the input (a CLI passes its
 * flag, e.g. `--days`), so the message says what to change.
 *
 * @example
 * ```ts
 * parseDeskDays('MON-FRI'); // ['MON', 'TUE', 'WED', 'THU', 'FRI']
 * parseDeskDays('fri,mon'); // ['FRI', 'MON']
 * parseDeskDays('weekdays'); // ['MON', 'TUE', 'WED', 'THU', 'FRI']
 * parseDeskDays('FRI-MON', '--days'); // throws "--days takes day names MON–SUN, …"
 * ```
 */
export function parseDeskDays(text: string, field = 'days'): WeekDay[] {
  const lower = text.trim().toLowerCase();
  if (lower === 'daily' || lower === 'every day') return [...WEEK];
  if (lower === 'weekdays') return WEEK.slice(0, 5);
  const days: WeekDay[] = [];
  for (const part of text.toUpperCase().split(',')) {
    const [from, to] = part.trim().split('-') as [string, string | undefined];
    const a = WEEK.indexOf(from as WeekDay);
    const b = to === undefined ? a : WEEK.indexOf(to as WeekDay);
    if (a < 0 || b < 0 || b < a)
      throw new MarketPulseError(
        'VALIDATION_ERROR',
        `${field} takes day names MON–SUN, lists and ranges within a week, e.g. MON-FRI or MON,WED (got ${text})`,
        { details: { field, reason: 'desk-days' } },
      );
    days.push(...WEEK.slice(a, b + 1));
  }
  return [...new Set(days)];
}

/**
 * The canonical text of a set of days: in week order, each once, three or more consecutive days
 * as a range — `MON-FRI`, `MON,WED,SAT,SUN`, every day `MON-SUN`. `parseDeskDays` reads it back
 * to the same days; the crontab of a desk form uses it for its day-of-week field.
 *
 * @example
 * ```ts
 * deskDaysText(['FRI', 'MON', 'TUE', 'WED', 'THU']); // 'MON-FRI'
 * deskDaysText(['SAT', 'MON', 'SUN']); // 'MON,SAT,SUN'
 * ```
 */
export function deskDaysText(days: readonly WeekDay[]): string {
  const chosen = WEEK.map((day) => days.includes(day));
  const runs: string[] = [];
  for (let i = 0; i < 7; i++) {
    if (!chosen[i]) continue;
    let end = i;
    while (end + 1 < 7 && chosen[end + 1]) end++;
    runs.push(end - i >= 2 ? `${WEEK[i]}-${WEEK[end]}` : WEEK.slice(i, end + 1).join(','));
    i = end;
  }
  return runs.join(',');
}

/**
 * The crontab of a desk form: `{ time: '18:30', days: ['MON', …, 'FRI'] }` → `30 18 * * MON-FRI`
 * (consecutive days written as a range, every day as `*`).
 */
export function cronOfDeskForm(input: unknown): string {
  const parsed = deskFormSchema.safeParse(input);
  if (!parsed.success) {
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `invalid schedule: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'form'}: ${i.message}`).join('; ')}`,
      { details: { reason: 'desk-form', issues: parsed.error.issues } },
    );
  }
  const [hour, minute] = parsed.data.time.split(':').map(Number) as [number, number];
  const everyDay = WEEK.every((day) => parsed.data.days.includes(day));
  return `${minute} ${hour} * * ${everyDay ? '*' : deskDaysText(parsed.data.days)}`;
}

/**
 * The desk form of a schedule when it can express it (one time of day, every day-of-month and
 * month, any set of weekdays), else `null`.
 */
export function deskFormOf(schedule: CronSchedule | string): DeskForm | null {
  const s = typeof schedule === 'string' ? parseCron(schedule) : schedule;
  if (s.minutes.length !== 1 || s.hours.length !== 1) return null;
  if (s.dayOfMonthRestricted || s.daysOfMonth.size !== 31 || s.months.size !== 12) return null;
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    time: `${pad(s.hours[0] as number)}:${pad(s.minutes[0] as number)}`,
    days: WEEK.filter((_, i) => s.daysOfWeek.has((i + 1) % 7)),
  };
}
