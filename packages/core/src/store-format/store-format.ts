// The store's format version (issue 15): so that code of one format never writes into a store of
// another without saying so. Format 1 (no version document) is the layout before issue 15; format 2
// stores compressed partitions and a current view by reference. Reads understand both (each run
// names its row format); runs refuse a format-1 store until `store migrate` has converted it.
import { z } from 'zod';
import { isMarketPulseError, MarketPulseError } from '../errors.js';
import type { ObjectStore } from '../ports/object-store.js';
import { createDocument, readDocument } from '../store/json-document.js';
import { CURRENT_VIEW_MANIFEST, RUN_INDEX, RUNS_PREFIX, STORE_FORMAT } from '../store/layout.js';

/** The format this code writes. */
export const STORE_FORMAT_VERSION = 2;

export const storeFormatSchema = z.object({
  version: z.number().int().positive(),
  /** When `store migrate` converted the store (absent: created in this format). */
  migratedAt: z.string().optional(),
});

/** Whether the store holds data written before format versions (runs or a current view). */
export async function hasFormat1Data(store: ObjectStore): Promise<boolean> {
  for await (const { key } of store.list(RUNS_PREFIX, { limit: 2 }))
    if (key !== RUN_INDEX) return true;
  for await (const { key } of store.list(CURRENT_VIEW_MANIFEST, { limit: 1 }))
    if (key === CURRENT_VIEW_MANIFEST) return true;
  return false;
}

/** The store's format: its version document's, else 1 when it holds data, else none yet. */
export async function readStoreFormat(store: ObjectStore): Promise<number | null> {
  const doc = await readDocument(store, STORE_FORMAT, storeFormatSchema);
  if (doc) return doc.value.version;
  return (await hasFormat1Data(store)) ? 1 : null;
}

const checked = new WeakSet<ObjectStore>();

/**
 * Refuses to write into a store of another format (PRECONDITION_FAILED, `details.reason:
 * 'store-format'`): format 1 must be migrated first, a newer one needs newer code. A new store is
 * marked with this format. Checked once per store object (a version never goes back).
 */
export async function requireStoreFormat(store: ObjectStore): Promise<void> {
  if (checked.has(store)) return;
  const found = await readStoreFormat(store);
  if (found === null) {
    try {
      await createDocument(store, STORE_FORMAT, { version: STORE_FORMAT_VERSION });
    } catch (err) {
      if (!isMarketPulseError(err, 'CONFLICT')) throw err;
      return requireStoreFormat(store); // another process marked it first: read what it wrote
    }
  } else if (found !== STORE_FORMAT_VERSION) {
    throw new MarketPulseError(
      'PRECONDITION_FAILED',
      found < STORE_FORMAT_VERSION
        ? `the store is in format ${found} (from an earlier version of Market Pulse); run \`market-pulse store migrate\` to convert it (\`--dry-run\` shows what it would do)`
        : `the store is in format ${found}, newer than this version of Market Pulse understands (${STORE_FORMAT_VERSION}); upgrade Market Pulse`,
      { details: { reason: 'store-format', found, expected: STORE_FORMAT_VERSION } },
    );
  }
  checked.add(store);
}
