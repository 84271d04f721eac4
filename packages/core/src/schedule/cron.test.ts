import { describe, expect, it } from 'vitest';
import { isMarketPulseError } from '../errors.js';
import { parseCron } from './cron.js';

const refusal = (cron: string) => {
  try {
    parseCron(cron);
  } catch (err) {
    if (!isMarketPulseError<{ reason: string }>(err, 'VALIDATION_ERROR')) throw err;
    return { reason: err.details?.reason, message: err.message };
  }
  return undefined;
};

describe('parseCron', () => {
  it.each([
    ['0 0 30 2 *', 'never-fires', /can never fire/],
    ['0 0 31 4,6 *', 'never-fires', /can never fire/],
    ['0 0 * * FRI-MON', 'wrapping-range', /FRI-MON wraps around/],
    ['0 22-2 * * *', 'wrapping-range', /hour range 22-2 wraps/],
    ['1 2 3', 'field-count', /expected 5 fields/],
    ['0 0 0 * * *', 'field-count', /got 6/],
    ['0 0 L * *', 'syntax', /L, W, #, \? and H are not supported/],
    ['0 0 * * 5#2', 'syntax', /not supported/],
    ['61 * * * *', 'syntax', /61/],
    ['0 0 * * XYZ', 'syntax', /day-of-week field "XYZ"/],
    ['', 'syntax', /empty/],
    ['@fortnightly', 'syntax', /unknown macro/],
  ])('refuses %j (%s) with a readable reason', (cron, reason, message) => {
    expect(refusal(cron)).toMatchObject({ reason, message: expect.stringMatching(message) });
  });

  it('accepts names, 7 as Sunday, MON-SUN, steps and macros', () => {
    expect([...parseCron('30 18 * * MON-FRI').daysOfWeek]).toEqual([1, 2, 3, 4, 5]);
    expect([...parseCron('0 0 * * 7').daysOfWeek]).toEqual([0]);
    expect(parseCron('0 0 * * MON-SUN').daysOfWeek.size).toBe(7);
    expect(parseCron('*/15 * * * *').minutes).toEqual([0, 15, 30, 45]);
    expect(parseCron('@daily')).toMatchObject({ minutes: [0], hours: [0] });
    expect(parseCron('0 0 31 3,4 *').daysOfMonth.has(31)).toBe(true);
    expect(parseCron('  30   18 * *   1-5 ').expression).toBe('30 18 * * 1-5');
  });
});
