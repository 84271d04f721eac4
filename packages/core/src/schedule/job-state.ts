import { z } from 'zod';
import type { ObjectStore } from '../ports/object-store.js';
import { readDocument, updateDocument } from '../store/json-document.js';
import { jobStateKey } from '../store/layout.js';

export const jobStateSchema = z.object({
  /** Fires at or before this instant have been evaluated (claimed, missed or skipped). */
  evaluatedUntil: z.string(),
  /** A failed fire waiting for its next attempt. */
  retry: z
    .object({ nominal: z.string(), attempt: z.number().int().positive(), at: z.string() })
    .optional(),
});
/**
 * The schedulers' shared state of a job (see {@link readJobState}).
 *
 * @useDeclaredType
 */
export type JobState = z.infer<typeof jobStateSchema>;

/**
 * The schedulers' shared memory of a job (`schedule/state/<id>.json`): how far it has been
 * evaluated, and the one retry waiting to start. Changed by compare-and-swap only; the watermark
 * never moves back.
 */
export async function readJobState(store: ObjectStore, jobId: string): Promise<JobState | null> {
  return (await readDocument(store, jobStateKey(jobId), jobStateSchema))?.value ?? null;
}

export async function advanceWatermark(
  store: ObjectStore,
  jobId: string,
  untilMs: number,
): Promise<void> {
  await changeJobState(store, jobId, (state) => state, untilMs);
}

/** Records a retry to start at `at` (one slot per job: a newer fire's retry replaces an older one). */
export async function scheduleRetry(
  store: ObjectStore,
  jobId: string,
  retry: NonNullable<JobState['retry']>,
): Promise<void> {
  await changeJobState(store, jobId, (state) => ({ ...state, retry }), Date.parse(retry.nominal));
}

/** Clears the retry slot if it still holds this attempt. */
export async function clearRetry(
  store: ObjectStore,
  jobId: string,
  retry: NonNullable<JobState['retry']>,
): Promise<void> {
  await changeJobState(store, jobId, (state) =>
    state.retry?.nominal === retry.nominal && state.retry.attempt === retry.attempt
      ? { evaluatedUntil: state.evaluatedUntil }
      : state,
  );
}

async function changeJobState(
  store: ObjectStore,
  jobId: string,
  change: (state: JobState) => JobState,
  untilMs = 0,
): Promise<void> {
  await updateDocument(store, jobStateKey(jobId), jobStateSchema, (current) => {
    const until = Math.max(untilMs, current ? Date.parse(current.evaluatedUntil) : untilMs);
    return change({ ...(current ?? {}), evaluatedUntil: new Date(until).toISOString() });
  });
}
