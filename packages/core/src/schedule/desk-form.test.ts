import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMarketPulseError } from '../errors.js';
import { deskDaysText, parseDeskDays, WEEK, type WeekDay } from './desk-form.js';

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
