import type { ColorRecord, RecordValue } from '../parse/record.js';
import type { RankKeys } from './rank-keys.js';
import type { RankedRow } from './ranked-row.js';
import { createRowExtender } from './row-extender.js';

/**
 * The ranking as columns: which input row goes to each output position and its hierarchy —
 * without building a million output objects. {@link rankColors} is this plus `materialize()`;
 * a run streams output rows from it with `rowAt`.
 */
export interface RankPlan<R extends ColorRecord> {
  /** The rows ranked (after `dedupe`), in input order. */
  readonly rows: readonly R[];
  /** Number of output rows. */
  readonly length: number;
  /** `order[k]`: index in `rows` of output row `k`. */
  readonly order: Int32Array;
  /** `parentSlot[k]`: output position of row `k`'s parent (`k` itself for a parent). */
  readonly parentSlot: Int32Array;
  /** `groupSize[k]`: number of rows in row `k`'s CUSIP group. */
  readonly groupSize: Int32Array;
  /** Output row `k` as a plain object (input columns then hierarchy columns). */
  rowAt(k: number): RankedRow<R>;
  /** Every output row as plain objects, in output order. */
  materialize(): RankedRow<R>[];
}

/**
 * Orders `rows` by their `keys` (row `i`'s keys at slot `i`; SPEC §2): a counting sort by CUSIP
 * group in order of first appearance, then each (small) group sorted on its own by rank date,
 * RANK, PX, SOURCE, MESSAGE_ID and position. ROW_IDs are `<prefix>-<n>`.
 */
export function planRanking<R extends ColorRecord>(
  rows: readonly R[],
  keys: RankKeys,
  prefix: string,
): RankPlan<R> {
  const n = rows.length;
  const { groupOf, dateKey, rankKey, pxKey, groupCount } = keys;
  // Counting sort by group keeps input order inside each bucket.
  const start = new Int32Array(groupCount + 1);
  for (let i = 0; i < n; i++) {
    const slot = (groupOf[i] as number) + 1;
    start[slot] = (start[slot] as number) + 1;
  }
  for (let g = 0; g < groupCount; g++)
    start[g + 1] = (start[g + 1] as number) + (start[g] as number);
  const fill = start.slice(0, groupCount);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const g = groupOf[i] as number;
    order[fill[g] as number] = i;
    fill[g] = (fill[g] as number) + 1;
  }

  const compare = (a: number, b: number): number => {
    const da = dateKey[a] as number;
    const db = dateKey[b] as number;
    if (da !== db) return db - da;
    const ra = rankKey[a] as number;
    const rb = rankKey[b] as number;
    if (ra !== rb) return ra - rb;
    const pa = pxKey[a] as number;
    const pb = pxKey[b] as number;
    if (pa !== pb) return pa > pb ? -1 : 1;
    const ta = rows[a] as R;
    const tb = rows[b] as R;
    const bySource = compareText(ta.SOURCE, tb.SOURCE);
    if (bySource !== 0) return bySource;
    const byMessage = compareDigits(ta.MESSAGE_ID, tb.MESSAGE_ID);
    return byMessage !== 0 ? byMessage : a - b;
  };
  const parentSlot = new Int32Array(n);
  const groupSize = new Int32Array(n);
  for (let g = 0; g < groupCount; g++) {
    const from = start[g] as number;
    const to = start[g + 1] as number;
    sortRange(order, from, to, compare);
    // Plain loops: most groups hold a few rows, where a fill() call costs more than the writes.
    for (let k = from; k < to; k++) {
      parentSlot[k] = from;
      groupSize[k] = to - from;
    }
  }

  const extend = createRowExtender(rows[0]);
  const build = (row: R, k: number): RankedRow<R> => {
    const parent = parentSlot[k] as number;
    const parentRowId = `${prefix}-${parent + 1}`;
    return parent === k
      ? extend(row, true, (groupSize[k] as number) - 1, null, parentRowId, null)
      : extend(
          row,
          false,
          0,
          (rows[order[parent] as number] as R).MESSAGE_ID,
          `${prefix}-${k + 1}`,
          parentRowId,
        );
  };
  return {
    rows,
    length: n,
    order,
    parentSlot,
    groupSize,
    rowAt: (k) => {
      if (!(k >= 0 && k < n)) throw new RangeError(`no output row ${k}`);
      return build(rows[order[k] as number] as R, k);
    },
    materialize: () => {
      // Built in input order: sequential reads of the records cost much less than reads in rank order.
      const slotOf = new Int32Array(n);
      for (let k = 0; k < n; k++) slotOf[order[k] as number] = k;
      const out: RankedRow<R>[] = new Array(n);
      for (let i = 0; i < n; i++)
        out[slotOf[i] as number] = build(rows[i] as R, slotOf[i] as number);
      return out;
    },
  };
}

/** Insertion sort for the usual small groups; the built-in sort for large ones. */
function sortRange(
  order: Int32Array,
  from: number,
  to: number,
  compare: (a: number, b: number) => number,
): void {
  if (to - from > 24) {
    order.subarray(from, to).sort(compare);
    return;
  }
  for (let i = from + 1; i < to; i++) {
    const item = order[i] as number;
    let j = i - 1;
    while (j >= from && compare(order[j] as number, item) > 0) {
      order[j + 1] = order[j] as number;
      j--;
    }
    order[j + 1] = item;
  }
}

function compareText(a: RecordValue | undefined, b: RecordValue | undefined): number {
  const x = a === null || a === undefined ? '' : String(a).toLowerCase();
  const y = b === null || b === undefined ? '' : String(b).toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Compares ids written as digits by value: shorter first, then character by character. */
export function compareDigits(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
