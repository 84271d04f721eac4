import { CronExpressionParser } from 'cron-parser';
import { MarketPulseError } from '../errors.js';

/**
 * A parsed 5-field crontab (SPEC §5): the sets each field allows, and whether day-of-month and
 * day-of-week are restricted (Vixie cron: when both are, a day matches if either matches; a field
 * written with a leading `*` counts as unrestricted). Our own type, so the parsing library stays
 * swappable and its plain-string errors never leak.
 */
export interface CronSchedule {
  /** The expression as given (trimmed, single spaces). */
  expression: string;
  minutes: readonly number[];
  hours: readonly number[];
  daysOfMonth: ReadonlySet<number>;
  months: ReadonlySet<number>;
  /** 0 = Sunday … 6 = Saturday (7 is folded into 0). */
  daysOfWeek: ReadonlySet<number>;
  dayOfMonthRestricted: boolean;
  dayOfWeekRestricted: boolean;
}

const FIELD_NAMES = ['minute', 'hour', 'day-of-month', 'month', 'day-of-week'] as const;
const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MONTH_NAMES = [
  'JAN',
  'FEB',
  'MAR',
  'APR',
  'MAY',
  'JUN',
  'JUL',
  'AUG',
  'SEP',
  'OCT',
  'NOV',
  'DEC',
];
const NAME_PATTERN = new RegExp(`\\b(${[...DAY_NAMES, ...MONTH_NAMES].join('|')})\\b`, 'gi');
/** Days in each month, February counted as 29: a date that exists in some year can fire. */
const MAX_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function refuse(expression: string, reason: string, detail: string): never {
  throw new MarketPulseError('VALIDATION_ERROR', `cron "${expression}": ${reason}`, {
    details: { reason: detail, cron: expression },
  });
}

/** The numeric value of one end of a range (names allowed in month and day-of-week). */
function rangeEndValue(token: string, field: (typeof FIELD_NAMES)[number]): number {
  const upper = token.toUpperCase();
  if (field === 'day-of-week' && DAY_NAMES.includes(upper)) return DAY_NAMES.indexOf(upper);
  if (field === 'month' && MONTH_NAMES.includes(upper)) return MONTH_NAMES.indexOf(upper) + 1;
  return Number(token);
}

/** Refuses ranges that wrap around (`FRI-MON`, `22-2`), which cron reads inconsistently. */
function checkRanges(expression: string, field: (typeof FIELD_NAMES)[number], text: string) {
  for (const part of text.split(',')) {
    const range = /^([^-/]+)-([^-/]+)/.exec(part);
    if (!range) continue;
    const from = rangeEndValue(range[1] as string, field);
    let to = rangeEndValue(range[2] as string, field);
    // `MON-SUN` means Monday through Sunday: Sunday closes a range as 7.
    if (field === 'day-of-week' && to === 0 && from > 0) to = 7;
    if (Number.isFinite(from) && Number.isFinite(to) && from > to) {
      refuse(
        expression,
        `the ${field} range ${range[1]}-${range[2]} wraps around; list the values instead (e.g. ${field === 'day-of-week' ? 'FRI,SAT,SUN,MON' : '22,23,0,1,2'})`,
        'wrapping-range',
      );
    }
  }
}

/**
 * Parses and validates a standard 5-field crontab (`minute hour day-of-month month day-of-week`,
 * names MON–SUN and JAN–DEC, 0 and 7 both Sunday, `@daily`-style macros). Refuses, with a
 * readable reason (VALIDATION_ERROR): syntax errors, a wrong field count, non-standard extensions
 * (`L`, `W`, `#`, `?`, seconds), wrapping ranges and expressions that can never fire.
 *
 * @example
 * ```ts
 * parseCron('30 18 * * MON-FRI').daysOfWeek; // Set {1, 2, 3, 4, 5}
 * ```
 */
export function parseCron(input: string): CronSchedule {
  // Parsing is slow (the library builds zoned dates) and schedulers re-read the same few
  // expressions every tick: remember them. Schedules are immutable, so sharing them is safe.
  let schedule = parsed.get(input);
  if (!schedule) {
    if (parsed.size >= 1000) parsed.clear();
    schedule = parseCronUncached(input);
    parsed.set(input, schedule);
  }
  return schedule;
}

