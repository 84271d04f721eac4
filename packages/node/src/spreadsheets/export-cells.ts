import { type ColumnConfig, neutralizeFormula, type RecordValue } from '@market-pulse/core';

/** How a column is written: dates as date cells / YYYY-MM-DD, everything else by its value. */
export type ColumnKinds = ReadonlyMap<string, 'date' | 'value'>;

export function columnKinds(config: ColumnConfig): ColumnKinds {
  return new Map(config.columns.map((c) => [c.name, c.type === 'date' ? 'date' : 'value']));
}

/** A value for an xlsx cell: numbers and booleans as such, dates as UTC-midnight `Date`s, text neutralised. */
export function xlsxValue(
  value: RecordValue | undefined,
  kind: 'date' | 'value' | undefined,
): string | number | boolean | Date | null {
  if (value === null || value === undefined) return null;
  if (kind === 'date' && typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    return new Date(
      Date.UTC(
        Number(value.slice(0, 4)),
        Number(value.slice(5, 7)) - 1,
        Number(value.slice(8, 10)),
      ),
    );
  }
  return typeof value === 'string' ? neutralizeFormula(value) : value;
}

/** A value for a CSV field: dates stay YYYY-MM-DD, booleans TRUE/FALSE, empty is empty, text neutralised. */
export function csvValue(value: RecordValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') return String(value);
  return neutralizeFormula(value);
}
