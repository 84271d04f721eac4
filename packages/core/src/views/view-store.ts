// The current view as stored: a manifest (views/current.json) naming its version's index — per
// visible run, the CUSIPs whose rows the view takes from it — with the index's SHA-256 in the
// manifest; the rows themselves are read from the runs' partitions, checked against their commit
// records. Views stored before issue 15 were a copy of their rows in parts; they are still read,
// and the next refresh replaces them by an index. Writing a new version replaces the manifest by
// compare-and-swap — also a damaged one, found by listing.
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
  currentViewIndexKey,
  currentViewPartKey,
  viewVersionOfKey,
} from '../store/layout.js';
import { encodeRowPartition, readRowPartition } from '../store/row-partition.js';
import { indexFromLines, indexLines, indexRows, type ViewIndex } from './view-index.js';

const common = {
  /** Changes whenever visible data changes (SPEC §8 data-version tag). */
  version: z.number().int().nonnegative(),
  /** Every run up to this id has been considered. */
  throughRunId: z.number().int().nonnegative(),
  rows: z.number().int().nonnegative(),
  builtAt: z.string(),
};
/** A view by reference (issue 15): no `parts`, so a reader from before refuses it loudly. */
const indexedManifestSchema = z.object({
  format: z.literal(2),
  ...common,
  /** The index object's run count (its lines) and SHA-256. */
  index: objectDigestSchema,
});
/** A view stored as a copy of its rows (before issue 15). */
const copiedManifestSchema = z.object({
  ...common,
  parts: z.number().int().nonnegative(),
  /** Line count and SHA-256 of each part; absent in views built before they were recorded. */
  partDigests: z.array(objectDigestSchema).optional(),
});
export const manifestSchema = z.union([indexedManifestSchema, copiedManifestSchema]);
/**
 * The current view's manifest: its data version, the runs it has considered, its row count, and
 * its index (`format: 2`) — or, for a view stored before issue 15, its parts.
 *
 * @useDeclaredType
 */
export type CurrentViewManifest = z.infer<typeof manifestSchema>;
type IndexedManifest = z.infer<typeof indexedManifestSchema>;
type CopiedManifest = z.infer<typeof copiedManifestSchema>;

/** Whether a manifest is a view by reference (else a copy of its rows, from before issue 15). */
export const isIndexed = (m: CurrentViewManifest): m is IndexedManifest =>
  (m as IndexedManifest).format === 2;

/** The manifest, or null before the first view; a damaged one is an error naming its key. */
export async function readManifest(store: ObjectStore): Promise<CurrentViewManifest | null> {
  return (await readDocument(store, CURRENT_VIEW_MANIFEST, manifestSchema))?.value ?? null;
}

/**
 * The index a manifest names, checked against it (SHA-256 and run count) and against its row
 * count; a missing or damaged index is an error naming its key.
 */
export async function readViewIndex(
  store: ObjectStore,
  manifest: IndexedManifest,
): Promise<ViewIndex> {
  const key = currentViewIndexKey(manifest.version);
  const lines = await readRowPartition(store, key, 'jsonl.zlib', manifest.index);
  let index: ViewIndex | undefined;
  try {
    index = indexFromLines(lines);
  } catch (err) {
    throw damagedObject(key, 'it is not valid JSON', err);
  }
  if (!index) throw damagedObject(key, 'it is not a view index');
  if (indexRows(index) !== manifest.rows)
    throw damagedObject(
      key,
      `it names ${indexRows(index)} rows where the manifest says ${manifest.rows}`,
    );
  return index;
}

/** One stored part of a view stored before issue 15, as its JSON lines. */
export interface ViewPart {
  key: string;
  lines: string[];
}

/**
 * The parts of a view stored before issue 15, each checked against its manifest (SHA-256 and line
 * count; the total against `rows` when the manifest predates part checksums). A missing or
 * damaged part is an error naming its key.
 */
export async function readViewParts(
  store: ObjectStore,
  manifest: CopiedManifest,
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
  /** Set when the manifest was damaged: every stored object not of the new version is removed. */
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
    // Above every version whose objects are still stored, so no version number comes back.
    let version = 0;
    for await (const { key } of store.list(CURRENT_VIEW_PREFIX))
      version = Math.max(version, viewVersionOfKey(key) ?? 0);
    let etag: string | null = null;
    for await (const item of store.list(CURRENT_VIEW_MANIFEST))
      if (item.key === CURRENT_VIEW_MANIFEST) etag = item.etag;
    return { manifest: null, etag, generation: version, version, damaged };
  }
}

/** The failpoints of a view update, in order (crash tests kill the process at each). */
export const VIEW_STEPS = ['view.after-index-written', 'view.after-manifest-swapped'] as const;
/** One step of a view update. */
export type ViewStep = (typeof VIEW_STEPS)[number];

/**
 * Writes `index` as the next version of the view and swaps the manifest to it (compare-and-swap
 * on `base`: CONFLICT when the view changed meanwhile), then removes the objects it replaced.
 * What it writes is the index — about the number of CUSIPs in view — never the rows.
 */
export async function publishView(
  store: ObjectStore,
  clock: Clock,
  base: ViewBase,
  index: ViewIndex,
  throughRunId: number,
  step: (name: ViewStep) => void | Promise<void> = () => undefined,
): Promise<CurrentViewManifest> {
  const version = base.version + 1;
  const lines = indexLines(index);
  const body = await encodeRowPartition(lines, 'jsonl.zlib');
  await store.put(currentViewIndexKey(version), body);
  await step('view.after-index-written');
  const manifest: IndexedManifest = {
    format: 2,
    version,
    throughRunId,
    rows: indexRows(index),
    builtAt: clock.now().toISOString(),
    index: await digestOf(body, lines.length),
  };
  const doc = encodeDocument(base.generation + 1, indexedManifestSchema.parse(manifest));
  try {
    await store.put(
      CURRENT_VIEW_MANIFEST,
      doc,
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
  await step('view.after-manifest-swapped');
  await removeReplaced(store, base, version);
  return manifest;
}

/** Removes the objects of the versions before `version` (all of them: a crash may have left some). */
async function removeReplaced(store: ObjectStore, base: ViewBase, version: number) {
  const replaced: string[] = [];
  if (base.damaged || base.manifest) {
    for await (const { key } of store.list(CURRENT_VIEW_PREFIX)) {
      const of = viewVersionOfKey(key);
      if (of !== undefined && of < version) replaced.push(key);
    }
  }
  for (const key of replaced) await store.delete(key).catch(() => undefined);
}
