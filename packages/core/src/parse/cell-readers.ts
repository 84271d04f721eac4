import type { ColumnDef } from '../columns/column-config.js';
import { cellTextProblem } from '../export/spreadsheet-limits.js';
import {
  type CalendarDate,
  dateCellToDate,
  excelSerialToDate,
  parseDateText,
  type SlashDateFormat,
} from './calendar-date.js';
import { type NumberStyle, parseNumberText, trimSpaces } from './number-text.js';
import { type Cell, isErrorCell, type RecordValue } from './record.js';
import {
  dropFormatCharacters,
  IDENTIFIER_COLUMNS,
  normalizeText,
  nulProblem,
} from './text-values.js';

/**
 * What reading one cell gives: a value (`null` = empty) or the reason it cannot be read.
 * `imprecise`: an id read from a number cell past 2^53−1, whose last digits were lost upstream.
 */
export type CellResult =
  | { ok: true; value: RecordValue; imprecise?: true }
  | { ok: false; reason: string };

/** What to do with a numeric id cell beyond 2^53−1 (SPEC §1.1): keep it marked imprecise, or refuse the row. */
export type ImpreciseIdPolicy = 'keep' | 'reject';

export interface CellReaderOptions {
  date1904: boolean;
  dateFormat: SlashDateFormat | undefined;
  numberStyle: NumberStyle;
  impreciseIds: ImpreciseIdPolicy;
}

export type CellReader = (cell: Cell) => CellResult;

/** A cell that is not a spreadsheet error (those are refused before the type readers run). */
type ValueCell = Exclude<Cell, { error: string }>;

const EMPTY: CellResult = { ok: true, value: null };
const ok = (value: RecordValue): CellResult => ({ ok: true, value });
const fail = (reason: string): CellResult => ({ ok: false, reason });

/** Text as kept: trimmed, in NFC, never with a NUL inside, never longer than a cell holds. */
function readString(text: string): CellResult {
  const trimmed = trimSpaces(text);
  if (trimmed === '') return EMPTY;
  const problem = nulProblem(trimmed) ?? cellTextProblem(trimmed);
  return problem === undefined ? ok(normalizeText(trimmed)) : fail(problem);
}

function readText(cell: ValueCell): CellResult {
  if (cell === null || cell === undefined) return EMPTY;
  if (typeof cell === 'string') return readString(cell);
  if (typeof cell === 'number') return ok(String(cell));
  if (typeof cell === 'boolean') return ok(cell ? 'TRUE' : 'FALSE');
  const date = dateCellToDate(cell);
  return date === undefined ? fail('invalid date cell') : ok(date);
}

const lostDigits = (cell: number) =>
  `numeric id ${cell} is beyond 2^53−1 or not a whole number, so it lost digits before it was read; format the column as text and re-export`;

function readId(cell: ValueCell, impreciseIds: ImpreciseIdPolicy): CellResult {
  if (cell === null || cell === undefined) return EMPTY;
  if (typeof cell === 'string') return readString(cell);
  if (typeof cell === 'number') {
    if (Number.isSafeInteger(cell) && cell >= 0) return ok(String(cell));
    // A whole number past 2^53−1 is the double the cell holds: kept as exactly that integer,
    // written in digits, and marked imprecise (SPEC §1.1) — unless the configuration refuses it.
    if (Number.isInteger(cell) && cell > 0 && impreciseIds === 'keep')
      return { ok: true, value: BigInt(cell).toString(), imprecise: true };
    return fail(
      Number.isInteger(cell) && cell > 0
        ? `${lostDigits(cell)} (imprecise ids are refused: MP_IMPRECISE_ID=reject)`
        : lostDigits(cell),
    );
  }
  return fail(
    `expected an id (text of digits), got a ${cell instanceof Date ? 'date' : 'boolean'}`,
  );
}

/**
 * An identifier column's reading on top of its type's: invisible format characters dropped, then
 * only its own characters accepted (MESSAGE_ID, CUSIP — upper-cased); other `id` columns just
 * drop the invisible characters.
 */
