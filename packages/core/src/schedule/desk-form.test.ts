import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMarketPulseError } from '../errors.js';
import {
  cronOfDeskForm,
  deskDaysText,
  deskFormOf,
  parseDeskDays,
  WEEK,
  type WeekDay,
} from './desk-form.js';

const refusal = (text: string, field?: string) => {
  try {
    parseDeskDays(text, field);
  } catch (err) {
    if (!isMarketPulseError<{ field: string; reason: string }>(err, 'VALIDATION_ERROR')) throw err;
    return { message: err.message, ...err.details };
  }
  return undefined;
};

describe('parseDeskDays', () => {
  it.each([
    ['MON-FRI', ['MON', 'TUE', 'WED', 'THU', 'FRI']],
    ['MON,WED,FRI', ['MON', 'WED', 'FRI']],
    ['mon-wed, fri', ['MON', 'TUE', 'WED', 'FRI']],
    ['SAT-SUN', ['SAT', 'SUN']],
    ['SUN', ['SUN']],
    ['MON-SUN', [...WEEK]],
    ['weekdays', ['MON', 'TUE', 'WED', 'THU', 'FRI']],
    [' Daily ', [...WEEK]],
    ['every day', [...WEEK]],
    // In the order written, each once.
    ['FRI,MON', ['FRI', 'MON']],
    ['MON-WED,TUE,MON', ['MON', 'TUE', 'WED']],
  ])('reads %j', (text, days) => {
    expect(parseDeskDays(text)).toEqual(days);
  });

  it.each(['FRI-MON', 'MONDAY', 'XYZ', '', 'MON,', '-FRI', 'MON-', '1-5', 'weekends'])(
    'refuses %j, naming the field the caller gave',
    (text) => {
      expect(refusal(text, '--days')).toEqual({
        message: `--days takes day names MON–SUN, lists and ranges within a week, e.g. MON-FRI or MON,WED (got ${text})`,
        field: '--days',
        reason: 'desk-days',
      });
    },
  );

  it('names the field `days` when the caller gives none', () => {
    expect(refusal('FRI-MON')).toMatchObject({ message: expect.stringMatching(/^days takes/) });
  });

  it('reads back every set of days written in canonical form (property)', () => {
    fc.assert(
      fc.property(fc.subarray([...WEEK], { minLength: 1 }), (days) => {
        expect(parseDeskDays(deskDaysText(days))).toEqual(days);
      }),
    );
  });

  it('reads any list of day names as those days, in the order first written (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...WEEK), { minLength: 1, maxLength: 10 }),
        fc.boolean(),
        (days, lower) => {
          const text = days.join(',');
          expect(parseDeskDays(lower ? text.toLowerCase() : text)).toEqual([...new Set(days)]);
        },
      ),
    );
  });
});

describe('deskDaysText', () => {
  it.each([
    [['MON', 'TUE', 'WED', 'THU', 'FRI'], 'MON-FRI'],
    [['FRI', 'THU', 'WED', 'TUE', 'MON', 'MON'], 'MON-FRI'],
    [['MON', 'TUE'], 'MON,TUE'],
    [['MON', 'WED', 'SAT', 'SUN'], 'MON,WED,SAT,SUN'],
    [['MON', 'TUE', 'WED', 'FRI', 'SAT', 'SUN'], 'MON-WED,FRI-SUN'],
    [[...WEEK], 'MON-SUN'],
  ] as [WeekDay[], string][])('writes %j as %j', (days, text) => {
    expect(deskDaysText(days)).toBe(text);
  });
});

describe('cronOfDeskForm and deskFormOf', () => {
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
