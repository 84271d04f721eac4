import type { ColumnDef } from '../columns/column-config.js';
import { trimSpaces } from '../parse/number-text.js';
import type { RecordValue } from '../parse/record.js';
import type { Operand } from './leaf-operands.js';
import type { Operator } from './operators.js';

/** Tests one field value; `undefined` (a missing field) counts as empty. */
export type ValueTest = (v: RecordValue | undefined) => boolean;

/**
 * What equality and lists compare a row's value by: trimmed lower-case text, the exact id text,
 * the number or the `YYYY-MM-DD` date itself — `undefined` for an empty value, which nothing
 * equals. `equal_to` / `in` hold exactly when the key is one of the leaf's operands, so rules can
 * be indexed by it.
 */
export type ValueKey = string | number;
export type KeyOf = (v: RecordValue | undefined) => ValueKey | undefined;

/** Distinct values remembered per text leaf or field; past it, values are normalised row by row. */
const MEMO_LIMIT = 65_536;

/** The {@link ValueKey} of a column's values (text keys are memoised per raw value). */
export function valueKeyOf(column: ColumnDef): KeyOf {
  if (column.type === 'text') return textKeyOf();
  if (column.type === 'id')
    return (v) =>
      v === null || v === undefined || v === '' ? undefined : typeof v === 'string' ? v : String(v);
  const zeroIsEmpty = column.zeroMeansEmpty;
  return (v) =>
    v === null || v === undefined || v === '' || (zeroIsEmpty && v === 0)
      ? undefined
      : (v as ValueKey);
}

function textKeyOf(): KeyOf {
  const memo = new Map<string, string>();
  return (v) => {
    if (v === null || v === undefined || v === '') return undefined;
    const raw = typeof v === 'string' ? v : String(v);
    let key = memo.get(raw);
    if (key === undefined) {
      key = raw.trim().toLowerCase();
      if (memo.size < MEMO_LIMIT) memo.set(raw, key);
    }
    return key;
  };
}

/** The test of one leaf: its operator over the column's values, false on an empty value except `is_empty`. */
export function leafValueTest(column: ColumnDef, op: Operator, operands: Operand[]): ValueTest {
  const zeroIsEmpty = column.zeroMeansEmpty;
  const isEmpty = (v: RecordValue | undefined) =>
    v === null || v === undefined || v === '' || (zeroIsEmpty && v === 0);
  if (op === 'is_empty') return isEmpty;
  if (op === 'is_not_empty') return (v) => !isEmpty(v);

  // Every other leaf is false on an empty value (SPEC §3), so the comparison below sees a value.
  if (column.type === 'text') return textValueTest(op, operands as string[]);
  const compare = valuePredicate(op, operands);
  if (column.type === 'id') {
    return (v) =>
      v !== null && v !== undefined && v !== '' && compare(typeof v === 'string' ? v : String(v));
  }
  // Numbers compare as numbers and dates as YYYY-MM-DD text; a value of another type (a stray
  // string in a number column) compares as nothing, as in the generated code (comparableSource).
  if (column.type === 'date') return (v) => typeof v === 'string' && v !== '' && compare(v);
  return (v) =>
    typeof v === 'number' && !Number.isNaN(v) && !(zeroIsEmpty && v === 0) && compare(v);
}

/**
 * JavaScript source of a number or date column's value made comparable, from the source `raw`
 * reading it: the number itself, or NaN when empty or not a number; the date text, or undefined.
 * Every comparison with NaN / undefined is false, so generated leaves need no emptiness test.
 */
export function comparableSource(column: ColumnDef, raw: string): string | undefined {
  if (column.type === 'date')
    return `(typeof ${raw} === "string" && ${raw} !== "" ? ${raw} : undefined)`;
  if (column.type !== 'number' && column.type !== 'integer') return undefined;
  const zero = column.zeroMeansEmpty ? ` && ${raw} !== 0` : '';
  return `(typeof ${raw} === "number"${zero} ? ${raw} : NaN)`;
}

/**
 * The leaf test as JavaScript source over the comparable value `x` ({@link comparableSource}), for
 * number, integer and date columns, so that generated code holds the comparison itself instead of
 * calling a closure per leaf: with 10,000 range rules the closures cost ~15 ns a leaf, a written
 * comparison ~1. Only finite numbers and `YYYY-MM-DD` dates enter the source; `undefined` for other
 * leaves (text, ids, lists, is_empty).
 */