function identifier(name: string, read: (cell: ValueCell) => CellResult) {
  const check = IDENTIFIER_COLUMNS[name];
  const upper = name === 'CUSIP';
  return (cell: ValueCell): CellResult => {
    const result = read(cell);
    if (!result.ok || typeof result.value !== 'string') return result;
    // Trimmed again: an invisible character may have hidden a space at an end.
    const visible = trimSpaces(dropFormatCharacters(result.value));
    if (visible === '') return EMPTY;
    const problem = check?.(visible);
    if (problem !== undefined) return fail(problem);
    const value = upper ? visible.toUpperCase() : visible;
    return value === result.value ? result : { ...result, value };
  };
}

/** Why a text is not a number in a style, and how to write it instead. */
function notANumber(cell: Cell, style: NumberStyle): string {
  const text = String(cell);
  const where = 'in a semicolon- or tab-delimited file';
  if (style === 'decimal-point' && text.includes(','))
    return `"${text}" is ambiguous ${where}: the comma may be a decimal comma or a thousands separator; write the number with a decimal point and no thousands separator (98.125, 98125), or set the decimal separator to "," (MP_DECIMAL_SEPARATOR=,) if the file uses decimal commas`;
  if (style === 'decimal-comma' && text.includes('.'))
    return `"${text}" is ambiguous with "," as the decimal separator: the point may be a decimal point or a thousands separator; write the number with a decimal comma and no thousands separator (98,125, 98125)`;
  if (style === 'decimal-comma')
    return `"${text}" is not a number (use digits, an optional ',' decimal comma and '.' only between groups of three before it)`;
  return `"${text}" is not a number (use digits, an optional '.' and ',' only between groups of three)`;
}

function readNumber(cell: ValueCell, integer: boolean, style: NumberStyle): CellResult {
  if (cell === null || cell === undefined) return EMPTY;
  let value: number | null | undefined;
  if (typeof cell === 'number') value = Number.isFinite(cell) ? cell : undefined;
  else if (typeof cell === 'string') value = parseNumberText(cell, style);
  else return fail(`expected a number, got a ${cell instanceof Date ? 'date' : 'boolean'}`);
  if (value === null) return EMPTY;
  if (value === undefined) return fail(notANumber(cell, style));
  if (integer && !Number.isInteger(value)) return fail(`${value} is not a whole number`);
  return ok(value);
}

function readDate(cell: ValueCell, options: CellReaderOptions): CellResult {
  if (cell === null || cell === undefined) return EMPTY;
  let date: CalendarDate | undefined;
  if (cell instanceof Date) date = dateCellToDate(cell);
  else if (typeof cell === 'number') {
    date = excelSerialToDate(cell, options.date1904);
    if (date === undefined)
      return fail(`number ${cell} is not a spreadsheet date between 1900 and 2100`);
  } else if (typeof cell === 'string') {
    const text = trimSpaces(cell);
    if (text === '') return EMPTY;
    date = parseDateText(text, options.dateFormat);
    if (date === undefined) {
      const hint =
        /^\d{1,2}\/\d{1,2}\/\d{4}$/.test(text) && !options.dateFormat
          ? ' (slash dates are ambiguous: write YYYY-MM-DD or configure a date format)'
          : ' (expected YYYY-MM-DD)';
      return fail(`"${text}" is not a valid date${hint}`);
    }
  } else return fail('expected a date, got a boolean');
  return date === undefined ? fail('invalid date cell') : ok(date);
}

