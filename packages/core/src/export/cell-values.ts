import type { ColumnConfig } from '../columns/column-config.js';
import type { ColumnKinds } from '../ports/spreadsheet-codec.js';
import { neutralizeFormula } from './export-columns.js';

/** Which columns of a configuration are dates (written as date cells / `YYYY-MM-DD`). */
export function columnKinds(config: ColumnConfig): ColumnKinds {
  return new Map(config.columns.map((c) => [c.name, c.type === 'date' ? 'date' : 'value']));
}

const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A value for an xlsx cell: numbers and booleans as such, dates as UTC-midnight `Date`s (a
 * calendar date, whatever the host's time zone), text neutralised, empty as `null`.
 */
export function xlsxValue(
  value: unknown,
  kind: 'date' | 'value' | undefined,
): string | number | boolean | Date | null {
  if (value === null || value === undefined) return null;
  if (kind === 'date' && typeof value === 'string' && CALENDAR_DATE.test(value)) {
    return new Date(
      Date.UTC(
        Number(value.slice(0, 4)),
        Number(value.slice(5, 7)) - 1,
        Number(value.slice(8, 10)),
      ),
    );
  }
  if (typeof value === 'string') return neutralizeFormula(value);
  return typeof value === 'number' || typeof value === 'boolean' ? value : JSON.stringify(value);
}

/** A value for a CSV field: dates stay `YYYY-MM-DD`, booleans `TRUE`/`FALSE`, empty is empty, text neutralised. */
export function csvValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') return String(value);
  return neutralizeFormula(typeof value === 'string' ? value : JSON.stringify(value));
}
