import { z } from 'zod';
import { MarketPulseError } from '../errors.js';

/** A wall-clock reading in some time zone (month 1–12, day-of-week 0 = Sunday). */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  dayOfWeek: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// Formatters are expensive to create and pure to use: one per zone.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new MarketPulseError(
        'VALIDATION_ERROR',
        `not an IANA time zone (unknown time zone "${zone}"; use a name such as Europe/London or America/New_York)`,
        { details: { reason: 'time-zone', zone } },
      );
    }
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** Refuses a name that is not an IANA time zone (with a readable reason). */
export function assertTimeZone(zone: string): void {
  if (zone.trim() === '' || zone !== zone.trim())
    throw new MarketPulseError('VALIDATION_ERROR', `time zone "${zone}" is empty or padded`, {
      details: { reason: 'time-zone', zone },
    });
  formatterOf(zone);
}

/** A string that names an IANA time zone (zod), refused with the readable reason of {@link assertTimeZone}. */
export const timeZoneSchema = z.string().superRefine((zone, ctx) => {
  try {
    assertTimeZone(zone);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
});

/** The wall time as fake-UTC milliseconds (what `Date.UTC` gives for that reading). */
function wallMsAt(zone: string, utcMs: number): number {
  const parts = formatterOf(zone).formatToParts(utcMs);
  const get = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
}

/** The zone's UTC offset at an instant, in milliseconds (whole seconds). */
export function offsetMsAt(zone: string, utcMs: number): number {
  const whole = Math.floor(utcMs / 1000) * 1000;
  return wallMsAt(zone, whole) - whole;
}

/** The wall time in `zone` at a UTC instant — independent of the host's `TZ`. */
export function wallTimeAt(zone: string, utcMs: number): WallTime {
  const wall = new Date(utcMs + offsetMsAt(zone, utcMs));
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    dayOfWeek: wall.getUTCDay(),
  };
}

/** The local calendar date (`YYYY-MM-DD`) in `zone` at a UTC instant. */
export function localDateAt(zone: string, utcMs: number): string {
  return new Date(utcMs + offsetMsAt(zone, utcMs)).toISOString().slice(0, 10);
}

/**
 * The UTC instant of a wall time in `zone`, by the rules of SPEC §5: a time that occurs twice
 * (fall-back) is its first occurrence; a time that does not exist (spring-forward gap) is the first
 * instant after the gap. `wallMs` is the wall time as `Date.UTC` would give it.
 */
export function zonedToUtc(zone: string, wallMs: number): number {
  const before = offsetMsAt(zone, wallMs - DAY);
  const after = offsetMsAt(zone, wallMs + DAY);
  const candidates = [
    ...new Set([wallMs - before, wallMs - after, wallMs - offsetMsAt(zone, wallMs)]),
  ];
  candidates.sort((a, b) => a - b);
  for (const utc of candidates) if (utc + offsetMsAt(zone, utc) === wallMs) return utc;
  // A gap: the clocks jumped from `before` to `after` somewhere in (wall − after, wall − before].
  let low = wallMs - after; // still on the old offset
  let high = wallMs - before; // already on the new offset
  while (high - low > 1000) {
    const mid = low + Math.floor((high - low) / 2000) * 1000;
    if (offsetMsAt(zone, mid) === before) low = mid;
    else high = mid;
  }
  return high;
}

/**
 * When one offset holds for the whole local day starting at `dayWallMs`, that offset; `undefined`
 * on a day with a transition (the caller then converts each time with {@link zonedToUtc}).
 */
export function steadyOffsetOfDay(zone: string, dayWallMs: number): number | undefined {
  // ±14 h covers every zone's offset, so these instants bracket the whole local day.
  const start = offsetMsAt(zone, dayWallMs - 14 * HOUR);
  const end = offsetMsAt(zone, dayWallMs + DAY + 14 * HOUR);
  return start === end ? start : undefined;
}

export const MS_PER_DAY = DAY;
