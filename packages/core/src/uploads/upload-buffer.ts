import type { ChangeContext } from '../changes/change-context.js';
import { isMarketPulseError, MarketPulseError } from '../errors.js';
import type { ColorRecord, ParseNotice, RowError } from '../parse/record.js';
import type { Clock } from '../ports/clock.js';
import { type Failpoints, NO_FAILPOINTS } from '../ports/failpoints.js';
import type { IdSource } from '../ports/id-source.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { RunInput } from '../processing/process-colors.js';
import { lastRunId } from '../run/run-ids.js';
import { digestOf } from '../store/checksum.js';
import { damagedObject, damageOf } from '../store/damaged-object.js';
import { encodeDocument } from '../store/json-document.js';
import { uploadKeys } from '../store/layout.js';
import { claimContent, refuseKnownDuplicate } from './upload-claim.js';
import type { UploadMeta } from './upload-meta.js';
import { scopeUpload, type UploadReader } from './upload-scope.js';
import {
  isUploadView,
  readUploadStates,
  type UnreadableUpload,
  type UploadListing,
  type UploadStatus,
  type UploadView,
} from './upload-status.js';

// An upload's objects are written first (original, records, upload.json), then its content's claim
// names it (upload-claim.ts): it exists exactly from that write on, like a run from its commit.

export type { UnreadableUpload, UploadListing, UploadMeta, UploadStatus, UploadView };
export { isUploadView };

/** A cancelled upload: with its fields, or only its id when its record cannot be read. */
export type CancelledUpload = (UploadView | Omit<UnreadableUpload, 'status'>) & {
  status: { state: 'cancelled'; at: string };
};

/** The named steps of adding an upload (failpoints, DESIGN §2), in order. */
export const UPLOAD_STEPS = [
  'upload.after-original',
  'upload.after-records',
  'upload.after-meta',
] as const;
/** One named step of adding an upload. */
export type UploadStep = (typeof UPLOAD_STEPS)[number];

/** What adding to the upload buffer needs: the store, a clock for timestamps, ids for uploads. */
export interface UploadDependencies {
  store: ObjectStore;
  clock: Clock;
  ids: IdSource;
  /** Test failpoints at each {@link UploadStep}. */
  failpoints?: Failpoints;
}

/** A file to add to the buffer, already parsed by the caller. */
export interface NewUpload {
  fileName: string;
  /** The file as received, kept with the upload. */
  bytes: Uint8Array;
  /** A hash of `bytes` (the adapter computes it, e.g. SHA-256 hex). */
  contentHash: string;
  /** The parser's result for the file. */
  parsed: {
    records: readonly ColorRecord[];
    errors: readonly RowError[];
    notices: readonly ParseNotice[];
  };
  /** Store the valid rows even though some rows have errors (`--accept-valid-rows`, `?partial=true`). */
  acceptValidRows?: boolean;
  /** Accept content already pending or consumed. */
  force?: boolean;
  /** Who uploads (a principal's actor): recorded, and the one reader of a raw file besides admins. */
  actor?: string;
}

const encoder = new TextEncoder();
const doc = (value: unknown) => encodeDocument(1, value);

/**
 * Adds an upload to the buffer (SPEC §6.1). Refused — with nothing visible — when any row has an
 * error (VALIDATION_ERROR with the full report in `details`) unless `acceptValidRows`, when no row
 * is valid, or when the same content is already pending or consumed (CONFLICT
 * `duplicate-upload`) unless `force`. Atomic across processes: of concurrent uploads of one
 * content exactly one lands, and a process that dies part-way leaves nothing visible.
 *
 * @example
 * ```ts
 * const parsed = await readColors(source);
 * const upload = await addUpload(
 *   { store, clock, ids },
 *   { fileName: 'colors.xlsx', bytes, contentHash: sha256Hex(bytes), parsed },
 * );
 * console.log(upload.id, upload.rows, upload.status.state); // '01J…', 1200, 'pending'
 * ```
 */
export async function addUpload(deps: UploadDependencies, upload: NewUpload): Promise<UploadView> {
  const { store } = deps;
  const step = (name: UploadStep) => (deps.failpoints ?? NO_FAILPOINTS).hit(name);
  const { records, errors, notices } = upload.parsed;
  if (errors.length > 0 && !upload.acceptValidRows) {
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `${upload.fileName}: ${errors.length} row ${errors.length === 1 ? 'error' : 'errors'}; nothing was stored`,
      // The remedy (accept the valid rows) is named by each adapter in its own words (a flag, a
      // query parameter): `reason` tells it which.
      { details: { reason: 'row-errors', errors, notices } },
    );
  }
  if (records.length === 0) {
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `${upload.fileName} has no valid rows; nothing was stored`,
      { details: { errors, notices } },
    );
  }
  const claim = {
    fileName: upload.fileName,
    contentHash: upload.contentHash,
    force: upload.force ?? false,
  };
  await refuseKnownDuplicate(store, claim);
  const id = deps.ids.nextId();
  const keys = uploadKeys(id);
  const recordsBody = encoder.encode(records.map((r) => JSON.stringify(r)).join('\n'));
  const meta: UploadMeta = {
    id,
    fileName: upload.fileName,
    contentHash: upload.contentHash,
    uploadedAt: deps.clock.now().toISOString(),
    afterRunId: await lastRunId(store),
    rows: records.length,
    acceptedValidRows: errors.length > 0,
    errors: [...errors],
    notices: [...notices],
    ...(upload.actor !== undefined ? { actor: upload.actor } : {}),
    recordsDigest: await digestOf(recordsBody, records.length),
  };
  await store.put(keys.original, upload.bytes, { ifNoneMatch: '*' });
  await step('upload.after-original');
  await store.put(keys.records, recordsBody, { ifNoneMatch: '*' });
  await step('upload.after-records');
  await store.put(keys.meta, doc(meta), { ifNoneMatch: '*' });
  await step('upload.after-meta');
  try {
    await claimContent(store, { ...claim, id });
  } catch (err) {
    // Never claimed, so never visible: its objects are only clutter (removed best-effort).
    for (const key of [keys.meta, keys.records, keys.original])
      await store.delete(key).catch(() => undefined);
    throw err;
  }
  return { ...meta, status: { state: 'pending' } };
}

