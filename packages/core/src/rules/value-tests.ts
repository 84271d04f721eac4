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

/** Distinct values remembered per text column; past it, values are normalised row by row. */
const MEMO_LIMIT = 65_536;

/**
 * One {@link KeyOf} per column for a whole compilation: every text leaf and index on a column
 * shares its memo, so 10,000 leaves cost one memo (bounded by MEMO_LIMIT), not 10,000.
 */
export function createKeyCache(): (column: ColumnDef) => KeyOf {
  const byColumn = new Map<string, KeyOf>();
  return (column) => {
    let keyOf = byColumn.get(column.name);
    if (!keyOf) {
      keyOf = valueKeyOf(column);
      byColumn.set(column.name, keyOf);
    }
    return keyOf;
  };
}

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

/**
 * The test of one leaf: its operator over the column's values, false on an empty value except
 * `is_empty`. `keyOf` is the column's shared {@link KeyOf} (text leaves compare keys).
 */
export function leafValueTest(
  column: ColumnDef,
  op: Operator,
  operands: Operand[],
  keyOf: KeyOf,
): ValueTest {
  const zeroIsEmpty = column.zeroMeansEmpty;
  const isEmpty = (v: RecordValue | undefined) =>
    v === null || v === undefined || v === '' || (zeroIsEmpty && v === 0);
  if (op === 'is_empty') return isEmpty;
  if (op === 'is_not_empty') return (v) => !isEmpty(v);

  // Every other leaf is false on an empty value (SPEC §3), so the comparison below sees a value.
  if (column.type === 'text') {
    const keyTest = textKeyTest(op, operands);
    if (!keyTest) return asciiEquality(op, operands[0] as string);
    return (v) => keyTest(keyOf(v));
  }
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

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 127) return false;
  return true;
}

/**
 * A text leaf's test on the column's key (trimmed, lower-case): equality, contains / starts /
 * ends (plain substring tests: 10,000 case-insensitive regular expressions cost ~500 ns a test,
 * recompiled as V8 flushed their code) and lists. `undefined` for `equal_to` / `not_equal_to`
 * with an ASCII value, which {@link asciiEquality} tests on the raw value without a key.
 */
export function textKeyTest(
  op: Operator,
  operands: Operand[],
): ((key: ValueKey | undefined) => boolean) | undefined {
  if (op === 'is_empty' || op === 'is_not_empty') return undefined;
  const equality = op === 'equal_to' || op === 'not_equal_to';
  if (equality && isAscii(operands[0] as string)) return undefined;
  const compare = valuePredicate(op, operands);
  return (key) => key !== undefined && compare(key);
}

/**
 * A text leaf's key test as JavaScript source over the key `k` and the constant `c` it returns
 * (the operand, or the list's set), so generated code calls no closure per leaf. Same leaves and
 * semantics as {@link textKeyTest}; the operand is passed by reference, never into the source.
 */
export function textKeyComparison(
  op: Operator,
  operands: Operand[],
): { constant: unknown; source: (k: string, c: string) => string } | undefined {
  if (!textKeyTest(op, operands)) return undefined;
  const method = {
    contains: 'includes',
    starts_with: 'startsWith',
    ends_with: 'endsWith',
  } as const;
  switch (op) {
    case 'in':
    case 'not_in':
      return {
        constant: new Set(operands),
        source: (k, c) => `(${k} !== undefined && ${op === 'in' ? '' : '!'}${c}.has(${k}))`,
      };
    case 'equal_to':
      return { constant: operands[0], source: (k, c) => `(${k} === ${c})` };
    case 'not_equal_to':
      return { constant: operands[0], source: (k, c) => `(${k} !== undefined && ${k} !== ${c})` };
    case 'not_contains':
      return {
        constant: operands[0],
        source: (k, c) => `(${k} !== undefined && !${k}.includes(${c}))`,
      };
    default: {
      const name = method[op as keyof typeof method];
      return (
        name && {
          constant: operands[0],
          source: (k, c) => `(${k} !== undefined && ${k}.${name}(${c}))`,
        }
      );
    }
  }
}

/** Text equality to an ASCII value on the raw value, by character codes (no key, no allocation). */
function asciiEquality(op: Operator, target: string): ValueTest {
  const negated = op === 'not_equal_to';
  return (v) =>
    v !== null &&
    v !== undefined &&
    v !== '' &&
    equalsIgnoringAsciiCase(typeof v === 'string' ? v : String(v), target) !== negated;
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
