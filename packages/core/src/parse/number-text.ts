// Optional sign; digits, with ',' only as a thousands separator in groups of three; one '.';
// optional exponent. Anything else (12abc, 101,25, (1.5), 5%) is not a number.
const STRICT_NUMBER = /^[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPACES = /^[\s\u00a0\u2007\u202f\ufeff]+|[\s\u00a0\u2007\u202f\ufeff]+$/g;

/** Trims ordinary and non-breaking spaces from both ends. */
export function trimSpaces(text: string): string {
  return text.replace(SPACES, '');
}

/**
 * Reads a number written as text under the strict grammar of SPEC §1.2.
 * Returns `null` for an empty (or all-space) string and `undefined` when the text is not a number.
 *
 * @example
 * ```ts
 * parseNumberText(' 1,234.5 '); // 1234.5
 * parseNumberText('101,25');    // undefined
 * parseNumberText('');          // null
 * ```
 */
export function parseNumberText(text: string): number | null | undefined {
  const trimmed = trimSpaces(text);
  if (trimmed === '') return null;
  if (!STRICT_NUMBER.test(trimmed)) return undefined;
  const value = Number(trimmed.includes(',') ? trimmed.replaceAll(',', '') : trimmed);
  return Number.isFinite(value) ? value : undefined;
}
