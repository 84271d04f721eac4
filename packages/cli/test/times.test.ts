import { describe, expect, it } from 'vitest';
import { durationWords, fromNow, zonedTime } from '../src/times.js';

describe('times in words', () => {
  it.each([
    [0, 'less than a minute'],
    [59_999, 'less than a minute'],
    [60_000, '1 min'],
    [3_600_000, '1 h'],
    [(33 * 60 + 38) * 60_000 + 5_000, '1 d 9 h 38 min'],
    [2 * 86_400_000 + 60_000, '2 d 1 min'],
  ])('%i ms is %s', (ms, words) => expect(durationWords(ms)).toBe(words));

  it('from now, and instants in a zone with their offset', () => {
    expect(fromNow(5 * 60_000, 0)).toBe('in 5 min');
    expect(fromNow(0, 5 * 60_000)).toBe('5 min ago');
    expect(zonedTime(Date.parse('2026-03-08T07:30:00Z'), 'America/New_York')).toBe(
      'Sun 2026-03-08 03:30 -04:00',
    );
    expect(zonedTime(Date.parse('2026-03-08T06:30:00Z'), 'America/New_York')).toBe(
      'Sun 2026-03-08 01:30 -05:00',
    );
    expect(zonedTime(Date.parse('2026-06-01T00:00:00Z'), 'Asia/Kolkata')).toBe(
      'Mon 2026-06-01 05:30 +05:30',
    );
  });
});
