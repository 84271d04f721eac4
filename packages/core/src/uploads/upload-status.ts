// The state of each upload, read from the store: which exist (claimed), which runs consumed them,
// which were cancelled, and which cannot be read — listed with the key, never left out, and never
// taken for pending when they might have been consumed (a quote must not be output twice).
import { z } from 'zod';
import type { ColorRecord } from '../parse/record.js';
import type { ObjectStore } from '../ports/object-store.js';
import { lastRunId } from '../run/run-ids.js';
import { readRunRecord } from '../run/run-protocol.js';
import type { RunRecord } from '../run/run-record.js';
import {
  type DamageDetails,
  damagedObject,
  damageOf,
  parseStored,
  readCheckedLines,
} from '../store/damaged-object.js';
import { encodeDocument, readDocument } from '../store/json-document.js';
import { UPLOADS_PREFIX, uploadHashKey, uploadKeys } from '../store/layout.js';
import {
  cancelledSchema,
  claimedUploads,
  contentClaimSchema,
  type UploadMeta,
  uploadMetaSchema,
} from './upload-meta.js';

/** Where an upload stands. `unreadable`: something it depends on cannot be read (`key`). */
export type UploadStatus =
  | { state: 'pending' }
  | { state: 'consumed'; runId: number }
  | { state: 'cancelled'; at: string }
  | { state: 'unreadable'; key: string; reason: string };

/** An upload with its status. */
export interface UploadView extends UploadMeta {
  status: UploadStatus;
}

/** An upload whose own record (`upload.json`) cannot be read: only its id and what failed. */
export interface UnreadableUpload {
  id: string;
  status: { state: 'unreadable'; key: string; reason: string };
}

/** One entry of `listUploads`. */
export type UploadListing = UploadView | UnreadableUpload;

/** True for an entry whose record could be read (it has the upload's fields). */
export const isUploadView = (upload: { id: string } | UploadView): upload is UploadView =>
  'fileName' in upload;

/** An upload's state as the buffer's services need it. */
export interface UploadState {
  listing: UploadListing;
  /** It may be pending but something it depends on cannot be read: a run must not go without it. */
  maybePending: boolean;
  /** The checked records of a pending upload. */
  records?: ColorRecord[];
}

type MetaRead = { meta: UploadMeta } | { id: string; damage: Damage };

const unreadable = (damage: DamageDetails) => ({ state: 'unreadable' as const, ...damage });

/** A damaged object, as a value (see {@link readOr}). */
class Damage {
  constructor(readonly details: DamageDetails) {}
}
/** Calls `read`, turning a damaged-object error into a {@link Damage}; other failures go through. */
async function readOr<T>(read: () => Promise<T>): Promise<T | Damage> {
  try {
    return await read();
  } catch (err) {
    const damage = damageOf(err);
    if (!damage) throw err;
    return new Damage(damage);
  }
}

/** The uploads' records (`upload.json`), every one or just `only`. */
async function readMetas(store: ObjectStore, only?: string): Promise<MetaRead[]> {
  const keys: string[] = [];
  if (only !== undefined) keys.push(uploadKeys(only).meta);
  else
    for await (const { key } of store.list(UPLOADS_PREFIX))
      if (key.endsWith('/upload.json')) keys.push(key);
  const out: MetaRead[] = [];
  for (const key of keys) {
    const read = await readOr(() => readDocument(store, key, uploadMetaSchema));
    const id = key.slice(UPLOADS_PREFIX.length, -'/upload.json'.length);
    if (read instanceof Damage) out.push({ id, damage: read });
    else if (read) out.push({ meta: read.value });
  }
  return out;
}

/**
 * Whether each upload exists: one written before content claims listed uploads (no records
 * digest) does; any other only when its content's claim names it. A damaged claim makes its
 * uploads' existence unknown.
 */
async function claimOf(
  store: ObjectStore,
  metas: readonly UploadMeta[],
): Promise<Map<string, boolean | Damage>> {
  const claims = new Map<string, string[] | Damage>();
  const out = new Map<string, boolean | Damage>();
  for (const meta of metas) {
    if (!meta.recordsDigest) {
      out.set(meta.id, true);
      continue;
    }
    let claim = claims.get(meta.contentHash);
    if (!claim) {
      const read = await readOr(() =>
        readDocument(store, uploadHashKey(meta.contentHash), contentClaimSchema),
      );
      claim = read instanceof Damage ? read : claimedUploads(read?.value);
      claims.set(meta.contentHash, claim);
    }
    out.set(meta.id, Array.isArray(claim) ? claim.includes(meta.id) : claim);
  }
  return out;
}

