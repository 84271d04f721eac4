import { type ReadScope, UNRESTRICTED_READ_SCOPE } from '../accounts/read-scope.js';
import { projectRow } from '../accounts/scope-rows.js';
import { MarketPulseError } from '../errors.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { StoredRow } from '../run/run-protocol.js';
import { readCurrentView } from '../views/current-view.js';

/** The rows of the CUSIPs an identifier matched. */
export interface SearchResult {
  identifier: string;
  /** The CUSIPs matched, in view order. */
  cusips: string[];
  /** Every row of those CUSIPs (the whole group: parent and children), in view order. */
  rows: StoredRow[];
}

/**
 * Finds an identifier in the current view (SPEC §8 security search): a CUSIP (any case), a
 * MESSAGE_ID (exactly) or text within a TICKER (any case) — with every row of each matched
 * CUSIP, so a hit on a child shows its parent and siblings too. Only the rows `scope` lets the
 * reader see are searched and returned (a CUSIP matched on another sector's row is not a hit), each
 * with the visible columns; a hidden column is not searched either (a TICKER hidden by the
 * reader's CLO cannot be matched on).
 *
 * @example
 * ```ts
 * const { cusips, rows } = await searchCurrentView(store, '12345ABC1');
 * ```
 */
export async function searchCurrentView(
  store: ObjectStore,
  identifier: string,
  scope: ReadScope = UNRESTRICTED_READ_SCOPE,
): Promise<SearchResult> {
  const needle = identifier.trim();
  if (needle === '')
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      'give a CUSIP, MESSAGE_ID or ticker text to search for',
    );
  const { rows: all } = await readCurrentView(store);
  const rows = scope.rows.all ? all : all.filter((r) => scope.rows.allows(r.SECTOR));
  const byMessageId = scope.columns.allows('MESSAGE_ID');
  const byTicker = scope.columns.allows('TICKER');
  const upper = needle.toUpperCase();
  const matched = new Set<string>();
  for (const r of rows) {
    if (
      r.CUSIP === upper ||
      (byMessageId && r.MESSAGE_ID === needle) ||
      (byTicker &&
        String(r.TICKER ?? '')
          .toUpperCase()
          .includes(upper))
    )
      matched.add(r.CUSIP);
  }
  return {
    identifier: needle,
    cusips: [...matched],
    rows: rows.filter((r) => matched.has(r.CUSIP)).map((r) => projectRow(r, scope.columns)),
  };
}
