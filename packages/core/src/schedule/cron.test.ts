import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMarketPulseError } from '../errors.js';
import { parseCron } from './cron.js';
import { cronOfDeskForm, deskFormOf } from './desk-form.js';

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

describe('the desk form', () => {
  it('writes weekdays as a range and every day as *', () => {
    expect(cronOfDeskForm({ time: '18:30', days: ['MON', 'TUE', 'WED', 'THU', 'FRI'] })).toBe(
      '30 18 * * MON-FRI',
    );
    expect(
      cronOfDeskForm({ time: '07:05', days: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] }),
    ).toBe('5 7 * * *');
    expect(cronOfDeskForm({ time: '09:00', days: ['MON', 'WED', 'SAT', 'SUN'] })).toBe(
      '0 9 * * MON,WED,SAT,SUN',
    );
  });

  it('refuses a bad time or no days, naming the field', () => {
    expect(() => cronOfDeskForm({ time: '25:00', days: ['MON'] })).toThrow(/time must be HH:MM/);
    expect(() => cronOfDeskForm({ time: '18:30', days: [] })).toThrow(/at least one day/);
  });

  it('is derived only when it can express the expression', () => {
    expect(deskFormOf('30 18 * * 1-5')).toEqual({
      time: '18:30',
      days: ['MON', 'TUE', 'WED', 'THU', 'FRI'],
    });
    expect(deskFormOf('0 */4 * * *')).toBeNull();
    expect(deskFormOf('0 9 1 * *')).toBeNull();
    expect(deskFormOf('0 9 */2 * *')).toBeNull();
    expect(deskFormOf('0 9 * 1-6 *')).toBeNull();
  });

  it('round-trips: desk form → cron → desk form (property)', () => {
    const days = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.subarray([...days], { minLength: 1 }),
        (h, m, chosen) => {
          const time = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
          expect(deskFormOf(cronOfDeskForm({ time, days: chosen }))).toEqual({
            time,
            days: chosen,
          });
        },
      ),
    );
  });
});
