import type { ReadScope } from '../accounts/read-scope.js';
import { projectRow } from '../accounts/scope-rows.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { StoredRow } from '../run/run-protocol.js';
import { readCurrentView } from '../views/current-view.js';
import {
  collectMatches,
  rowMatches,
  SEARCH_KEY_COLUMNS,
  type SearchMatcher,
  type SearchOptions,
  type SearchResult,
  searchMatcher,
} from './search-match.js';

export {
  SEARCH_KINDS,
  type SearchKind,
  type SearchOptions,
  type SearchResult,
} from './search-match.js';

/**
 * Finds an identifier in the current view (SPEC §8 security search): a CUSIP (any case), an ISIN
 * (searched as the CUSIP inside it), a MESSAGE_ID (exactly) or text within a TICKER (any case) —
 * with every row of each matched CUSIP, so a hit on a child shows its parent and siblings too.
 * With a `scope` only the rows and columns the reader may see take part: a row of another
 * sector never matches nor shows, a hidden column is neither matched nor returned.
 *
 * Reads the view's rows from the store (one pass): the read path of one-shot processes (the
 * CLI); a long-lived host answers from its resident index with the same semantics
 * (`searchMatcher`, `collectMatches`).
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
  const matcher = searchMatcher(identifier, scope, options);
  return searchRows((await readCurrentView(store)).rows, matcher, scope);
}

/**
 * A search over rows in view order (the current view's, as read): the reader's rows only, the
 * rows found projected to the columns it sees.
 *
 * @example
 * ```ts
 * const result = searchRows(rows, searchMatcher('ABC', scope), scope);
 * ```
 */
export function searchRows(
  rows: readonly StoredRow[],
  matcher: SearchMatcher,
  scope?: ReadScope,
): SearchResult {
  const visible = scope ? rows.filter((r) => scope.rows.allows(r.SECTOR)) : rows;
  const { cusips, found } = collectMatches(
    visible,
    (r) => rowMatches(matcher, r),
    (r) => r.CUSIP,
    matcher.expand,
  );
  return {
    identifier: matcher.identifier,
    cusips,
    rows: scope && !scope.columns.all ? found.map((r) => project(r, scope)) : found,
  };
}

/** A row with only the columns `scope` shows (CUSIP, RUN_ID, IS_PARENT, SECTOR key the group). */
function project(row: StoredRow, scope: ReadScope): StoredRow {
  return projectRow(row, scope.columns, SEARCH_KEY_COLUMNS);
}
