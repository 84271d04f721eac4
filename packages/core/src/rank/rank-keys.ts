import { MarketPulseError } from '../errors.js';
import type { ColorRecord, RecordValue } from '../parse/record.js';

/** RANK of a row whose RANK is not a number: after every real rank (1–6). */
const EMPTY_RANK = 1_000;

/**
 * The numeric sort keys of the rows being ranked (SPEC §2), one typed-array slot per row, filled
 * row by row with {@link RankKeys.add} — by ranking's own pass, or by the rules' pass of a run
 * while each row is still in cache.
 */
export interface RankKeys {
  /** Rows added so far. */
  readonly length: number;
  /** Number of distinct CUSIPs so far; groups are numbered in order of first appearance. */
  readonly groupCount: number;
  /** `groupOf[i]`: the CUSIP group of row `i`. */
  readonly groupOf: Int32Array;
  /** `dateKey[i]`: the rank date as yyyymmdd, 0 when empty (last when newest first). */
  readonly dateKey: Int32Array;
  /** `rankKey[i]`: RANK, or 1,000 when empty. */
  readonly rankKey: Int32Array;
  /** `pxKey[i]`: PX, or −∞ for 0 and empty (last when highest first). */
  readonly pxKey: Float64Array;
  /** Appends the keys of the next row (row number `length` in the ranked rows). */
  add(row: ColorRecord): void;
}

/**
 * Typed-array keys for up to `capacity` rows; `dateField: 'DATE'` ranks by DATE alone, else by
 * DATE_1 falling back to DATE where DATE_1 is empty.
 *
 * @throws VALIDATION_ERROR from `add` for a row without a CUSIP or with a rank date that is not
 *   `YYYY-MM-DD` (naming the row's 1-based position among the ranked rows).
 */
export function createRankKeys(capacity: number, dateField: 'DATE_1' | 'DATE'): RankKeys {
  const dateOnly = dateField === 'DATE';
  const groupIds = new Map<string, number>();
  const groupOf = new Int32Array(capacity);
  const dateKey = new Int32Array(capacity);
  const rankKey = new Int32Array(capacity);
  const pxKey = new Float64Array(capacity);
  let length = 0;
  return {
    get length() {
      return length;
    },
    get groupCount() {
      return groupIds.size;
    },
    groupOf,
    dateKey,
    rankKey,
    pxKey,
    add(row) {
      const i = length;
      const cusip = row.CUSIP;
      if (typeof cusip !== 'string' || cusip === '') {
        throw new MarketPulseError(
          'VALIDATION_ERROR',
          `record ${i + 1} has no CUSIP; parse records before ranking`,
          { details: { index: i } },
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
      const rank = row.RANK;
      rankKey[i] = typeof rank === 'number' ? rank : EMPTY_RANK;
      const px = row.PX;
      pxKey[i] = typeof px === 'number' && px !== 0 ? px : Number.NEGATIVE_INFINITY;
      length = i + 1;
    },
  };
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
    { details: { index, value } },
  );
}
