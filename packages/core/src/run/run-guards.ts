import { calendarDateToDays } from '../parse/calendar-date.js';
import type { ColorRecord } from '../parse/record.js';

/** The bad-day guards of SPEC §4 step 4; each off unless set. */
export interface RunGuards {
  /** Fail when the source has fewer rows than this. */
  minSourceRows?: number;
  /** Fail when the source is identical (content hash) to the last successful run's. */
  rejectUnchangedSource?: boolean;
  /** Fail when the newest quote (DATE_1, else DATE) is more than this many days before the business date. */
  maxQuoteAgeDays?: number;
}

/** The reason the guards stop a run, or `undefined` when they let it through. */
export function checkGuards(
  guards: RunGuards,
  source: { rows: number; contentHash?: string; records: readonly ColorRecord[] } | undefined,
  lastSourceHash: string | undefined,
  businessDate: string,
): string | undefined {
  if (!source) return undefined;
  if (guards.minSourceRows !== undefined && source.rows < guards.minSourceRows) {
    return `the source has ${source.rows} rows, fewer than the minimum of ${guards.minSourceRows}`;
  }
  if (
    guards.rejectUnchangedSource &&
    source.contentHash !== undefined &&
    source.contentHash === lastSourceHash
  ) {
    return 'the source is identical to the last successful run’s (same content hash): refusing to publish stale colors';
  }
  if (guards.maxQuoteAgeDays !== undefined && source.records.length > 0) {
    let newest = '';
    for (const r of source.records) {
      const date = r.DATE_1 || r.DATE;
      if (date > newest) newest = date;
    }
    const age = calendarDateToDays(businessDate) - calendarDateToDays(newest);
    if (age > guards.maxQuoteAgeDays) {
      return `the newest quote is from ${newest}, ${age} days before ${businessDate} (maximum ${guards.maxQuoteAgeDays})`;
    }
  }
  return undefined;
}
