import { z } from 'zod';
import { isMarketPulseError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { SettleAbandonedFire } from '../run/abandoned-run.js';
import type { RunRecord } from '../run/run-record.js';
import { createDocument, readDocument, updateDocument } from '../store/json-document.js';
import { fireKey, firePrefix, fireStamp } from '../store/layout.js';

export const fireStatusSchema = z.enum(['running', 'success', 'failed', 'skipped', 'missed']);
/**
 * Where a fire stands: `running` once claimed, then settled as `success`, `failed`, `skipped` or
 * `missed` (found too late to run, or superseded by a later fire).
 *
 * @useDeclaredType
 */
export type FireStatus = z.infer<typeof fireStatusSchema>;

/**
 * A fire record (SPEC §5): keyed by (job, nominal UTC time); creating it is the claim, so each
 * fire is decided once across every process. It links to its run when there is one.
 */
export const fireRecordSchema = z.object({
  jobId: z.string(),
  /** The nominal time of the fire (UTC ISO). */
  nominal: z.string(),
  status: fireStatusSchema,
  trigger: z.enum(['scheduled', 'catch_up']).optional(),
  /** Why it was skipped (`override`, `overlap`, `holiday`) or failed. */
  reason: z.string().optional(),
  runId: z.number().int().positive().optional(),
  /** For a fire skipped by "run now and cancel next": the run that replaced it. */
  overrideRunId: z.number().int().positive().optional(),
  /** For a fire skipped by "run now and cancel next": who asked for the run that replaced it. */
  requestedBy: z.string().optional(),
  /** The lease holder (scheduler) that claimed it. */
  holder: z.string().optional(),
  claimedAt: z.string(),
  settledAt: z.string().optional(),
  /** Attempts made (retries are attempts of the same fire). */
  attempts: z.number().int().nonnegative(),
  /** When a failed fire will be tried again. */
  retryAt: z.string().optional(),
});
/**
 * A fire record (SPEC §5), as {@link fireRecordSchema} validates it.
 *
 * @useDeclaredType
 */
export type FireRecord = z.infer<typeof fireRecordSchema>;

/** The desk's four words (SPEC §5), plus `running`; a run's own word comes from its trigger. */
export type DeskStatus = 'success' | 'error' | 'override' | 'skipped' | 'running';

/** The desk's word for a fire record. */
export function deskStatusOfFire(fire: Pick<FireRecord, 'status'>): DeskStatus {
  switch (fire.status) {
    case 'success':
      return 'success';
    case 'failed':
    case 'missed':
      return 'error';
    case 'skipped':
      return 'skipped';
    case 'running':
      return 'running';
  }
}

/** The desk's word for a run: `error` when it failed, `override` for a "run now", else `success`. */
export function deskStatusOfRun(run: Pick<RunRecord, 'status' | 'trigger'>): DeskStatus {
  if (run.status === 'failed') return 'error';
  return run.trigger === 'override' ? 'override' : 'success';
}

/**
 * Claims a fire by creating its record (`ifNoneMatch: '*'`): `true` for the one process that
 * creates it, `false` for everyone else.
 */
export async function claimFire(store: ObjectStore, record: FireRecord): Promise<boolean> {
  const key = fireKey(record.jobId, Date.parse(record.nominal));
  try {
    await createDocument(store, key, fireRecordSchema.parse(record));
    return true;
  } catch (err) {
    if (isMarketPulseError(err, 'CONFLICT')) return false;
    throw err;
  }
}

/** The record of a job's fire at `nominalMs`, or `null` when it was never claimed. */
export async function readFire(
  store: ObjectStore,
  jobId: string,
  nominalMs: number,
): Promise<FireRecord | null> {
  return (await readDocument(store, fireKey(jobId, nominalMs), fireRecordSchema))?.value ?? null;
}

/**
 * Changes a fire record by compare-and-swap when `change` allows it (`undefined` leaves it): so
 * only the process whose claim is still current settles it, and a late process changes nothing.
 */
export async function changeFire(
  store: ObjectStore,
  jobId: string,
  nominalMs: number,
  change: (current: FireRecord) => FireRecord | undefined,
): Promise<FireRecord | null> {
  const { value, written } = await updateDocument(
    store,
    fireKey(jobId, nominalMs),
    fireRecordSchema,
    (current) => (current ? change(current) : undefined),
  );
  return written ? (value as FireRecord) : null;
}

/** Settles a running fire claimed by `holder` (no-op when it is no longer theirs or running). */
export function settleFire(
  store: ObjectStore,
  jobId: string,
  nominalMs: number,
  holder: string | undefined,
  outcome: Partial<FireRecord> & { status: FireStatus; settledAt: string },
): Promise<FireRecord | null> {
  return changeFire(store, jobId, nominalMs, (current) =>
    current.status === 'running' && (holder === undefined || current.holder === holder)
      ? { ...current, ...outcome }
      : undefined,
  );
}

/**
 * Settles the fire a dead pipeline holder was running with its run's outcome (passed to the run
 * protocol's lease takeover, which sits below the schedule).
 */
export function fireSettlerOf(store: ObjectStore, clock: Clock): SettleAbandonedFire {
  return async ({ fire, id }, { runId, run, reason }) => {
    await settleFire(store, fire.jobId, Date.parse(fire.nominal), id, {
      status: run?.status === 'success' ? 'success' : 'failed',
      ...(runId !== undefined ? { runId } : {}),
      ...(run?.status === 'success' ? {} : { reason: run?.error?.message ?? reason }),
      settledAt: clock.now().toISOString(),
    });
  };
}

/** The fire record of a job in `[fromMs, toMs]`, oldest first. */
export async function listFires(
  store: ObjectStore,
  jobId: string,
  range: { fromMs?: number; toMs?: number } = {},
): Promise<FireRecord[]> {
  const prefix = firePrefix(jobId);
  const after =
    range.fromMs === undefined ? undefined : `${prefix}${fireStamp(range.fromMs - 1000)}~`;
  const upTo = range.toMs === undefined ? undefined : `${prefix}${fireStamp(range.toMs)}.json`;
  const fires: FireRecord[] = [];
  for await (const { key } of store.list(prefix, after ? { after } : {})) {
    if (upTo !== undefined && key > upTo) break;
    const doc = await readDocument(store, key, fireRecordSchema);
    const at = doc ? Date.parse(doc.value.nominal) : Number.NaN;
    if (doc && !(at < (range.fromMs ?? at)) && !(at > (range.toMs ?? at))) fires.push(doc.value);
  }
  return fires;
}
