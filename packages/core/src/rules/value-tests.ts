import type { ColumnDef } from '../columns/column-config.js';
import type { RecordValue } from '../parse/record.js';
import type { Operand } from './leaf-operands.js';
import type { Operator } from './operators.js';
import { textValueTest } from './text-tests.js';
import type { KeyOf, ValueTest } from './value-keys.js';
import { valuePredicate } from './value-predicate.js';

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
  if (column.type === 'text') return textValueTest(op, operands, keyOf);
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
