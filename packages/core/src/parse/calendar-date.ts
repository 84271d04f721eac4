/**
 * Calendar dates are `YYYY-MM-DD` strings: no time, no zone, so they cannot shift with the host
 * `TZ`, they compare correctly as strings and they survive JSON unchanged.
 */
export type CalendarDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/;
const SLASH_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/** Day formats for slash dates; without one, slash dates are refused (they are ambiguous). */
export type SlashDateFormat = 'MM/DD/YYYY' | 'DD/MM/YYYY';

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
const pad4 = (n: number) => String(n).padStart(4, '0');

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function formatCalendarDate(year: number, month: number, day: number): CalendarDate {
  return `${pad4(year)}-${pad2(month)}-${pad2(day)}`;
}

/**
 * Reads a date written as text: `YYYY-MM-DD`, optionally followed by a time and offset whose date
 * part is taken as written (never converted through a zone). Slash forms only with a format.
 * Returns `undefined` when the text is not a valid calendar date.
 */
export function parseDateText(
  text: string,
  slashFormat?: SlashDateFormat,
): CalendarDate | undefined {
  const iso = ISO_DATE.exec(text);
  if (iso) {
    const [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    return isRealDate(year, month, day) ? formatCalendarDate(year, month, day) : undefined;
  }
  const slash = slashFormat ? SLASH_DATE.exec(text) : null;
  if (slash) {
    const [a, b, year] = [Number(slash[1]), Number(slash[2]), Number(slash[3])];
    const [month, day] = slashFormat === 'MM/DD/YYYY' ? [a, b] : [b, a];
    return isRealDate(year, month, day) ? formatCalendarDate(year, month, day) : undefined;
  }
  return undefined;
}

const MS_PER_DAY = 86_400_000;
// Excel's 1900 system counts from 1899-12-31 and pretends 1900-02-29 existed (serial 60);
// from serial 61 on, counting from 1899-12-30 gives the right date.
const EPOCH_1900_MS = Date.UTC(1899, 11, 30);
const EPOCH_1904_MS = Date.UTC(1904, 0, 1);
const MIN_YEAR = 1900;
const MAX_YEAR = 2100;

/**
 * Reads an Excel serial number as a calendar date (the fraction — a time of day — is dropped).
 * Only dates in 1900–2100 are accepted; the 1904 setting comes from the workbook.
 */
export function excelSerialToDate(serial: number, date1904 = false): CalendarDate | undefined {
  if (!Number.isFinite(serial) || serial < (date1904 ? 0 : 1)) return undefined;
  const days = Math.floor(serial);
  if (!date1904 && days === 60) return undefined; // 1900-02-29 never existed
  const epoch = date1904 ? EPOCH_1904_MS : days < 60 ? EPOCH_1900_MS + MS_PER_DAY : EPOCH_1900_MS;
  const date = new Date(epoch + days * MS_PER_DAY);
  const year = date.getUTCFullYear();
  if (year < MIN_YEAR || year > MAX_YEAR) return undefined;
  return formatCalendarDate(year, date.getUTCMonth() + 1, date.getUTCDate());
}

/**
 * Reads a `Date` cell as a calendar date. Spreadsheet readers hand dates over as UTC instants of
 * the wall-clock value written in the cell, so the UTC fields are the calendar date — whatever the
 * host `TZ` is.
 */
export function dateCellToDate(cell: Date): CalendarDate | undefined {
  if (Number.isNaN(cell.getTime())) return undefined;
  return formatCalendarDate(cell.getUTCFullYear(), cell.getUTCMonth() + 1, cell.getUTCDate());
}

/** Days since 1970-01-01 of a valid calendar date (for arithmetic). */
export function calendarDateToDays(date: CalendarDate): number {
  return Math.floor(
    Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) /
      MS_PER_DAY,
  );
}

/** The calendar date `days` days after 1970-01-01. */
export function daysToCalendarDate(days: number): CalendarDate {
  const date = new Date(days * MS_PER_DAY);
  return formatCalendarDate(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
}

/** True for a well-formed, existing `YYYY-MM-DD` date. */
export function isCalendarDate(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && parseDateText(text) === text;
}
