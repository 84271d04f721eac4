import type { ColumnDef } from '../columns/column-config.js';
import type { RecordValue } from '../parse/record.js';

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

/** Trimmed, lower-cased text, memoised per raw value (text columns repeat few values). */
export function textKeyOf(): KeyOf {
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
