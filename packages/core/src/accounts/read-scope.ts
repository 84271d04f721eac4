import type { SectorScope } from './entitlements.js';

/** The columns a reader may see (by their CLO's column mapping, SPEC §10). */
export interface ColumnScope {
  /** Every column. */
  all: boolean;
  /** The columns seen, by their canonical (upper-case) name; empty when `all`. */
  visible: ReadonlySet<string>;
  /** Whether the column of this canonical name may be seen. */
  allows(column: string): boolean;
}

/**
 * What one reader may see, applied on every read path (dashboard, runs' rows and exports,
 * search, sessions, reports, events): rows by their own SECTOR, columns by the reader's CLO.
 */
export interface ReadScope {
  rows: SectorScope;
  columns: ColumnScope;
}

/** Every row and every column: the local operator's scope, and an admin's with `*`. */
export const UNRESTRICTED_READ_SCOPE: ReadScope = Object.freeze({
  rows: Object.freeze({ all: true, sectors: new Set<string>(), allows: () => true }),
  columns: Object.freeze({ all: true, visible: new Set<string>(), allows: () => true }),
});
