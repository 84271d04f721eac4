import { trimSpaces } from '../parse/number-text.js';
import type { Operand } from './leaf-operands.js';
import type { Operator } from './operators.js';
import type { KeyOf, ValueKey, ValueTest } from './value-keys.js';
import { valuePredicate } from './value-predicate.js';

// Text compares trimmed and case-insensitively (SPEC §3), by one key: the value trimmed and
// lower-cased, memoised per column. Where the operand is ASCII and so is the row's value, the
// comparison runs on the raw value instead — character codes for equality, a case-insensitive
// regular expression for patterns (ASCII folding is the key's) — without a key or an allocation:
// a memo lookup costs about what a whole comparison does. A value with any other character uses
// the key: /k/i does not match the Kelvin sign, whose lower case is k.

/**
 * The test of a text leaf other than `is_empty` / `is_not_empty`, false on an empty value.
 * `keyOf` is the column's shared key function.
 */
export function textValueTest(op: Operator, operands: Operand[], keyOf: KeyOf): ValueTest {
  const keyTest = textKeyTest(op, operands);
  const operand = operands[0] as string;
  if (op !== 'in' && op !== 'not_in' && isAscii(operand))
    return asciiTest(op, operand, keyTest, keyOf);
  return (v) => keyTest(keyOf(v));
}

/** The leaf's test on the key (undefined: an empty value). */
function textKeyTest(op: Operator, operands: Operand[]): (key: ValueKey | undefined) => boolean {
  const compare = valuePredicate(op, operands);
  return (key) => key !== undefined && compare(key);
}

/**
 * A text leaf's test as JavaScript source over the key `k` and the constant `c` it returns (the
 * list's set, or the operand), so generated code calls no closure per leaf; the operand is passed
 * by reference, never into the source. `keyOnly`: the leaf has no raw-value test (lists, non-ASCII
 * operands); the others (ASCII patterns) may use either — the key pays when several patterns test
 * one column (one memo lookup per row instead of a regular expression each). `undefined` for
 * equality with an ASCII operand, whose character-code comparison needs no key.
 */
export function textKeyComparison(
  op: Operator,
  operands: Operand[],
): { constant: unknown; source: (k: string, c: string) => string; keyOnly: boolean } | undefined {
  const isList = op === 'in' || op === 'not_in';
  const present = (k: string) => `${k} !== undefined`;
  const sources: Partial<Record<Operator, (k: string, c: string) => string>> = {
    in: (k, c) => `${present(k)} && ${c}.has(${k})`,
    not_in: (k, c) => `${present(k)} && !${c}.has(${k})`,
    equal_to: (k, c) => `${k} === ${c}`,
    not_equal_to: (k, c) => `${present(k)} && ${k} !== ${c}`,
    contains: (k, c) => `${present(k)} && ${k}.includes(${c})`,
    not_contains: (k, c) => `${present(k)} && !${k}.includes(${c})`,
    starts_with: (k, c) => `${present(k)} && ${k}.startsWith(${c})`,
    ends_with: (k, c) => `${present(k)} && ${k}.endsWith(${c})`,
  };
  const source = sources[op];
  if (!source) return undefined; // is_empty / is_not_empty
  const ascii = !isList && isAscii(operands[0] as string);
  if (ascii && (op === 'equal_to' || op === 'not_equal_to')) return undefined;
  return {
    constant: isList ? new Set(operands) : operands[0],
    source: (k, c) => `(${source(k, c)})`,
    keyOnly: !ascii,
  };
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 127) return false;
  return true;
}

/** ASCII operand: an ASCII value on its raw text, any other by its key. */
function asciiTest(
  op: Operator,
  operand: string,
  keyTest: (key: ValueKey | undefined) => boolean,
  keyOf: KeyOf,
): ValueTest {
  if (op === 'equal_to' || op === 'not_equal_to') {
    // equalsIgnoringAsciiCase handles non-ASCII values itself.
    const negated = op === 'not_equal_to';
    return (v) =>
      v !== null &&
      v !== undefined &&
      v !== '' &&
      equalsIgnoringAsciiCase(typeof v === 'string' ? v : String(v), operand) !== negated;
  }
  const needle = operand.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern =
    op === 'starts_with'
      ? new RegExp(`^\\s*${needle}`, 'i')
      : op === 'ends_with'
        ? new RegExp(`${needle}\\s*$`, 'i')
        : new RegExp(needle, 'i');
  // One native scan settles the usual row: no match here means no match on the raw value and no
  // character whose lower case is ASCII (U+0130 → "i̇", U+212A → "k": the only two), so the key
  // cannot match either. Scanning for non-ASCII in JavaScript first cost twice the match itself.
  const rejects = new RegExp(`${pattern.source}|[\\u0130\\u212a]`, 'i');
  const negated = op === 'not_contains';
  return (v) => {
    if (v === null || v === undefined || v === '') return false;
    const raw = typeof v === 'string' ? v : String(v);
    if (!rejects.test(raw)) return negated;
    if (!isAscii(raw)) return keyTest(keyOf(raw));
    return pattern.test(raw) !== negated;
  };
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