export function inlineComparison(
  column: ColumnDef,
  op: Operator,
  operands: Operand[],
): ((x: string) => string) | undefined {
  const isDate = column.type === 'date';
  if (!isDate && column.type !== 'number' && column.type !== 'integer') return undefined;
  const literals: string[] = [];
  for (const o of operands) {
    if (!isDate && typeof o === 'number' && Number.isFinite(o)) literals.push(`(${String(o)})`);
    else if (isDate && typeof o === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(o))
      literals.push(`"${o}"`);
    else return undefined;
  }
  const [a, b] = literals;
  // `!==` is the one comparison true for NaN / undefined: it checks the value is there.
  const present = (x: string) => (isDate ? `${x} !== undefined` : `${x} === ${x}`);
  const comparisons: Partial<Record<Operator, (x: string) => string>> = {
    equal_to: (x) => `${x} === ${a}`,
    not_equal_to: (x) => `${present(x)} && ${x} !== ${a}`,
    less_than: (x) => `${x} < ${a}`,
    greater_than: (x) => `${x} > ${a}`,
    less_than_equal_to: (x) => `${x} <= ${a}`,
    greater_than_equal_to: (x) => `${x} >= ${a}`,
    between: (x) => `${x} >= ${a} && ${x} <= ${b}`,
  };
  const compare = comparisons[op];
  return compare && ((x) => `(${compare(x)})`);
}

/**
 * `value`, trimmed and lower-cased, equals `target` (ASCII, already trimmed and lower-case) —
 * without allocating for the usual values of a different length or content. Lower-casing never
 * turns other characters into ASCII of another length, which is what makes the length tests exact.
 */
function equalsIgnoringAsciiCase(value: string, target: string): boolean {
  const n = target.length;
  if (value.length !== n) {
    if (value.length < n) return false;
    const trimmed = trimSpaces(value);
    return trimmed.length === n && trimmed.toLowerCase() === target;
  }
  for (let i = 0; i < n; i++) {
    let a = value.charCodeAt(i);
    if (a > 127) return value.toLowerCase() === target;
    if (a >= 65 && a <= 90) a += 32;
    if (a !== target.charCodeAt(i)) return false;
  }
  return true;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 127) return false;
  return true;
}

/**
 * Text compares trimmed and case-insensitively, without allocating per row: equality compares
 * character codes (or memoised keys for a non-ASCII target), contains/starts/ends use one
 * case-insensitive regular expression, and list operators memoise the outcome per raw value
 * (text columns repeat few values).
 */
function textValueTest(op: Operator, operands: string[]): ValueTest {
  if (op === 'equal_to' || op === 'not_equal_to') {
    const target = operands[0] as string;
    const negated = op === 'not_equal_to';
    if (isAscii(target))
      return (v) =>
        v !== null &&
        v !== undefined &&
        v !== '' &&
        equalsIgnoringAsciiCase(typeof v === 'string' ? v : String(v), target) !== negated;
    const keyOf = textKeyOf();
    return (v) => {
      const key = keyOf(v);
      return key !== undefined && (key === target) !== negated;
    };
  }
  const needle = escapeRegExp(operands[0] as string);
  const pattern =
    op === 'contains' || op === 'not_contains'
      ? new RegExp(needle, 'i')
      : op === 'starts_with'
        ? new RegExp(`^\\s*${needle}`, 'i')
        : op === 'ends_with'
          ? new RegExp(`${needle}\\s*$`, 'i')
          : undefined;
  if (pattern) {
    const negated = op === 'not_contains';
    return (v) =>
      v !== null &&
      v !== undefined &&
      v !== '' &&
      pattern.test(typeof v === 'string' ? v : String(v)) !== negated;
  }
  const compare = valuePredicate(op, operands);
  const memo = new Map<string, boolean>();
  return (v) => {
    if (v === null || v === undefined || v === '') return false;
    const raw = typeof v === 'string' ? v : String(v);
    let result = memo.get(raw);
    if (result === undefined) {
      result = compare(raw.trim().toLowerCase());
      if (memo.size < MEMO_LIMIT) memo.set(raw, result);
    }
    return result;
  };
}

function valuePredicate(op: Operator, operands: Operand[]): (v: Operand) => boolean {
  const a = operands[0] as Operand;
  const b = operands[1] as Operand;
  switch (op) {
    case 'equal_to':
      return (v) => v === a;
    case 'not_equal_to':
      return (v) => v !== a;
    case 'less_than':
      return (v) => v < a;
    case 'greater_than':
      return (v) => v > a;
    case 'less_than_equal_to':
      return (v) => v <= a;
    case 'greater_than_equal_to':
      return (v) => v >= a;
    case 'between':
      return (v) => v >= a && v <= b;
    case 'contains':
      return (v) => (v as string).includes(a as string);
    case 'not_contains':
      return (v) => !(v as string).includes(a as string);
    case 'starts_with':
      return (v) => (v as string).startsWith(a as string);
    case 'ends_with':
      return (v) => (v as string).endsWith(a as string);
    case 'in': {
      // A hashed set: a 10,000-value list costs one lookup per row, like a one-value list.
      const set = new Set<Operand>(operands);
      return (v) => set.has(v);
    }
    case 'not_in': {
      const set = new Set<Operand>(operands);
      return (v) => !set.has(v);
    }
    default:
      return () => false;
  }
}
