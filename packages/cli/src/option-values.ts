import { resolve } from 'node:path';
import { MarketPulseError } from '@market-pulse/core';

/** A whole number option (`--count 5`), refused with the option's name when it is not one. */
export function wholeNumber(option: string, text: string, min = 1): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min)
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `${option} must be a whole number of at least ${min} (got ${text})`,
    );
  return n;
}

/** A RUN_ID argument or option. */
export const runId = (text: string) => wholeNumber('a run id', text);

/** `--if-version N`: the version a change is based on (absent: unconditional). */
export const ifVersion = (text?: string) =>
  text === undefined ? undefined : wholeNumber('--if-version', text);

/** An instant option: an ISO date-time with a zone (`2026-03-13T18:30:00Z`) or a date (midnight UTC). */
export function instant(option: string, text: string): number {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text;
  // Four-digit years only: expanded years (+275760-…) parse but cannot be printed back as ISO.
  const ms = /^\d{4}-.*(Z|[+-]\d{2}:?\d{2})$/i.test(iso) ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(ms) || ms < Date.UTC(1970, 0, 1))
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `${option} must be an ISO instant with a zone, e.g. 2026-03-13T18:30:00Z, or a date 2026-03-13, from 1970 to 9999 (got ${text})`,
    );
  return ms;
}

/**
 * A file to write rows to (`--out`): refused with the option's name unless it ends in one of
 * `extensions` (exit 3); resolved from the working directory.
 */
export function outFile(
  cwd: string,
  option: string,
  path: string,
  extensions: readonly string[] = ['.xlsx', '.csv', '.jsonl'],
): string {
  if (!extensions.some((e) => path.toLowerCase().endsWith(e)))
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `${option} must end in ${extensions.slice(0, -1).join(', ')} or ${extensions.at(-1)} (got ${path})`,
      { details: { field: option } },
    );
  return resolve(cwd, path);
}