/**
 * Every upload with its status, oldest first. An upload whose record cannot be read is listed
 * too, last, with the key that failed (`status.state: 'unreadable'`); so is one whose records,
 * cancellation or consuming run cannot be read — one damaged document hides nothing else. With
 * `reader`, each as that reader may see it (see `scopeUpload`).
 */
export async function listUploads(
  store: ObjectStore,
  reader?: UploadReader,
): Promise<UploadListing[]> {
  const listings = (await readUploadStates(store)).map((s) => s.listing);
  return reader ? listings.map((listing) => scopeUpload(listing, reader)) : listings;
}

/**
 * One upload with its status; NOT_FOUND when there is none with this id, and a damaged-object
 * error (naming the key) when its record cannot be read. With `reader`, as that reader may see it.
 */
export async function getUpload(
  store: ObjectStore,
  id: string,
  reader?: UploadReader,
): Promise<UploadView> {
  if (!/^[A-Za-z0-9._-]+$/.test(id))
    throw new MarketPulseError('VALIDATION_ERROR', `invalid upload id "${id}"`);
  const [state] = await readUploadStates(store, id);
  if (!state) throw new MarketPulseError('NOT_FOUND', `no upload ${id}`, { details: { id } });
  const { listing } = state;
  if (!isUploadView(listing)) throw damagedObject(listing.status.key, listing.status.reason);
  return reader ? scopeUpload(listing, reader) : listing;
}

/**
 * Cancels a pending upload; CONFLICT when it was consumed or already cancelled. An upload that
 * cannot be read can be cancelled too: that is how an operator lets the runs go on without it.
 */
export async function cancelUpload(
  deps: Pick<UploadDependencies, 'store' | 'clock'>,
  id: string,
  change: ChangeContext,
): Promise<CancelledUpload> {
  const { actor } = change;
  let upload: UploadListing;
  try {
    upload = await getUpload(deps.store, id);
  } catch (err) {
    const damage = damageOf(err);
    if (!damage) throw err;
    upload = { id, status: { state: 'unreadable', ...damage } };
  }
  if (upload.status.state === 'consumed')
    throw new MarketPulseError(
      'CONFLICT',
      `upload ${id} was consumed by run ${upload.status.runId}; it cannot be cancelled`,
    );
  if (upload.status.state === 'cancelled')
    throw new MarketPulseError('CONFLICT', `upload ${id} is already cancelled`);
  const at = deps.clock.now().toISOString();
  try {
    await deps.store.put(uploadKeys(id).cancelled, doc({ at, actor }), {
      ifNoneMatch: '*',
    });
  } catch (err) {
    if (isMarketPulseError(err, 'PRECONDITION_FAILED'))
      throw new MarketPulseError('CONFLICT', `upload ${id} is already cancelled`);
    throw err;
  }
  return { ...upload, status: { state: 'cancelled', at } };
}

/** Cancels every pending upload, recording who did; returns the ids cancelled. */
export async function clearUploads(
  deps: Pick<UploadDependencies, 'store' | 'clock'>,
  change: ChangeContext,
): Promise<string[]> {
  const cancelled: string[] = [];
  for (const upload of await listUploads(deps.store)) {
    if (upload.status.state !== 'pending') continue;
    await cancelUpload(deps, upload.id, change);
    cancelled.push(upload.id);
  }
  return cancelled;
}

/**
 * The pending uploads as run inputs, in upload order (SPEC §4 step 3), their records checked.
 * An upload that may be pending but cannot be read is an error naming the key: a run neither goes
 * without it silently nor takes twice one it may have consumed. (`cancelUpload` lets the runs go
 * on without it.)
 */
export async function pendingUploadInputs(store: ObjectStore): Promise<RunInput[]> {
  const inputs: RunInput[] = [];
  for (const { listing, maybePending, records } of await readUploadStates(store)) {
    if (listing.status.state === 'unreadable' && maybePending)
      throw damagedObject(listing.status.key, listing.status.reason);
    if (listing.status.state !== 'pending' || !records || !isUploadView(listing)) continue;
    inputs.push({
      origin: `upload:${listing.id}`,
      processingType: 'MANUAL',
      records,
      contentHash: listing.contentHash,
    });
  }
  return inputs;
}

/** The file as it was uploaded. */
export async function uploadOriginal(store: ObjectStore, id: string): Promise<Uint8Array> {
  const body = await store.get(uploadKeys((await getUpload(store, id)).id).original);
  if (!body)
    throw new MarketPulseError('NOT_FOUND', `the original file of upload ${id} is missing`);
  return body.body;
}