const consumedHintSchema = z.object({ runId: z.number().int().positive() });

/**
 * The uploads whose consumption hint (`consumed.json`: the run that consumed it) the named run's
 * commit record confirms — a successful run listing the upload in `uploadsConsumed`. The commit
 * stays the truth: a hint that is missing, unreadable or not confirmed counts for nothing, and the
 * upload is found by the scan of the runs instead. This keeps the scan to the runs since the
 * oldest unsettled upload, rather than since the oldest upload ever.
 */
async function confirmedHints(
  store: ObjectStore,
  metas: readonly UploadMeta[],
): Promise<Map<string, number>> {
  const confirmed = new Map<string, number>();
  const records = new Map<number, RunRecord | null>();
  for (const meta of metas) {
    try {
      const hint = await readDocument(store, uploadKeys(meta.id).consumed, consumedHintSchema);
      if (!hint) continue;
      const { runId } = hint.value;
      if (!records.has(runId)) records.set(runId, await readRunRecord(store, runId));
      const record = records.get(runId);
      if (record?.status === 'success' && record.uploadsConsumed.includes(meta.id))
        confirmed.set(meta.id, runId);
    } catch (err) {
      if (!damageOf(err)) throw err; // a damaged hint or record: the scan decides
    }
  }
  return confirmed;
}

/** Records the run that consumed each upload the scan found (best effort: only a hint). */
async function writeHints(
  store: ObjectStore,
  found: ReadonlyMap<string, number>,
  known: ReadonlyMap<string, number>,
): Promise<void> {
  for (const [id, runId] of found) {
    if (known.get(id) === runId) continue;
    await store.put(uploadKeys(id).consumed, encodeDocument(1, { runId })).catch(() => undefined);
  }
}

const unconsumedSchema = z.object({ throughRunId: z.number().int().nonnegative() });

/**
 * Where the scan for each upload may start: after the run it arrived behind, or — for a cancelled
 * upload — after the last run its `unconsumed.json` says was read without finding it consumed.
 * That hint only ever moves the start of a cancelled upload's scan, and a cancelled upload is no
 * run's input whatever the scan finds: a wrong hint could mislabel it (cancelled rather than
 * consumed), never make a run take or drop a quote.
 */
async function scanStarts(
  store: ObjectStore,
  metas: readonly UploadMeta[],
): Promise<Map<string, number>> {
  const starts = new Map<string, number>();
  for (const meta of metas) {
    let after = meta.afterRunId;
    try {
      const hint = await readDocument(store, uploadKeys(meta.id).unconsumed, unconsumedSchema);
      if (hint) after = Math.max(after, hint.value.throughRunId);
    } catch (err) {
      if (!damageOf(err)) throw err; // a damaged hint counts for nothing
    }
    starts.set(meta.id, after + 1);
  }
  return starts;
}

/**
 * Which committed runs consumed which uploads, which run records cannot be read, and
 * `settledThrough`: the last run up to which every record from `fromRunId` on was read (a run
 * still in progress has none yet, and may still commit).
 */
async function consumption(store: ObjectStore, fromRunId: number) {
  const consumedBy = new Map<string, number>();
  const damagedRuns: { runId: number; damage: Damage }[] = [];
  const last = await lastRunId(store);
  let settledThrough: number | undefined;
  for (let runId = fromRunId; runId <= last; runId++) {
    const record = await readOr(() => readRunRecord(store, runId));
    if ((record instanceof Damage || record === null) && settledThrough === undefined)
      settledThrough = runId - 1;
    if (record instanceof Damage) damagedRuns.push({ runId, damage: record });
    else if (record?.status === 'success')
      for (const id of record.uploadsConsumed) if (!consumedBy.has(id)) consumedBy.set(id, runId);
  }
  return { consumedBy, damagedRuns, settledThrough: settledThrough ?? last };
}

/** Records how far the scan read without finding each cancelled upload consumed (best effort). */
async function writeUnconsumed(
  store: ObjectStore,
  states: readonly UploadState[],
  starts: ReadonlyMap<string, number>,
  settledThrough: number,
): Promise<void> {
  for (const { listing } of states) {
    if (listing.status.state !== 'cancelled') continue;
    const start = starts.get(listing.id);
    if (start === undefined || settledThrough < start) continue; // nothing new was read
    await store
      .put(uploadKeys(listing.id).unconsumed, encodeDocument(1, { throughRunId: settledThrough }))
      .catch(() => undefined);
  }
}

