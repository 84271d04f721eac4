import { describe, expect, it } from 'vitest';
import { isMarketPulseError } from '../errors.js';
import { type DeadManCheck, editDeadMan, parseOverlapPolicy } from './settings-edits.js';

const refusal = (refused: () => unknown) => {
  try {
    refused();
  } catch (err) {
    if (!isMarketPulseError<{ field: string; reason: string }>(err, 'VALIDATION_ERROR')) throw err;
    return { message: err.message, ...err.details };
  }
  return undefined;
};

describe('parseOverlapPolicy', () => {
  it('reads skip and queue', () => {
    expect(parseOverlapPolicy('skip')).toBe('skip');
    expect(parseOverlapPolicy('queue')).toBe('queue');
  });

  it.each(['wait', 'QUEUE', ''])('refuses %j, naming the field the caller gave', (text) => {
    expect(refusal(() => parseOverlapPolicy(text, '--overlap'))).toEqual({
      message: `--overlap is skip or queue (got ${text})`,
      field: '--overlap',
      reason: 'overlap-policy',
    });
    expect(refusal(() => parseOverlapPolicy(text))).toMatchObject({ field: 'overlap' });
  });
});

describe('editDeadMan', () => {
  const london = { defaultTimeZone: 'Europe/London' };
  const current: DeadManCheck = {
    by: '17:00',
    timezone: 'America/New_York',
    days: ['MON', 'WED'],
    holidays: ['2026-12-25'],
  };

  it('with no check yet, defaults the zone and Monday to Friday', () => {
    expect(editDeadMan(undefined, { by: '18:00' }, london)).toEqual({
      by: '18:00',
      timezone: 'Europe/London',
      days: ['MON', 'TUE', 'WED', 'THU', 'FRI'],
    });
  });

  it('keeps the current fields not given (but not the holidays)', () => {
    expect(editDeadMan(current, { timezone: 'Asia/Tokyo' }, london)).toEqual({
      by: '17:00',
      timezone: 'Asia/Tokyo',
      days: ['MON', 'WED'],
    });
  });

  it('takes days as a list or as a desk writes them', () => {
    expect(editDeadMan(current, { days: ['SAT'] }, london).days).toEqual(['SAT']);
    expect(editDeadMan(current, { days: 'weekdays' }, london).days).toEqual([
      'MON',
      'TUE',
      'WED',
      'THU',
      'FRI',
    ]);
  });

  it('refuses a check without a deadline, naming the field the caller gave', () => {
    expect(refusal(() => editDeadMan(undefined, { days: 'MON' }, london))).toEqual({
      message: 'deadMan.by HH:MM sets the deadline',
      field: 'deadMan.by',
      reason: 'dead-man-deadline',
    });
    const names = { ...london, fieldNames: { by: '--dead-man', days: '--dead-man-days' } };
    expect(refusal(() => editDeadMan(undefined, { timezone: 'UTC' }, names))).toMatchObject({
      message: '--dead-man HH:MM sets the deadline',
    });
    // The deadline is checked first: a missing deadline is the refusal even with bad days.
    expect(refusal(() => editDeadMan(undefined, { days: 'FRI-MON' }, names))).toMatchObject({
      field: '--dead-man',
    });
    expect(refusal(() => editDeadMan(current, { days: 'FRI-MON' }, names))).toMatchObject({
      field: '--dead-man-days',
      message: expect.stringMatching(/^--dead-man-days takes day names/),
    });
  });
});
