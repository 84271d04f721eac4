import {
  type CalendarDate,
  calendarDateToDays,
  daysToCalendarDate,
} from '../parse/calendar-date.js';

/**
 * The latest business day (Monday–Friday) on or before `date`: a demo run on a Sunday shows
 * Friday's colors, as a desk would see them.
 *
 * @example
 * ```ts
 * latestBusinessDay('2026-11-22'); // '2026-11-20' (a Sunday → the Friday before)
 * ```
 */
export function latestBusinessDay(date: CalendarDate): CalendarDate {
  let days = calendarDateToDays(date);
  // 1970-01-01 was a Thursday: (days + 4) mod 7 is the weekday, 0 = Sunday.
  const weekday = () => (((days + 4) % 7) + 7) % 7;
  while (weekday() === 0 || weekday() === 6) days--;
  return daysToCalendarDate(days);
}