const parsed = new Map<string, CronSchedule>();

function parseCronUncached(input: string): CronSchedule {
  const expression = input.trim().replace(/\s+/g, ' ');
  if (expression === '') refuse(input, 'the expression is empty', 'syntax');
  const expanded = MACROS[expression.toLowerCase()] ?? expression;
  if (expanded.startsWith('@')) refuse(expression, `unknown macro ${expression}`, 'syntax');
  const fields = expanded.split(' ');
  if (fields.length !== 5) {
    refuse(
      expression,
      `expected 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`,
      'field-count',
    );
  }
  fields.forEach((text, i) => {
    const field = FIELD_NAMES[i] as (typeof FIELD_NAMES)[number];
    // Names are fine; any other letter or `?`/`#` is an extension we do not support (L, W, H…).
    const withoutNames = text.replace(NAME_PATTERN, '');
    if (/[A-Za-z?#]/.test(withoutNames))
      refuse(
        expression,
        `the ${field} field "${text}" is not valid: use numbers, ranges, steps and the names MON–SUN, JAN–DEC (L, W, #, ? and H are not supported)`,
        'syntax',
      );
    checkRanges(expression, field, text);
  });
  const [minuteText, hourText, domText, monthText, dowText] = fields as [
    string,
    string,
    string,
    string,
    string,
  ];
  let library: ReturnType<typeof CronExpressionParser.parse>;
  try {
    // `MON-SUN` → `MON-7` so the library reads Sunday closing a range as we do.
    const dow = dowText.replace(/-(SUN|0)\b/gi, '-7');
    library = CronExpressionParser.parse(
      `${minuteText} ${hourText} ${domText} ${monthText} ${dow}`,
      {
        tz: 'UTC',
      },
    );
  } catch (err) {
    const message = (err as Error)?.message ?? String(err);
    if (/day of month/i.test(message))
      refuse(expression, 'it can never fire (no month has that day)', 'never-fires');
    refuse(
      expression,
      /NaN/.test(message)
        ? 'a range or step is incomplete (e.g. "MON-" or "*/")'
        : message.replace(/^Error:\s*/, ''),
      'syntax',
    );
  }
  const f = library.fields;
  const schedule: CronSchedule = {
    expression,
    minutes: [...f.minute.values].map(Number).sort((a, b) => a - b),
    hours: [...f.hour.values].map(Number).sort((a, b) => a - b),
    daysOfMonth: new Set(f.dayOfMonth.values.map(Number).filter(Number.isInteger)),
    months: new Set(f.month.values.map(Number)),
    daysOfWeek: new Set(f.dayOfWeek.values.map((v) => Number(v) % 7)),
    dayOfMonthRestricted: !domText.startsWith('*'),
    dayOfWeekRestricted: !dowText.startsWith('*'),
  };
  if (!canFire(schedule))
    refuse(expression, 'it can never fire (no month has that day)', 'never-fires');
  return schedule;
}

/** Whether some day of some year matches (only day-of-month × month can be impossible). */
function canFire(s: CronSchedule): boolean {
  if (s.dayOfWeekRestricted || !s.dayOfMonthRestricted) return true; // some weekday exists every month
  for (const month of s.months)
    for (const day of s.daysOfMonth) if (day <= (MAX_DAYS[month - 1] as number)) return true;
  return false;
}

/** Whether a calendar day matches the schedule's day fields (Vixie semantics). */
export function dayMatches(
  s: CronSchedule,
  month: number,
  day: number,
  dayOfWeek: number,
): boolean {
  if (!s.months.has(month)) return false;
  const domMatch = s.daysOfMonth.has(day);
  const dowMatch = s.daysOfWeek.has(dayOfWeek);
  if (s.dayOfMonthRestricted && s.dayOfWeekRestricted) return domMatch || dowMatch;
  return domMatch && dowMatch;
}
