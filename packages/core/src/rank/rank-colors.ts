import type { ColorRecord, RecordValue } from '../parse/record.js';
import { createRankKeys } from './rank-keys.js';
import { planRanking, type RankPlan } from './rank-plan.js';
import type { RankedRow } from './ranked-row.js';

export { compareDigits, type RankPlan } from './rank-plan.js';
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

/** Ranks like {@link rankColors} but returns the {@link RankPlan} instead of plain objects. */
export function rankOrder<R extends ColorRecord>(
  records: readonly R[],
  options: RankOptions = {},
): RankPlan<R> {
  const rows = options.dedupe === 'quote' ? dedupeQuotes(records) : records;
  const keys = createRankKeys(rows.length, options.dateField ?? 'DATE_1');
  for (const row of rows) keys.add(row);
  return planRanking(rows, keys, options.runId === undefined ? 'preview' : String(options.runId));
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
