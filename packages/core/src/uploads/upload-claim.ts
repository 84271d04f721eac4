import { isMarketPulseError, MarketPulseError } from '../errors.js';
import type { ObjectStore } from '../ports/object-store.js';
import { encodeDocument, readDocument } from '../store/json-document.js';
import { uploadHashKey } from '../store/layout.js';
import { claimedUploads, contentClaimSchema } from './upload-meta.js';
import { isUploadView, readUploadStates } from './upload-status.js';

/** What claiming a content hash needs to know about the new upload. */
export interface ContentClaimRequest {
  id: string;
  fileName: string;
  contentHash: string;
  /** Accept content already pending or consumed. */
  force: boolean;
}

const ATTEMPTS = 50;

/**
 * Makes upload `id` exist: adds it to its content's claim (`uploads/by-hash/<hash>.json`) by
 * create-if-absent or compare-and-swap, after checking — unless `force` — that no upload the
 * claim names is pending or consumed (CONFLICT `duplicate-upload` otherwise). Every upload of one
 * content goes through this one document, so of N racing uploads of one file exactly one lands;
 * a process that dies before this write leaves nothing visible. An upload the claim names whose
 * state cannot be read refuses the duplicate too (fail closed), naming the key.
 */
export async function claimContent(
  store: ObjectStore,
  request: ContentClaimRequest,
): Promise<void> {
  const key = uploadHashKey(request.contentHash);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const existing = await readDocument(store, key, contentClaimSchema);
    const named = claimedUploads(existing?.value);
    if (!request.force) await refuseLiveDuplicate(store, request, named);
    const body = encodeDocument((existing?.generation ?? 0) + 1, {
      uploads: [...named, request.id],
    });
    try {
      await store.put(key, body, existing ? { ifMatch: existing.etag } : { ifNoneMatch: '*' });
      return;
    } catch (err) {
      // Another upload of this content got in first: look at the claim again.
      if (!isMarketPulseError(err, 'PRECONDITION_FAILED') && !isMarketPulseError(err, 'NOT_FOUND'))
        throw err;
    }
  }
  throw new MarketPulseError(
    'CONFLICT',
    `${request.fileName}: the same content is being uploaded concurrently; retry`,
  );
}

/**
 * Refuses now, before anything is written, content that a live upload already holds (CONFLICT
 * `duplicate-upload`): the usual second upload of a file stores nothing. Only a hint —
 * {@link claimContent} decides races.
 */
export async function refuseKnownDuplicate(
  store: ObjectStore,
  request: Omit<ContentClaimRequest, 'id'>,
): Promise<void> {
  if (request.force) return;
  const existing = await readDocument(
    store,
    uploadHashKey(request.contentHash),
    contentClaimSchema,
  );
  await refuseLiveDuplicate(store, request, claimedUploads(existing?.value));
}

async function refuseLiveDuplicate(
  store: ObjectStore,
  request: Omit<ContentClaimRequest, 'id'>,
  named: readonly string[],
): Promise<void> {
  // Newest first: the one most likely still live.
  for (const id of [...named].reverse()) {
    const [state] = await readUploadStates(store, id);
    if (!state) continue; // named by a claim written before its upload (older versions), never finished
    const { listing } = state;
    if (listing.status.state === 'unreadable' && state.maybePending) {
      throw new MarketPulseError(
        'CONFLICT',
        `${request.fileName} has the same content as upload ${id}, whose state cannot be read (${listing.status.key}: ${listing.status.reason}); nothing was stored`,
        { details: { reason: 'duplicate-upload', uploadId: id, key: listing.status.key } },
      );
    }
    if (listing.status.state !== 'pending' && listing.status.state !== 'consumed') continue;
    const where =
      listing.status.state === 'consumed' ? `consumed in run ${listing.status.runId}` : 'pending';
    const name = isUploadView(listing) ? listing.fileName : id;
    throw new MarketPulseError(
      'CONFLICT',
      `${request.fileName} has the same content as upload ${id} (${name}, ${where}); nothing was stored`,
      { details: { reason: 'duplicate-upload', uploadId: id } },
    );
  }
}
