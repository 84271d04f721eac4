import { z } from 'zod';
import { MarketPulseError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import { readDocument, updateDocument } from '../store/json-document.js';
import { ENTITLEMENTS_DOCUMENT } from '../store/layout.js';
import { ALL_ASSET_CLASSES } from './user.js';

/** Sectors group case-insensitively (SPEC §1), so entitlements compare them so too. */
const sectorKey = (sector: string) => sector.trim().toUpperCase();

const assetClassName = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((name) => name !== ALL_ASSET_CLASSES, `"${ALL_ASSET_CLASSES}" stands for every sector`);

/** Which sectors each asset class holds (SPEC §10), edited by admins. */
export const entitlementsSchema = z.object({
  assetClasses: z.record(assetClassName, z.array(z.string().trim().min(1).max(200)).max(10_000)),
  /** The last change: when and by whom (absent before the first). */
  updatedAt: z.string().optional(),
  updatedBy: z.string().optional(),
});
/** The asset classes and their sectors. */
export type Entitlements = z.infer<typeof entitlementsSchema>;

/** The asset classes as stored (none until an admin defines them). */
export async function readEntitlements(store: ObjectStore): Promise<Entitlements> {
  return (
    (await readDocument(store, ENTITLEMENTS_DOCUMENT, entitlementsSchema))?.value ?? {
      assetClasses: {},
    }
  );
}

/**
 * Sets the sectors of an asset class (an empty list removes the class). Sectors are kept as
 * given, compared case-insensitively.
 */
export async function setAssetClass(
  deps: { store: ObjectStore; clock: Clock },
  assetClass: string,
  sectors: readonly string[],
  actor: string,
): Promise<Entitlements> {
  const name = assetClassName.safeParse(assetClass);
  if (!name.success)
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `invalid asset class "${assetClass}": ${name.error.issues.map((i) => i.message).join('; ')}`,
      { details: { field: 'assetClass' } },
    );
  const updatedAt = deps.clock.now().toISOString();
  const outcome = await updateDocument(
    deps.store,
    ENTITLEMENTS_DOCUMENT,
    entitlementsSchema,
    (current) => {
      const assetClasses = { ...(current?.assetClasses ?? {}) };
      if (sectors.length === 0) delete assetClasses[name.data];
      else assetClasses[name.data] = [...new Set(sectors.map((s) => s.trim()))];
      return { assetClasses, updatedAt, updatedBy: actor };
    },
  );
  return outcome.value as Entitlements;
}

/** The rows a principal may see (see {@link sectorScope}). */
export interface SectorScope {
  /** Every sector (the `*` entitlement). */
  all: boolean;
  /** The sectors seen, upper-cased (empty when `all`). */
  sectors: ReadonlySet<string>;
  /** Whether a row of this SECTOR may be seen. */
  allows(sector: unknown): boolean;
}

/** Who reads: a role is not needed to scope rows, only the asset classes. */
export interface Entitled {
  assetClasses: readonly string[];
}

/**
 * Which rows a principal may see, by the row's own SECTOR (SPEC §10): `all` for the
 * {@link ALL_ASSET_CLASSES} entitlement, else the sectors of their asset classes — none at all
 * for a principal with no entitlement (never everything). An asset class not defined (yet) gives
 * nothing.
 *
 * @example
 * ```ts
 * const scope = sectorScope({ assetClasses: ['CLO'] }, { assetClasses: { CLO: ['MM-CLO', 'BSL'] } });
 * scope.allows('mm-clo'); // true
 * scope.allows('ABS');    // false
 * ```
 */
export function sectorScope(who: Entitled, entitlements: Entitlements): SectorScope {
  if (who.assetClasses.includes(ALL_ASSET_CLASSES))
    return { all: true, sectors: new Set(), allows: () => true };
  const sectors = new Set<string>();
  for (const assetClass of who.assetClasses)
    for (const sector of entitlements.assetClasses[assetClass] ?? [])
      sectors.add(sectorKey(sector));
  return {
    all: false,
    sectors,
    allows: (sector) => typeof sector === 'string' && sectors.has(sectorKey(sector)),
  };
}
