// The current view as stored: a manifest (views/current.json) naming its version's parts, each
// part's line count and SHA-256 recorded in the manifest. Reading checks them; writing a new
// version replaces the manifest by compare-and-swap — also a damaged one, found by listing.
import { z } from 'zod';
import { isMarketPulseError, MarketPulseError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import { digestOf, objectDigestSchema } from '../store/checksum.js';
import {
  type DamageDetails,
  damagedObject,
  damageOf,
  readCheckedLines,
} from '../store/damaged-object.js';
import { encodeDocument, readDocument } from '../store/json-document.js';
import {
  CURRENT_VIEW_MANIFEST,
  CURRENT_VIEW_PREFIX,
  currentViewPartKey,
  viewVersionOfKey,
} from '../store/layout.js';

export const manifestSchema = z.object({
  /** Changes whenever visible data changes (SPEC §8 data-version tag). */
  version: z.number().int().nonnegative(),
  /** Every run up to this id has been considered. */
  throughRunId: z.number().int().nonnegative(),
  parts: z.number().int().nonnegative(),
  rows: z.number().int().nonnegative(),
  builtAt: z.string(),
  /** Line count and SHA-256 of each part; absent in views built before they were recorded. */
  partDigests: z.array(objectDigestSchema).optional(),
});
/**
 * The current view's manifest: its data version, the runs it has considered, its parts.
 *
 * @useDeclaredType
 */
export type CurrentViewManifest = z.infer<typeof manifestSchema>;

const PART_ROWS = 50_000;
const encoder = new TextEncoder();

/** The manifest, or null before the first view; a damaged one is an error naming its key. */
export async function readManifest(store: ObjectStore): Promise<CurrentViewManifest | null> {
  return (await readDocument(store, CURRENT_VIEW_MANIFEST, manifestSchema))?.value ?? null;
}

/** One stored part of the view, as its JSON lines. */
export interface ViewPart {
  key: string;
  lines: string[];
}

/**
 * The parts of the view a manifest names, each checked against it (SHA-256 and line count; the
 * total against `rows` when the manifest predates part checksums). A missing or damaged part is
 * an error naming its key.
 */
export async function readViewParts(
  store: ObjectStore,
  manifest: CurrentViewManifest,
): Promise<ViewPart[]> {
  const digests = manifest.partDigests;
  if (digests && digests.length !== manifest.parts)
    throw damagedObject(CURRENT_VIEW_MANIFEST, 'its part checksums do not match its parts');
  const parts: ViewPart[] = [];
  let rows = 0;
  for (let p = 0; p < manifest.parts; p++) {
    const key = currentViewPartKey(manifest.version, p);
    const lines = await readCheckedLines(store, key, digests?.[p]);
    parts.push({ key, lines });
    rows += lines.length;
  }
  if (rows !== manifest.rows) {
    const key =
      manifest.parts === 1 ? currentViewPartKey(manifest.version, 0) : CURRENT_VIEW_MANIFEST;
    throw damagedObject(key, `the view has ${rows} rows where its manifest says ${manifest.rows}`);
  }
  return parts;
}

/** What a new version of the view replaces: the manifest as read, or a damaged one. */
export interface ViewBase {
  manifest: CurrentViewManifest | null;
  /** The manifest's ETag (null: there is none yet). */
  etag: string | null;
  generation: number;
  /** The version the new one follows. */
  version: number;
  /** Set when the manifest was damaged: every stored part not of the new version is removed. */
  damaged?: DamageDetails;
}

/** The manifest a new version will replace; a damaged one is found by listing (it cannot be read). */
export async function readViewBase(store: ObjectStore): Promise<ViewBase> {
  try {
    const doc = await readDocument(store, CURRENT_VIEW_MANIFEST, manifestSchema);
    return {
      manifest: doc?.value ?? null,
      etag: doc?.etag ?? null,
      generation: doc?.generation ?? 0,
      version: doc?.value.version ?? 0,
    };
  } catch (err) {
    const damaged = damageOf(err);
    if (!damaged) throw err;
    // Above every version whose parts are still stored, so no version number comes back.
    let version = 0;
    for await (const { key } of store.list(CURRENT_VIEW_PREFIX))
      version = Math.max(version, viewVersionOfKey(key) ?? 0);
    let etag: string | null = null;
    for await (const item of store.list(CURRENT_VIEW_MANIFEST))
      if (item.key === CURRENT_VIEW_MANIFEST) etag = item.etag;
    return { manifest: null, etag, generation: version, version, damaged };
  }
}

/**
 * Writes `rows` (stored JSON lines) as the next version of the view and swaps the manifest to it
 * (compare-and-swap on `base`: CONFLICT when the view changed meanwhile), then removes the parts
 * it replaced.
 */
export async function publishView(
  store: ObjectStore,
  clock: Clock,
  base: ViewBase,
  rows: string[],
  throughRunId: number,
): Promise<CurrentViewManifest> {
  const version = base.version + 1;
  let parts = 0;
  const partDigests = [];
  for (let from = 0; from < rows.length || parts === 0; from += PART_ROWS) {
    const chunk = rows.slice(from, from + PART_ROWS);
    const body = encoder.encode(chunk.join('\n'));
    partDigests.push(await digestOf(body, chunk.length));
    await store.put(currentViewPartKey(version, parts++), body);
    if (rows.length === 0) break;
  }
  const manifest: CurrentViewManifest = {
    version,
    throughRunId,
    parts,
    rows: rows.length,
    builtAt: clock.now().toISOString(),
    partDigests,
  };
  const body = encodeDocument(base.generation + 1, manifestSchema.parse(manifest));
  try {
    await store.put(
      CURRENT_VIEW_MANIFEST,
      body,
      base.etag === null ? { ifNoneMatch: '*' } : { ifMatch: base.etag },
    );
  } catch (err) {
    if (isMarketPulseError(err, 'PRECONDITION_FAILED') || isMarketPulseError(err, 'NOT_FOUND'))
      throw new MarketPulseError(
        'CONFLICT',
        'the current view changed while it was being rebuilt; retry',
      );
    throw err;
  }
  await removeReplacedParts(store, base, version);
  return manifest;
}

async function removeReplacedParts(store: ObjectStore, base: ViewBase, version: number) {
  const replaced: string[] = [];
  if (base.damaged) {
    for await (const { key } of store.list(CURRENT_VIEW_PREFIX))
      if (viewVersionOfKey(key) !== version) replaced.push(key);
  } else if (base.manifest) {
    for (let p = 0; p < base.manifest.parts; p++)
      replaced.push(currentViewPartKey(base.manifest.version, p));
  }
  for (const key of replaced) await store.delete(key).catch(() => undefined);
}
