import { MarketPulseError } from '../errors.js';
import type { ColorRecord, RecordValue } from '../parse/record.js';
import type { RankedRow } from './ranked-row.js';
import { createRowExtender } from './row-extender.js';

export type { HierarchyColumns, RankedRow } from './ranked-row.js';

/** Options of {@link rankColors} and {@link rankOrder}. */
export interface RankOptions {
  /** The run the rows belong to; ROW_IDs are `<runId>-<n>`. Without it, `preview-<n>`. */
  runId?: number | string;
  /** Rank date: `DATE_1` (default; falls back to DATE where DATE_1 is empty) or `DATE` alone. */
  dateField?: 'DATE_1' | 'DATE';
  /** `quote` collapses rows repeating the same quote (SPEC §2.5), keeping the first. */
  dedupe?: 'none' | 'quote';
}

const EMPTY_RANK = 1_000;

/**
 * Ranks the colors of each CUSIP (SPEC §2): the best color of each group becomes the parent, the
 * others its children. Order within a group: rank date newest first, RANK ascending, PX descending
 * (0/empty last), SOURCE (case-insensitive), MESSAGE_ID (numerically), input order. Groups come out
 * in order of first appearance. The input is not modified.
 *
 * Runs in O(n · group size) with typed-array keys: rows are bucketed by CUSIP and each (small)
 * group is sorted on its own, so a million rows rank without one global comparator sort.
 *
 * @example
 * ```ts
 * const rows = rankColors(records, { runId: 42 });
 * rows.filter((r) => r.IS_PARENT).length; // one per CUSIP
 * ```
 */
export function rankColors<R extends ColorRecord>(
  records: readonly R[],
  options: RankOptions = {},
): RankedRow<R>[] {
  return rankOrder(records, options).materialize();
}

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

/** Ranks like {@link rankColors} but returns the {@link RankPlan} instead of plain objects. */
export function rankOrder<R extends ColorRecord>(
  records: readonly R[],
  options: RankOptions = {},
): RankPlan<R> {
  const rows = options.dedupe === 'quote' ? dedupeQuotes(records) : records;
  const n = rows.length;
  const prefix = options.runId === undefined ? 'preview' : String(options.runId);
  const dateOnly = options.dateField === 'DATE';

  const groupOf = new Int32Array(n);
  const groupIds = new Map<string, number>();
  const dateKey = new Int32Array(n);
  const rankKey = new Int32Array(n);
  const pxKey = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = rows[i] as R;
    const cusip = row.CUSIP;
    if (typeof cusip !== 'string' || cusip === '') {
      throw new MarketPulseError(
        'VALIDATION_ERROR',
        `record ${i + 1} has no CUSIP; parse records before ranking`,
        {
          details: { index: i },
        },
      );
    }
    let group = groupIds.get(cusip);
    if (group === undefined) {
      group = groupIds.size;
      groupIds.set(cusip, group);
    }
    groupOf[i] = group;
    const quoteDate = row.DATE_1;
    const primary =
      dateOnly || quoteDate === null || quoteDate === undefined || quoteDate === ''
        ? row.DATE
        : quoteDate;
    dateKey[i] = dateNumber(primary, i);
    rankKey[i] = typeof row.RANK === 'number' ? row.RANK : EMPTY_RANK;
    const px = row.PX;
    pxKey[i] = typeof px === 'number' && px !== 0 ? px : Number.NEGATIVE_INFINITY;
  }

  // Counting sort by group keeps input order inside each bucket.
  const groupCount = groupIds.size;
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
    parentSlot.fill(from, from, to);
    groupSize.fill(to - from, from, to);
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

/** `YYYY-MM-DD` → yyyymmdd; 0 (sorts last when newest-first) for an empty date. */
function dateNumber(value: RecordValue | undefined, index: number): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'string' && value.length === 10) {
    const n =
      (value.charCodeAt(0) - 48) * 10_000_000 +
      (value.charCodeAt(1) - 48) * 1_000_000 +
      (value.charCodeAt(2) - 48) * 100_000 +
      (value.charCodeAt(3) - 48) * 10_000 +
      (value.charCodeAt(5) - 48) * 1_000 +
      (value.charCodeAt(6) - 48) * 100 +
      (value.charCodeAt(8) - 48) * 10 +
      (value.charCodeAt(9) - 48);
    if (n > 0 && n < 100_000_000) return n;
  }
  throw new MarketPulseError(
    'VALIDATION_ERROR',
    `record ${index + 1} has a rank date that is not YYYY-MM-DD: ${String(value)}`,
    {
      details: { index, value },
    },
  );
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

function quoteKeyPart(value: RecordValue | undefined, zeroIsEmpty = false): string {
  if (value === null || value === undefined || (zeroIsEmpty && value === 0)) return '\u0001';
  return typeof value === 'string' ? value.toLowerCase() : String(value);
}

/** Keeps the first of rows that repeat one quote (same MESSAGE_ID, CUSIP, BIAS, BID, ASK, SOURCE, DATE_1). */
function dedupeQuotes<R extends ColorRecord>(records: readonly R[]): R[] {
  const seen = new Set<string>();
  const kept: R[] = [];
  for (const r of records) {
    const key = [
      r.MESSAGE_ID,
      r.CUSIP,
      quoteKeyPart(r.BIAS),
      quoteKeyPart(r.BID, true),
      quoteKeyPart(r.ASK, true),
      quoteKeyPart(r.SOURCE),
      quoteKeyPart(r.DATE_1),
    ].join('\u0000');
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push(r);
  }
  return kept;
}
