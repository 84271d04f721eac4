import { offsetMsAt, wallTimeAt } from '@market-pulse/core';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const two = (n: number) => String(n).padStart(2, '0');

/** `+05:30`, `-04:00`: a zone's offset from UTC at an instant. */
function offsetText(zone: string, ms: number): string {
  const minutes = Math.round(offsetMsAt(zone, ms) / 60_000);
  const sign = minutes < 0 ? '-' : '+';
  return `${sign}${two(Math.floor(Math.abs(minutes) / 60))}:${two(Math.abs(minutes) % 60)}`;
}

/**
 * An instant as a desk in `zone` reads it, with the offset so it is never ambiguous:
 * `Mon 2026-11-23 18:30 -05:00`.
 */
export function zonedTime(ms: number, zone: string): string {
  const w = wallTimeAt(zone, ms);
  return `${DAYS[w.dayOfWeek]} ${w.year}-${two(w.month)}-${two(w.day)} ${two(w.hour)}:${two(w.minute)} ${offsetText(zone, ms)}`;
}

/** A duration in words, to the minute: `1 d 9 h 38 min`, `12 min`, `less than a minute`. */
export function durationWords(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  if (minutes === 0) return 'less than a minute';
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  return [d && `${d} d`, h && `${h} h`, m && `${m} min`].filter(Boolean).join(' ');
}

/** How far an instant is from now: `in 1 d 9 h 38 min`, `12 min ago`. */
export function fromNow(ms: number, nowMs: number): string {
  const words = durationWords(ms - nowMs);
  if (words === 'less than a minute') return ms >= nowMs ? 'in less than a minute' : 'just now';
  return ms >= nowMs ? `in ${words}` : `${words} ago`;
}
