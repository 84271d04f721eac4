// Optional sign; digits, with ',' only as a thousands separator in groups of three; one '.';
// optional exponent. Anything else (12abc, 101,25, (1.5), 5%) is not a number.
const STRICT_NUMBER = /^[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
// In a ';'- or tab-delimited file a lone grouping separator is ambiguous (98,125: a decimal comma
// or a thousands separator?), so grouping is allowed only before the decimal separator.
const POINT_DECIMAL = /^[+-]?(?:\d{1,3}(?:,\d{3})+\.\d*|\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const COMMA_DECIMAL = /^[+-]?(?:\d{1,3}(?:\.\d{3})+,\d*|\d+(?:,\d*)?|,\d+)(?:[eE][+-]?\d+)?$/;

/**
 * How numbers written as text are read (SPEC §1.2):
 * - `standard`: `,` only as a thousands separator in groups of three, `.` the decimal point
 *   (workbooks, `,`-delimited files, sources that are not delimited text);
 * - `decimal-point`: a `;`- or tab-delimited file: `.` is the decimal point and `,` groups
 *   thousands only in a number that has a decimal point (`1,234.5`); `98,125` is ambiguous;
 * - `decimal-comma`: the same file with `,` configured as the decimal separator: `98,125` is
 *   98.125, `.` groups thousands only in a number that has a decimal comma (`1.234,5`); `98.125`
 *   is ambiguous.
 */
export type NumberStyle = 'standard' | 'decimal-point' | 'decimal-comma';

/** The number style of a table: its delimiter and the configured decimal separator (default `.`). */
export function numberStyleFor(
  delimiter: string | undefined,
  decimalSeparator: '.' | ',' | undefined,
): NumberStyle {
  if (delimiter !== ';' && delimiter !== '\t') return 'standard';
  return decimalSeparator === ',' ? 'decimal-comma' : 'decimal-point';
}
const SPACES = /^[\s\u00a0\u2007\u202f\ufeff]+|[\s\u00a0\u2007\u202f\ufeff]+$/g;

/** Trims ordinary and non-breaking spaces from both ends. */
export function trimSpaces(text: string): string {
  return text.replace(SPACES, '');
}

/**
 * Reads a number written as text under the strict grammar of SPEC §1.2, in a {@link NumberStyle}.
 * Returns `null` for an empty (or all-space) string and `undefined` when the text is not a number.
 *
 * @example
 * ```ts
 * parseNumberText(' 1,234.5 ');               // 1234.5
 * parseNumberText('101,25');                  // undefined
 * parseNumberText('98,125', 'decimal-point'); // undefined (ambiguous in a ;-delimited file)
 * parseNumberText('98,125', 'decimal-comma'); // 98.125
 * parseNumberText('');                        // null
 * ```
 */
export function parseNumberText(
  text: string,
  style: NumberStyle = 'standard',
): number | null | undefined {
  const trimmed = trimSpaces(text);
  if (trimmed === '') return null;
  let plain: string;
  if (style === 'decimal-comma') {
    if (!COMMA_DECIMAL.test(trimmed)) return undefined;
    plain = trimmed.replaceAll('.', '').replace(',', '.');
  } else {
    if (!(style === 'standard' ? STRICT_NUMBER : POINT_DECIMAL).test(trimmed)) return undefined;
    plain = trimmed.includes(',') ? trimmed.replaceAll(',', '') : trimmed;
  }
  const value = Number(plain);
  return Number.isFinite(value) ? value : undefined;
}
