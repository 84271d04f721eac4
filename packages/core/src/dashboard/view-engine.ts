// The resident index's answers for the read paths other than the dashboard's pages (issue 12
// item 3): security search over the current view, and the rows of runs for exports of a view.
// Semantics are shared with the streaming read paths (`searchMatcher`/`collectMatches`,
// `scopeRows`), so an answer from the index equals the one read from the store.
import { type ReadScope, UNRESTRICTED_READ_SCOPE } from '../accounts/read-scope.js';
import type { StoredRow } from '../run/run-protocol.js';
import {
  collectMatches,
  type SearchOptions,
  type SearchResult,
  searchColumns,
  searchMatcher,
} from '../search/search-match.js';
import type { ColorIndex } from './color-index.js';

/**
 * `searchCurrentView`'s answer, from the index: the cell tests run once per distinct value of
 * their column, the current view's rows the scope allows are walked as ids, and only the rows
 * found are rebuilt as objects.
 *
 * @example
 * ```ts
 * const { cusips, rows } = searchIndex(index, 'US0378331005', scope);
 * ```
 */
export function searchIndex(
  index: ColorIndex,
  identifier: string,
  scope: ReadScope = UNRESTRICTED_READ_SCOPE,
  options: SearchOptions = {},
): SearchResult {
  const matcher = searchMatcher(identifier, scope, options);
  const tests = matcher.tests.map((t) => index.cellTest(t.column, t.matches));
  const cusipOf = index.cellsOf('CUSIP') as (row: number) => string;
  const { cusips, found } = collectMatches(
    index.rowIds('current', scope),
    (r) => tests.some((test) => test(r)),
    cusipOf,
    matcher.expand,
  );
  const keep = searchColumns(scope);
  return { identifier: matcher.identifier, cusips, rows: found.map((r) => index.row(r, keep)) };
}

/**
 * The rows of `runs` (in the order given, each in output order) that a reader of `scope` sees,
 * with only the columns it allows — what `scopeRows` makes of the runs' stored rows.
 *
 * @example
 * ```ts
 * const rows = rowsOfRunsFromIndex(index, [7, 6], scope);
 * ```
 */
export function rowsOfRunsFromIndex(
  index: ColorIndex,
  runs: readonly number[],
  scope: ReadScope = UNRESTRICTED_READ_SCOPE,
): StoredRow[] {
  const keep = scope.columns.all ? null : (column: string) => scope.columns.allows(column);
  return Array.from(index.rowIds(runs, scope), (r) => index.row(r, keep));
}
