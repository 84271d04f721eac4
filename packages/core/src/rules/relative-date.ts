import {
  type CalendarDate,
  calendarDateToDays,
  daysToCalendarDate,
  parseDateText,
} from '../parse/calendar-date.js';

const RELATIVE = /^today(?:\s*([+-])\s*(\d{1,4})\s*(d|bd))?$/i;

/** True when a rule value is a relative date (`today`, `today-3d`, `today-2bd`, `today+1d`). */
export function isRelativeDate(text: string): boolean {
  return RELATIVE.test(text.trim());
}

/**
 * Resolves a rule's date value against the run's business date: absolute `YYYY-MM-DD`, or relative
 * in calendar days (`d`) or business days (`bd`, Monday–Friday). `undefined` when it is neither.
 */
export function resolveRuleDate(
  text: string,
  businessDate: CalendarDate,
): CalendarDate | undefined {
  const trimmed = text.trim();
  const match = RELATIVE.exec(trimmed);
  if (!match) return /^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? parseDateText(trimmed) : undefined;
  const sign = match[1] === '-' ? -1 : 1;
  const amount = Number(match[2] ?? 0);
  let days = calendarDateToDays(businessDate);
  if (match[3]?.toLowerCase() === 'bd') {
    for (let left = amount; left > 0; ) {
      days += sign;
      if (!isWeekend(days)) left--;
    }
  } else days += sign * amount;
  return daysToCalendarDate(days);
}

// 1970-01-01 was a Thursday: day 0 → 4 in getUTCDay numbering.
function isWeekend(days: number): boolean {
  const weekday = (((days + 4) % 7) + 7) % 7;
  return weekday === 0 || weekday === 6;
}
