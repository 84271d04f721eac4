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
export type DeskForm = z.infer<typeof deskFormSchema>;

/** Monday first, as a desk reads a week; the index + 1 is cron's number (SUN = 7 → 0). */
export const WEEK = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;

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
  const chosen = WEEK.map((day) => parsed.data.days.includes(day));
  let days: string;
  if (chosen.every(Boolean)) days = '*';
  else {
    const runs: string[] = [];
    for (let i = 0; i < 7; i++) {
      if (!chosen[i]) continue;
      let end = i;
      while (end + 1 < 7 && chosen[end + 1]) end++;
      runs.push(end - i >= 2 ? `${WEEK[i]}-${WEEK[end]}` : WEEK.slice(i, end + 1).join(','));
      i = end;
    }
    days = runs.join(',');
  }
  return `${minute} ${hour} * * ${days}`;
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
