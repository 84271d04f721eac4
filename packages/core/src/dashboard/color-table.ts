// The dashboard's rows held column by column (issue 12): per column one Int32Array of codes into a
// dictionary of the column's distinct values, and per row its "shape" (which columns it has, in
// the order it had them), so a row is rebuilt exactly as stored. Repeated values (SECTOR, DATE,
// PX, TICKER…) cost 4 bytes a row; a column whose values are nearly all distinct (ROW_ID,
// MESSAGE_ID) stops deduplicating and keeps its values as they come.
import type { StoredRow } from '../run/run-protocol.js';

/** Code of a column a row does not have. */
export const ABSENT = -1;

/** Past this many values, a column whose values are mostly distinct stops looking them up. */
const DEDUPE_GIVE_UP = 1 << 16;

/** One column's distinct values; codes index `values`. Shared by every table of one index. */
export interface ColumnDictionary {
  readonly name: string;
  readonly values: unknown[];
  /** Value → code; null once the column stopped deduplicating. */
  lookup: Map<unknown, number> | null;
  /** Rows coded so far (to tell a column of distinct values). */
  coded: number;
}

/** The dictionaries and row shapes of one index, grown as runs are loaded. */
export interface ColumnDictionaries {
  readonly columns: Map<string, ColumnDictionary>;
  /** Shape id → the columns of a row, in the row's own key order. */
  readonly shapes: string[][];
  readonly shapeIds: Map<string, number>;
}

/** Empty dictionaries. */
export const createDictionaries = (): ColumnDictionaries => ({
  columns: new Map(),
  shapes: [],
  shapeIds: new Map(),
});

function dictionaryOf(dicts: ColumnDictionaries, name: string): ColumnDictionary {
  let dict = dicts.columns.get(name);
  if (!dict) {
    dict = { name, values: [], lookup: new Map(), coded: 0 };
    dicts.columns.set(name, dict);
  }
  return dict;
}

function codeOf(dict: ColumnDictionary, value: unknown): number {
  dict.coded++;
  // Objects (not expected in rows, but JSON allows them) are kept as they are.
  const primitive = value === null || typeof value !== 'object';
  if (dict.lookup && primitive) {
    const known = dict.lookup.get(value);
    if (known !== undefined) return known;
    dict.lookup.set(value, dict.values.length);
    if (dict.values.length > DEDUPE_GIVE_UP && dict.values.length * 2 > dict.coded)
      dict.lookup = null;
  }
  dict.values.push(value);
  return dict.values.length - 1;
}

/** Rows as columns: `codes.get(column)[row]` is a code into the column's dictionary, or ABSENT. */
export interface ColorTable {
  readonly length: number;
  readonly codes: Map<string, Int32Array>;
  readonly shapeOf: Int32Array;
}

/** Encodes rows (one run's) into a table over `dicts`, which it extends. */
export function encodeRows(dicts: ColumnDictionaries, rows: readonly StoredRow[]): ColorTable {
  const codes = new Map<string, Int32Array>();
  const shapeOf = new Int32Array(rows.length);
  const column = (name: string) => {
    let array = codes.get(name);
    if (!array) {
      array = new Int32Array(rows.length).fill(ABSENT);
      codes.set(name, array);
    }
    return array;
  };
  // Rows of a run nearly all have one shape: its columns are resolved once, not per cell.
  let last: { keys: string[]; id: number; dicts: ColumnDictionary[]; arrays: Int32Array[] } | null =
    null;
  for (const [r, row] of rows.entries()) {
    const keys = Object.keys(row);
    if (!last || !sameKeys(last.keys, keys)) {
      const shapeKey = keys.join('\u0000');
      let id = dicts.shapeIds.get(shapeKey);
      if (id === undefined) {
        id = dicts.shapes.length;
        dicts.shapes.push(keys);
        dicts.shapeIds.set(shapeKey, id);
      }
      last = {
        keys,
        id,
        dicts: keys.map((k) => dictionaryOf(dicts, k)),
        arrays: keys.map((k) => column(k)),
      };
    }
    shapeOf[r] = last.id;
    for (let k = 0; k < keys.length; k++)
      (last.arrays[k] as Int32Array)[r] = codeOf(
        last.dicts[k] as ColumnDictionary,
        row[keys[k] as string],
      );
  }
  return { length: rows.length, codes, shapeOf };
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** One table of {@link concatTables}, or a range of one. */
export interface TableSlice {
  table: ColorTable;
  from: number;
  to: number;
}

/** The slices one after the other, as one table (copies codes; values stay in the dictionaries). */
export function concatTables(slices: readonly TableSlice[]): ColorTable {
  const length = slices.reduce((n, s) => n + (s.to - s.from), 0);
  const names = new Set<string>();
  for (const { table } of slices) for (const name of table.codes.keys()) names.add(name);
  const codes = new Map<string, Int32Array>();
  for (const name of names) {
    const out = new Int32Array(length).fill(ABSENT);
    let at = 0;
    for (const { table, from, to } of slices) {
      const source = table.codes.get(name);
      if (source) out.set(source.subarray(from, to), at);
      at += to - from;
    }
    codes.set(name, out);
  }
  const shapeOf = new Int32Array(length);
  let at = 0;
  for (const { table, from, to } of slices) {
    shapeOf.set(table.shapeOf.subarray(from, to), at);
    at += to - from;
  }
  return { length, codes, shapeOf };
}
