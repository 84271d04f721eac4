import {
  ALL_COLUMNS,
  ALWAYS_VISIBLE_COLUMNS,
  type CloMappings,
  columnsOfClo,
  readCloMappings,
} from './clo-mappings.js';
import {
  type Entitlements,
  readEntitlements,
  type SectorScope,
  sectorScope,
} from './entitlements.js';
import type { Principal } from './principal.js';

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

const EVERY_COLUMN: ColumnScope = UNRESTRICTED_READ_SCOPE.columns;

/**
 * The columns of a mapping's column list: every column for `*`, else the listed ones plus
 * {@link ALWAYS_VISIBLE_COLUMNS}; only those for `null` (a CLO type that does not exist).
 */
export function columnScope(columns: '*' | readonly string[] | null | undefined): ColumnScope {
  if (columns === ALL_COLUMNS) return EVERY_COLUMN;
  const visible = new Set<string>(ALWAYS_VISIBLE_COLUMNS);
  for (const column of columns ?? []) visible.add(column.trim().toUpperCase());
  return { all: false, visible, allows: (column) => visible.has(column.toUpperCase()) };
}

/**
 * What a principal may see (SPEC §10). Rows: the sectors of their asset classes — every row with
 * `*`, none without an entitlement; admins are scoped like anyone (an admin who must see
 * everything holds `*`). Columns: those of their CLO type (a subtype inherits its main type's),
 * the mappings' `defaultColumns` without a CLO, and only {@link ALWAYS_VISIBLE_COLUMNS} for a CLO
 * type that no longer exists (never more than was granted). The local operator of a host without
 * accounts sees everything.
 *
 * @example
 * ```ts
 * const scope = readScopeOf(principal, await readEntitlements(store), await readCloMappings(store));
 * scope.rows.allows('MM-CLO'); scope.columns.allows('PX');
 * ```
 */
export function readScopeOf(
  principal: Pick<Principal, 'kind' | 'assetClasses' | 'clo'>,
  entitlements: Entitlements,
  cloMappings: Pick<CloMappings, 'defaultColumns' | 'types'>,
): ReadScope {
  if (principal.kind === 'local') return UNRESTRICTED_READ_SCOPE;
  return {
    rows: sectorScope(principal, entitlements),
    columns: columnScope(columnsOfClo(cloMappings, principal.clo)),
  };
}

/**
 * {@link readScopeOf} over the store: reads the entitlements and the CLO mappings (two small
 * documents, read per call so an admin's change applies to the next request).
 */
export async function readScopeFor(
  store: Parameters<typeof readEntitlements>[0],
  principal: Pick<Principal, 'kind' | 'assetClasses' | 'clo'>,
): Promise<ReadScope> {
  if (principal.kind === 'local') return UNRESTRICTED_READ_SCOPE;
  const [entitlements, mappings] = await Promise.all([
    readEntitlements(store),
    readCloMappings(store),
  ]);
  return readScopeOf(principal, entitlements, mappings);
}
