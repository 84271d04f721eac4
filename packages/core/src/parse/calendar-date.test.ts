import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  calendarDateToDays,
  daysToCalendarDate,
  excelSerialToDate,
  parseDateText,
} from './calendar-date.js';
import { parseNumberText } from './number-text.js';

describe('calendar dates', () => {
  it.each([
    [1, '1900-01-01'],
    [59, '1900-02-28'],
    [61, '1900-03-01'],
    [45000, '2023-03-15'],
    [46094, '2026-03-13'],
  ])('reads Excel serial %d as %s', (serial, date) => {
    expect(excelSerialToDate(serial)).toBe(date);
  });

  it('refuses the phantom 1900-02-29 and serials outside 1900–2100', () => {
    expect(excelSerialToDate(60)).toBeUndefined();
    expect(excelSerialToDate(0)).toBeUndefined();
    expect(excelSerialToDate(73415)).toBe('2100-12-31');
    expect(excelSerialToDate(73416)).toBeUndefined();
    expect(excelSerialToDate(74000)).toBeUndefined();
    expect(excelSerialToDate(0, true)).toBe('1904-01-01');
  });

  it('round-trips days and dates (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -25_000, max: 50_000 }), (days) => {
        const date = daysToCalendarDate(days);
        expect(calendarDateToDays(date)).toBe(days);
        expect(parseDateText(date)).toBe(date);
      }),
    );
  });
});

describe('strict numbers', () => {
  it('reads back every number JavaScript writes, with and without thousands separators (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e15, max: 1e15 }),
        (n) => {
          expect(parseNumberText(String(n))).toBe(n === 0 ? 0 : n);
          const grouped = n.toLocaleString('en-US', {
            maximumFractionDigits: 20,
            useGrouping: true,
          });
          expect(parseNumberText(grouped)).toBeCloseTo(n, 6);
        },
      ),
    );
  });
});
