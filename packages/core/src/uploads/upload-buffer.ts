import { z } from 'zod';
import { isMarketPulseError, MarketPulseError } from '../errors.js';
import type { ColorRecord, ParseNotice, RowError } from '../parse/record.js';
import type { Clock } from '../ports/clock.js';
import type { IdSource } from '../ports/id-source.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { RunInput } from '../processing/process-colors.js';
import { readRunRecord } from '../run/run-protocol.js';
import { readNumber } from '../store/counter.js';
import { encodeDocument, readDocument } from '../store/json-document.js';
import { RUN_ID_COUNTER, UPLOADS_PREFIX, uploadHashKey, uploadKeys } from '../store/layout.js';

// uploads/<id>/upload.json is written last: an upload exists exactly when it exists.

const uploadMetaSchema = z.object({
  id: z.string(),
  fileName: z.string(),
  contentHash: z.string(),
  uploadedAt: z.string(),
  /** The RUN_ID counter when the upload arrived: only later runs can have consumed it. */
  afterRunId: z.number().int().nonnegative(),
  rows: z.number().int().nonnegative(),
  acceptedValidRows: z.boolean(),
  errors: z.array(
    z.object({ row: z.number(), column: z.string(), value: z.unknown(), reason: z.string() }),
  ),
  notices: z.array(
    z.object({ kind: z.string(), columns: z.array(z.string()), message: z.string() }),
  ),
  actor: z.string().optional(),
});
export type UploadMeta = z.infer<typeof uploadMetaSchema>;

export type UploadStatus =
  | { state: 'pending' }
  | { state: 'consumed'; runId: number }
  | { state: 'cancelled'; at: string }
  | { state: 'unreadable'; reason: string };

export interface UploadView extends UploadMeta {
  status: UploadStatus;
}

export interface UploadDependencies {
  store: ObjectStore;
  clock: Clock;
  ids: IdSource;
}

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
  actor?: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const doc = (value: unknown) => encodeDocument(1, value);
const cancelledSchema = z.object({ at: z.string(), actor: z.string().optional() });
const hashClaimSchema = z.object({ uploadId: z.string() });

/**
 * Adds an upload to the buffer (SPEC §6.1). Refused — with nothing stored — when any row has an
 * error (VALIDATION_ERROR with the full report in `details`) unless `acceptValidRows`, when no row
 * is valid, or when the same content is already pending or consumed (CONFLICT) unless `force`.
 */
export async function addUpload(deps: UploadDependencies, upload: NewUpload): Promise<UploadView> {
  const { store } = deps;
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
  const id = deps.ids.nextId();
  await claimContent(deps, upload, id);
  const keys = uploadKeys(id);
  const meta: UploadMeta = {
    id,
    fileName: upload.fileName,
    contentHash: upload.contentHash,
    uploadedAt: deps.clock.now().toISOString(),
    afterRunId: await readNumber(store, RUN_ID_COUNTER),
    rows: records.length,
    acceptedValidRows: errors.length > 0,
    errors: [...errors],
    notices: [...notices],
    ...(upload.actor !== undefined ? { actor: upload.actor } : {}),
  };
  await store.put(keys.original, upload.bytes, { ifNoneMatch: '*' });
  await store.put(keys.records, encoder.encode(records.map((r) => JSON.stringify(r)).join('\n')), {
    ifNoneMatch: '*',
  });
  await store.put(keys.meta, doc(meta), { ifNoneMatch: '*' });
  return { ...meta, status: { state: 'pending' } };
}

/** Claims the content hash for `id`, refusing duplicates of live uploads unless forced. */
async function claimContent(
  deps: UploadDependencies,
  upload: NewUpload,
  id: string,
): Promise<void> {
  const key = uploadHashKey(upload.contentHash);
  for (let attempt = 0; attempt < 10; attempt++) {
    const existing = await readDocument(deps.store, key, hashClaimSchema);
    if (existing) {
      const other = await getUpload(deps.store, existing.value.uploadId).catch(() => null);
      const live = other && (other.status.state === 'pending' || other.status.state === 'consumed');
      if (live && !upload.force) {
        const where =
          other.status.state === 'consumed' ? `consumed in run ${other.status.runId}` : 'pending';
        throw new MarketPulseError(
          'CONFLICT',
          `${upload.fileName} has the same content as upload ${other.id} (${other.fileName}, ${where}); nothing was stored`,
          {
            details: { reason: 'duplicate-upload', uploadId: other.id },
          },
        );
      }
    }
    try {
      await deps.store.put(
        key,
        doc({ uploadId: id }),
        existing ? { ifMatch: existing.etag } : { ifNoneMatch: '*' },
      );
      return;
    } catch (err) {
      if (!isMarketPulseError(err, 'PRECONDITION_FAILED') && !isMarketPulseError(err, 'NOT_FOUND'))
        throw err;
    }
  }
  throw new MarketPulseError('CONFLICT', `the same content is being uploaded concurrently; retry`);
}