/** The records of an upload, checked against its digest (or its row count, for old uploads). */
async function readRecords(store: ObjectStore, meta: UploadMeta): Promise<ColorRecord[]> {
  const key = uploadKeys(meta.id).records;
  const lines = await readCheckedLines(store, key, meta.recordsDigest);
  if (lines.length !== meta.rows)
    throw damagedObject(key, `it has ${lines.length} records where the upload has ${meta.rows}`);
  return lines.map((line) => parseStored<ColorRecord>(key, line));
}

/** The state of every upload (or of `only`), oldest first; uploads whose record cannot be read last. */
export async function readUploadStates(store: ObjectStore, only?: string): Promise<UploadState[]> {
  const reads = await readMetas(store, only);
  const metas = reads.flatMap((r) => ('meta' in r ? [r.meta] : []));
  const exists = await claimOf(store, metas);
  const visible = metas.filter((m) => exists.get(m.id) !== false);
  const unknownAge = reads.some((r) => 'damage' in r);
  const hinted = await confirmedHints(store, visible);
  const unsettled = visible.filter((m) => !hinted.has(m.id));
  const starts = await scanStarts(store, unsettled);
  const from = unknownAge ? 1 : Math.min(...starts.values());
  const runs =
    unsettled.length > 0 || unknownAge
      ? await consumption(store, from)
      : { consumedBy: new Map<string, number>(), damagedRuns: [], settledThrough: 0 };
  await writeHints(store, runs.consumedBy, hinted);
  for (const [id, runId] of hinted) runs.consumedBy.set(id, runId);

  visible.sort((a, b) =>
    a.uploadedAt < b.uploadedAt ? -1 : a.uploadedAt > b.uploadedAt ? 1 : a.id < b.id ? -1 : 1,
  );
  const states: UploadState[] = [];
  for (const meta of visible) {
    const claim = exists.get(meta.id);
    const state = await stateOf(store, meta, runs, meta.afterRunId);
    if (claim instanceof Damage && state.listing.status.state !== 'consumed') {
      // Whether it exists is unknown: show it, and keep runs from going without it.
      const cancelled = state.listing.status.state === 'cancelled';
      states.push({
        listing: { ...meta, status: unreadable(claim.details) },
        maybePending: !cancelled,
      });
    } else states.push(state);
  }
  if (unsettled.length > 0) await writeUnconsumed(store, states, starts, runs.settledThrough);
  for (const read of reads) {
    if (!('damage' in read)) continue;
    const known = runs.consumedBy.has(read.id) || (await isCancelled(store, read.id)) === true;
    states.push({
      listing: { id: read.id, status: unreadable(read.damage.details) },
      maybePending: !known,
    });
  }
  return states;
}

async function isCancelled(store: ObjectStore, id: string): Promise<boolean | Damage> {
  const read = await readOr(() => readDocument(store, uploadKeys(id).cancelled, cancelledSchema));
  return read instanceof Damage ? read : read !== null;
}

async function stateOf(
  store: ObjectStore,
  meta: UploadMeta,
  runs: Awaited<ReturnType<typeof consumption>>,
  afterRunId: number,
): Promise<UploadState> {
  const runId = runs.consumedBy.get(meta.id);
  // A run that committed it wins any race with a cancel.
  if (runId !== undefined)
    return { listing: { ...meta, status: { state: 'consumed', runId } }, maybePending: false };
  const cancelled = await readOr(() =>
    readDocument(store, uploadKeys(meta.id).cancelled, cancelledSchema),
  );
  const unknownRun = runs.damagedRuns.find((r) => r.runId > afterRunId);
  if (unknownRun) {
    const { key, reason } = unknownRun.damage.details;
    const status = unreadable({
      key,
      reason: `cannot tell whether run ${unknownRun.runId} consumed it (${reason})`,
    });
    return {
      listing: { ...meta, status },
      maybePending: cancelled === null || cancelled instanceof Damage,
    };
  }
  if (cancelled instanceof Damage)
    return { listing: { ...meta, status: unreadable(cancelled.details) }, maybePending: true };
  if (cancelled)
    return {
      listing: { ...meta, status: { state: 'cancelled', at: cancelled.value.at } },
      maybePending: false,
    };
  const records = await readOr(() => readRecords(store, meta));
  if (records instanceof Damage)
    return { listing: { ...meta, status: unreadable(records.details) }, maybePending: true };
  return { listing: { ...meta, status: { state: 'pending' } }, maybePending: false, records };
}
