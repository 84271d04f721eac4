// The one implementation of security search's semantics (SPEC §8): which cells an identifier
// matches, and which rows a match brings in. The streaming search (rows read from the store) and
// the resident index's search both call it, so their answers cannot drift.
import type { ReadScope } from '../accounts/read-scope.js';
import { cusipOfIsin } from '../cusip.js';
import { MarketPulseError } from '../errors.js';
import type { StoredRow } from '../run/run-protocol.js';

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

/** How to search: the kind, and whether to expand a match to its CUSIP's whole group. */
export interface SearchOptions {
  /** Default `any`. */
  kind?: SearchKind;
  /** Default true: every row of a matched CUSIP; false: only the rows that matched. */
  expand?: boolean;
}

/** The rows of the CUSIPs an identifier matched. */
export interface SearchResult {
  identifier: string;
  /** The CUSIPs matched, in view order. */
  cusips: string[];
  /** Every row of those CUSIPs (the whole group: parent and children), in view order. */
  rows: StoredRow[];
}

/** A test of one column's cells; a row matches a search when any of its tests passes. */
export interface CellTest {
  /** The column tested. */
  column: string;
  /** Whether a cell of `column` (undefined where a row has none) matches. */
  matches: (value: unknown) => boolean;
}

/** A validated search: the trimmed identifier and the cell tests it stands for. */
export interface SearchMatcher {
  /** The identifier, trimmed. */
  identifier: string;
  /** A row matches when any passes (none: nothing matches — every column searched is hidden). */
  tests: readonly CellTest[];
  /** Every row of a matched CUSIP (true) or only the rows that matched. */
  expand: boolean;
}

/**
 * Validates a search and turns it into cell tests: a CUSIP (any case), an ISIN (as the CUSIP
 * inside it), a MESSAGE_ID (exactly) or text within a TICKER (any case). A column the reader's
 * scope hides is never tested (matching on it would reveal its values).
 *
 * @example
 * ```ts
 * const matcher = searchMatcher('US0378331005', scope, { kind: 'isin' });
 * ```
 */
export function searchMatcher(
  identifier: string,
  scope?: ReadScope,
  options: SearchOptions = {},
): SearchMatcher {
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
  const upper = needle.toUpperCase();
  const tests: CellTest[] = [];
  const sees = (column: string) => !scope || scope.columns.allows(column);
  if (sees('CUSIP') && (kind === 'any' || kind === 'cusip'))
    tests.push({ column: 'CUSIP', matches: (v) => v === upper });
  if (sees('CUSIP') && isinCusip !== undefined)
    tests.push({ column: 'CUSIP', matches: (v) => v === isinCusip });
  if (sees('MESSAGE_ID') && (kind === 'any' || kind === 'message_id'))
    tests.push({ column: 'MESSAGE_ID', matches: (v) => v === needle });
  if (sees('TICKER') && (kind === 'any' || kind === 'ticker'))
    tests.push({
      column: 'TICKER',
      matches: (v) =>
        String(v ?? '')
          .toUpperCase()
          .includes(upper),
    });
  return { identifier: needle, tests, expand: options.expand !== false };
}

/** Whether a row matches (any of the matcher's cell tests passes). */
export function rowMatches(matcher: SearchMatcher, row: StoredRow): boolean {
  for (const test of matcher.tests) if (test.matches(row[test.column])) return true;
  return false;
}

/**
 * The matched CUSIPs and the rows found, over the reader's rows in view order: with `expand`
 * every row of a matched CUSIP, else the matching rows. Generic over how a row is held (a row
 * object, or a row id of the index), so both read paths share it.
 */
export function collectMatches<R>(
  rows: Iterable<R>,
  matches: (row: R) => boolean,
  cusipOf: (row: R) => string,
  expand: boolean,
): { cusips: string[]; found: R[] } {
  const held = Array.isArray(rows) ? (rows as R[]) : [...rows];
  const matchedRows = new Set<R>();
  const matched = new Set<string>();
  for (const r of held)
    if (matches(r)) {
      matched.add(cusipOf(r));
      matchedRows.add(r);
    }
  const found = expand
    ? held.filter((r) => matched.has(cusipOf(r)))
    : held.filter((r) => matchedRows.has(r));
  return { cusips: [...matched], found };
}

/** The columns a found row keeps whatever the reader's columns: they key the CUSIP group. */
export const SEARCH_KEY_COLUMNS: ReadonlySet<string> = new Set([
  'CUSIP',
  'RUN_ID',
  'IS_PARENT',
  'SECTOR',
  'ROW_ID',
  'PARENT_ROW_ID',
]);

/** Which columns of a found row a reader of `scope` gets (null: all of them). */
export function searchColumns(scope?: ReadScope): ((column: string) => boolean) | null {
  if (!scope || scope.columns.all) return null;
  return (column) => scope.columns.allows(column) || SEARCH_KEY_COLUMNS.has(column);
}