/** Every upload with its status, oldest first. */
export async function listUploads(store: ObjectStore): Promise<UploadView[]> {
  const metas: UploadMeta[] = [];
  for await (const item of store.list(UPLOADS_PREFIX)) {
    if (!item.key.endsWith('/upload.json')) continue;
    const meta = await readDocument(store, item.key, uploadMetaSchema);
    if (meta) metas.push(meta.value);
  }
  metas.sort((a, b) =>
    a.uploadedAt < b.uploadedAt ? -1 : a.uploadedAt > b.uploadedAt ? 1 : a.id < b.id ? -1 : 1,
  );
  const consumedBy = await consumption(store, metas);
  return Promise.all(
    metas.map(async (meta) => ({ ...meta, status: await statusOf(store, meta, consumedBy) })),
  );
}

/** One upload with its status; NOT_FOUND when there is none with this id. */
export async function getUpload(store: ObjectStore, id: string): Promise<UploadView> {
  if (!/^[A-Za-z0-9._-]+$/.test(id))
    throw new MarketPulseError('VALIDATION_ERROR', `invalid upload id "${id}"`);
  const meta = await readDocument(store, uploadKeys(id).meta, uploadMetaSchema);
  if (!meta) throw new MarketPulseError('NOT_FOUND', `no upload ${id}`, { details: { id } });
  return {
    ...meta.value,
    status: await statusOf(store, meta.value, await consumption(store, [meta.value])),
  };
}

/** Which committed successful runs consumed which uploads — only runs allocated after the oldest upload. */
async function consumption(
  store: ObjectStore,
  metas: readonly UploadMeta[],
): Promise<Map<string, number>> {
  const consumed = new Map<string, number>();
  if (metas.length === 0) return consumed;
  const last = await readNumber(store, RUN_ID_COUNTER);
  const from = Math.min(...metas.map((m) => m.afterRunId)) + 1;
  for (let runId = from; runId <= last; runId++) {
    const record = await readRunRecord(store, runId).catch(() => null);
    if (record?.status !== 'success') continue;
    for (const id of record.uploadsConsumed) if (!consumed.has(id)) consumed.set(id, runId);
  }
  return consumed;
}

async function statusOf(
  store: ObjectStore,
  meta: UploadMeta,
  consumedBy: Map<string, number>,
): Promise<UploadStatus> {
  const runId = consumedBy.get(meta.id);
  if (runId !== undefined) return { state: 'consumed', runId }; // a run that committed it wins any race with a cancel
  const cancelled = await readDocument(store, uploadKeys(meta.id).cancelled, cancelledSchema).catch(
    () => null,
  );
  if (cancelled) return { state: 'cancelled', at: cancelled.value.at };
  if (!(await store.get(uploadKeys(meta.id).records)))
    return { state: 'unreadable', reason: 'its parsed records are missing' };
  return { state: 'pending' };
}

/** Cancels a pending upload; CONFLICT when it was consumed or already cancelled. */
export async function cancelUpload(
  deps: Pick<UploadDependencies, 'store' | 'clock'>,
  id: string,
  actor?: string,
): Promise<UploadView> {
  const upload = await getUpload(deps.store, id);
  if (upload.status.state === 'consumed')
    throw new MarketPulseError(
      'CONFLICT',
      `upload ${id} was consumed by run ${upload.status.runId}; it cannot be cancelled`,
    );
  if (upload.status.state === 'cancelled')
    throw new MarketPulseError('CONFLICT', `upload ${id} is already cancelled`);
  const at = deps.clock.now().toISOString();
  try {
    await deps.store.put(uploadKeys(id).cancelled, doc({ at, ...(actor ? { actor } : {}) }), {
      ifNoneMatch: '*',
    });
  } catch (err) {
    if (isMarketPulseError(err, 'PRECONDITION_FAILED'))
      throw new MarketPulseError('CONFLICT', `upload ${id} is already cancelled`);
    throw err;
  }
  return { ...upload, status: { state: 'cancelled', at } };
}

/** Cancels every pending upload; returns the ids cancelled. */
export async function clearUploads(
  deps: Pick<UploadDependencies, 'store' | 'clock'>,
  actor?: string,
): Promise<string[]> {
  const cancelled: string[] = [];
  for (const upload of await listUploads(deps.store)) {
    if (upload.status.state !== 'pending') continue;
    await cancelUpload(deps, upload.id, actor);
    cancelled.push(upload.id);
  }
  return cancelled;
}

/** The pending uploads as run inputs, in upload order (SPEC §4 step 3). */
export async function pendingUploadInputs(store: ObjectStore): Promise<RunInput[]> {
  const inputs: RunInput[] = [];
  for (const upload of await listUploads(store)) {
    if (upload.status.state !== 'pending') continue;
    const body = await store.get(uploadKeys(upload.id).records);
    if (!body) continue;
    const text = decoder.decode(body.body);
    const records =
      text === '' ? [] : text.split('\n').map((line) => JSON.parse(line) as ColorRecord);
    inputs.push({
      origin: `upload:${upload.id}`,
      processingType: 'MANUAL',
      records,
      contentHash: upload.contentHash,
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
