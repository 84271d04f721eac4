import type { ReadScope } from '../accounts/read-scope.js';
import { cusipOfIsin } from '../cusip.js';
import { MarketPulseError } from '../errors.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { StoredRow } from '../run/run-protocol.js';
import { readCurrentView } from '../views/current-view.js';

/** What an identifier is searched as (SPEC §8); `any` tries every kind. */
export type SearchKind = 'any' | 'cusip' | 'isin' | 'message_id' | 'ticker';

/** The search kinds, for hosts that list or validate them. */
export const SEARCH_KINDS: readonly SearchKind[] = Object.freeze([
  'any',
  'cusip',
  'isin',
  'message_id',
  'ticker',
]);

/** The rows of the CUSIPs an identifier matched. */
export interface SearchResult {
  identifier: string;
  /** The CUSIPs matched, in view order. */
  cusips: string[];
  /** Every row of those CUSIPs (the whole group: parent and children), in view order. */
  rows: StoredRow[];
}

/** How to search: the kind, and whether to expand a match to its CUSIP's whole group. */
export interface SearchOptions {
  /** Default `any`. */
  kind?: SearchKind;
  /** Default true: every row of a matched CUSIP; false: only the rows that matched. */
  expand?: boolean;
}

/**
 * Finds an identifier in the current view (SPEC §8 security search): a CUSIP (any case), an ISIN
 * (searched as the CUSIP inside it), a MESSAGE_ID (exactly) or text within a TICKER (any case) —
 * with every row of each matched CUSIP, so a hit on a child shows its parent and siblings too.
 * With a `scope` only the rows and columns the reader may see take part: a row of another
 * sector never matches nor shows, a hidden column is neither matched nor returned.
 *
 * @example
 * ```ts
 * const { cusips, rows } = await searchCurrentView(store, 'US0378331005');
 * ```
 */
export async function searchCurrentView(
  store: ObjectStore,
  identifier: string,
  scope?: ReadScope,
  options: SearchOptions = {},
): Promise<SearchResult> {
  const needle = identifier.trim();
  if (needle === '')
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      'give a CUSIP, ISIN, MESSAGE_ID or ticker text to search for',
    );
  const kind = options.kind ?? 'any';
  const isinCusip = kind === 'any' || kind === 'isin' ? cusipOfIsin(needle) : undefined;
  if (kind === 'isin' && isinCusip === undefined)
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `${needle} is not an ISIN: give 12 characters, a country code, the CUSIP and a right check digit (e.g. US0378331005)`,
      { details: { identifier: needle } },
    );
  const { rows } = await readCurrentView(store);
  const visible = scope ? rows.filter((r) => scope.rows.allows(r.SECTOR)) : rows;
  const sees = (column: string) => !scope || scope.columns.allows(column);
  const upper = needle.toUpperCase();
  const matches = (r: StoredRow): boolean => {
    const cusip = sees('CUSIP') && (kind === 'any' || kind === 'cusip') && r.CUSIP === upper;
    const isin = sees('CUSIP') && isinCusip !== undefined && r.CUSIP === isinCusip;
    const message =
      sees('MESSAGE_ID') && (kind === 'any' || kind === 'message_id') && r.MESSAGE_ID === needle;
    const ticker =
      sees('TICKER') &&
      (kind === 'any' || kind === 'ticker') &&
      String(r.TICKER ?? '')
        .toUpperCase()
        .includes(upper);
    return cusip || isin || message || ticker;
  };
  const matchedRows = new Set<StoredRow>();
  const matched = new Set<string>();
  for (const r of visible) {
    if (matches(r)) {
      matched.add(r.CUSIP);
      matchedRows.add(r);
    }
  }
  const found = visible.filter((r) =>
    options.expand === false ? matchedRows.has(r) : matched.has(r.CUSIP),
  );
  return {
    identifier: needle,
    cusips: [...matched],
    rows: scope && !scope.columns.all ? found.map((r) => project(r, scope)) : found,
  };
}

/** A row with only the columns `scope` shows (CUSIP, RUN_ID, IS_PARENT, SECTOR key the group). */
function project(row: StoredRow, scope: ReadScope): StoredRow {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(row))
    if (scope.columns.allows(name) || KEYS.has(name)) out[name] = value;
  return out as StoredRow;
}
const KEYS = new Set(['CUSIP', 'RUN_ID', 'IS_PARENT', 'SECTOR', 'ROW_ID', 'PARENT_ROW_ID']);
