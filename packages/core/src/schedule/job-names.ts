// Job names are unique, case-insensitively, like rule names. Rules live in one compare-and-swapped
// document; jobs are one document each, so a name is held by a claim: the atomic create of a key
// derived from the name, naming the job. A claim is taken before the job document is written and
// is live while it is fresh (a save in progress) or while its job has that name; a claim left by a
// deleted or renamed job, or by a save that died, is stale and taken over. Jobs saved before claims
// existed hold their names unclaimed: the caller passes the stored jobs, which are checked too.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { isMarketPulseError, MarketPulseError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import { encodeDocument, readDocument } from '../store/json-document.js';
import { jobKey, jobNameKey } from '../store/layout.js';
import { type Job, jobSchema } from './job.js';

/** How long a claim stands without its job: a save writes its job well within this. */
const FRESH_CLAIM_MS = 120_000;

const claimSchema = z.object({ jobId: z.string(), at: z.string() });
const encoder = new TextEncoder();

/** A name as compared: trimmed, lower-case, inner spaces collapsed. */
const normalised = (name: string) => name.trim().replace(/\s+/g, ' ').toLowerCase();

/** Whether two job names are the same name (as uniqueness compares them). */
export const sameJobName = (a: string, b: string) => normalised(a) === normalised(b);
const claimKey = (name: string) =>
  jobNameKey(bytesToHex(sha256(encoder.encode(normalised(name)))).slice(0, 32));

function taken(name: string, holderId: string, holderName?: string): MarketPulseError {
  return new MarketPulseError(
    'VALIDATION_ERROR',
    `the name "${name}" is used by job ${holderId}${holderName ? ` ("${holderName}")` : ''} (names are case-insensitive)`,
    { details: { field: 'name', reason: 'duplicate-name', jobId: holderId } },
  );
}

/**
 * Claims `name` for job `jobId` before the job is saved under it; VALIDATION_ERROR
 * (`details.reason: 'duplicate-name'`) when another job holds it. `stored` are the jobs as listed.
 */
export async function claimJobName(
  deps: { store: ObjectStore; clock: Clock },
  name: string,
  jobId: string,
  stored: readonly Job[],
): Promise<void> {
  const { store, clock } = deps;
  const clash = stored.find((j) => j.id !== jobId && normalised(j.name) === normalised(name));
  if (clash) throw taken(name, clash.id, clash.name);
  const key = claimKey(name);
  for (let attempt = 0; attempt < 10; attempt++) {
    const existing = await readDocument(store, key, claimSchema);
    if (existing?.value.jobId === jobId) return;
    if (existing) {
      const holder = (await readDocument(store, jobKey(existing.value.jobId), jobSchema))?.value;
      if (holder && normalised(holder.name) === normalised(name))
        throw taken(name, holder.id, holder.name);
      if (clock.now().getTime() - Date.parse(existing.value.at) < FRESH_CLAIM_MS)
        throw taken(name, existing.value.jobId);
    }
    const claim = encodeDocument(1, { jobId, at: clock.now().toISOString() });
    try {
      await store.put(key, claim, existing ? { ifMatch: existing.etag } : { ifNoneMatch: '*' });
      return;
    } catch (err) {
      // Claimed or taken over by someone else meanwhile: look again.
      if (!isMarketPulseError(err, 'PRECONDITION_FAILED') && !isMarketPulseError(err, 'NOT_FOUND'))
        throw err;
    }
  }
  throw new MarketPulseError(
    'CONFLICT',
    `the job name "${name}" is being claimed concurrently; retry`,
  );
}

/** Lets go of `name` if job `jobId` holds it (after a delete, a rename or a failed save). */
export async function releaseJobName(
  store: ObjectStore,
  name: string,
  jobId: string,
): Promise<void> {
  const key = claimKey(name);
  const existing = await readDocument(store, key, claimSchema).catch(() => null);
  if (existing?.value.jobId !== jobId) return;
  // A claim left behind goes stale anyway once its job is gone or renamed: never an error here.
  await store.delete(key, { ifMatch: existing.etag }).catch(() => undefined);
}
