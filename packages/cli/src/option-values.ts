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

/** `--if-version N`: the version a change is based on (absent: unconditional). */
export const ifVersion = (text?: string) =>
  text === undefined ? undefined : wholeNumber('--if-version', text);

/** An instant option: an ISO date-time with a zone (`2026-03-13T18:30:00Z`) or a date (midnight UTC). */
export function instant(option: string, text: string): number {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text;
  const ms = /(Z|[+-]\d{2}:?\d{2})$/i.test(iso) ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(ms))
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `${option} must be an ISO instant with a zone, e.g. 2026-03-13T18:30:00Z, or a date 2026-03-13 (got ${text})`,
    );
  return ms;
}