/** Builds the reader for one configured column: type, then constraints. */
export function cellReaderFor(column: ColumnDef, options: CellReaderOptions): CellReader {
  const typed: (cell: ValueCell) => CellResult =
    column.type === 'text'
      ? readText
      : column.type === 'id'
        ? (cell) => readId(cell, options.impreciseIds)
        : column.type === 'date'
          ? (cell) => readDate(cell, options)
          : (cell) => readNumber(cell, column.type === 'integer', options.numberStyle);
  const base =
    column.type === 'id' || column.name in IDENTIFIER_COLUMNS
      ? identifier(column.name, typed)
      : typed;
  const checks = constraintChecks(column);
  return (cell) => {
    if (isErrorCell(cell))
      return fail(
        cell.unreadable
          ? `cannot read the cell: ${cell.error}`
          : `the cell holds the spreadsheet error ${cell.error}; fix the formula or the value`,
      );
    const result = base(cell);
    if (checks.length === 0) return result;
    if (!result.ok || result.value === null) return result;
    for (const check of checks) {
      const reason = check(result.value);
      if (reason !== undefined) return fail(reason);
    }
    return result;
  };
}

type Check = (value: RecordValue) => string | undefined;

function constraintChecks(column: ColumnDef): Check[] {
  const c = column.constraints;
  if (!c) return [];
  const checks: Check[] = [];
  const skipZero = column.zeroMeansEmpty;
  if (c.min !== undefined) {
    const min = c.min;
    checks.push((v) =>
      typeof v === 'number' && v < min && !(skipZero && v === 0)
        ? `${v} is below the minimum ${min}`
        : undefined,
    );
  }
  if (c.max !== undefined) {
    const max = c.max;
    checks.push((v) =>
      typeof v === 'number' && v > max ? `${v} is above the maximum ${max}` : undefined,
    );
  }
  if (c.pattern !== undefined) {
    const pattern = new RegExp(c.pattern);
    checks.push((v) =>
      pattern.test(String(v))
        ? undefined
        : `"${String(v)}" does not match the pattern ${c.pattern}`,
    );
  }
  if (c.allowedValues !== undefined) {
    const caseless = column.type === 'text';
    const allowed = new Set(c.allowedValues.map((a) => (caseless ? a.toUpperCase() : a)));
    checks.push((v) => {
      const key = caseless ? String(v).toUpperCase() : String(v);
      return allowed.has(key)
        ? undefined
        : `"${String(v)}" is not one of ${c.allowedValues?.join(', ')}`;
    });
  }
  return checks;
}

/**
 * Reads a cell of a column that is not configured: kept as close to the input as JSON allows
 * (text trimmed and in NFC, a spreadsheet error as its text); a NUL inside a text and a cell the
 * reader could not read are row errors — never passed on as empty or as our message.
 */
export function readExtraCell(cell: Cell): CellResult {
  if (cell === null || cell === undefined) return EMPTY;
  if (isErrorCell(cell))
    return cell.unreadable ? fail(`cannot read the cell: ${cell.error}`) : ok(cell.error);
  if (typeof cell === 'string') return readString(cell);
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return EMPTY;
    return ok(
      cell.getTime() % 86_400_000 === 0 ? (dateCellToDate(cell) ?? null) : cell.toISOString(),
    );
  }
  return ok(cell);
}

/**
 * Reads a cell of an id column's imprecise flag (`MESSAGE_ID_IMPRECISE`, e.g. a re-uploaded
 * export): true for TRUE/1, false for empty or FALSE/0, else the reason it is not a flag.
 */
export function readFlagCell(
  cell: Cell,
): { ok: true; value: boolean } | { ok: false; reason: string } {
  if (cell === null || cell === undefined) return { ok: true, value: false };
  if (typeof cell === 'boolean') return { ok: true, value: cell };
  if (typeof cell === 'number' && (cell === 0 || cell === 1))
    return { ok: true, value: cell === 1 };
  if (typeof cell === 'string') {
    const text = trimSpaces(cell).toUpperCase();
    if (text === '' || text === 'FALSE' || text === '0') return { ok: true, value: false };
    if (text === 'TRUE' || text === '1') return { ok: true, value: true };
  }
  return { ok: false, reason: `"${String(cell)}" is not TRUE or FALSE` };
}
