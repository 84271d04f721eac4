import type { ChangeContext } from '../changes/change-context.js';
import { MarketPulseError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { RunRecord } from '../run/run-record.js';
import { PIPELINE_LEASE } from '../store/layout.js';
import { createLeases } from '../store/lease.js';
import { isHolidayFire, watermarkOf } from './due-fires.js';
import { claimFire, readFire } from './fire-record.js';
import { firesAfter } from './fire-times.js';
import type { Job } from './job.js';
import { readJobState } from './job-state.js';
import { getJob } from './job-store.js';

/** How {@link runJobNow} starts its override run, and whether it cancels the next fire. */
export interface RunNowOptions {
  /** Claim the job's next unclaimed fire as `skipped` (with the override run's id) so it cannot run. */
  cancelNext: boolean;
  /**
   * Starts the override run through the run service (the adapter gathers the inputs), calling
   * `onStarted` once the run has its RUN_ID.
   */
  run: (request: {
    trigger: 'override';
    jobId: string;
    /** Who asked (the change's actor): pass it to the run service, for the run record. */
    requestedBy: string;
    onStarted?: (runId: number) => Promise<void>;
  }) => Promise<RunRecord>;
}

const conflict = (job: Job, nominal: string) =>
  new MarketPulseError(
    'CONFLICT',
    `the next fire of job ${job.id} (${nominal}) is already running; wait for it to finish`,
    { details: { jobId: job.id, nominal, reason: 'fire-running' } },
  );

/**
 * The job's next fire not yet decided: the first fire after its watermark without a record.
 * CONFLICT when that fire is running now.
 */
async function nextOpenFire(store: ObjectStore, clock: Clock, job: Job): Promise<number> {
  const nowMs = clock.now().getTime();
  const lease = await createLeases({ store, clock, ttlMs: 60_000 }).inspect(PIPELINE_LEASE);
  const busyWith = lease?.holder.fire;
  if (busyWith?.jobId === job.id) {
    const fire = await readFire(store, job.id, Date.parse(busyWith.nominal));
    if (!fire || fire.status === 'running') throw conflict(job, busyWith.nominal);
  }
  const state = await readJobState(store, job.id);
  let looked = 0;
  // Fires older than the grace window will never run (they are recorded missed): the next fire is
  // at most that old, even when the schedulers lag or were down.
  const from = Math.max(watermarkOf(job, state), nowMs - job.graceMinutes * 60_000 - 1);
  for (const at of firesAfter(job, from)) {
    if (isHolidayFire(job, at)) continue; // it would not run: the next one is the one to cancel
    const fire = await readFire(store, job.id, at);
    if (!fire) return at;
    if (fire.status === 'running') throw conflict(job, fire.nominal);
    if (++looked >= 1000) break;
  }
  throw new MarketPulseError('CONFLICT', `job ${job.id} has no open fire to cancel`, {
    details: { jobId: job.id, reason: 'no-open-fire' },
  });
}

/**
 * "Run now" for a job (SPEC §5). *Keep next*: an override run; the next scheduled fire still runs.
 * *Cancel next*: the next fire not yet claimed is claimed as `skipped` (reason `override`, with the
 * override run's id) by the same atomic create the schedulers use, so it cannot run — and the skip
 * stands even if the override run fails. Refused (CONFLICT) when that fire is already running.
 * Who asked (`change.actor`) is recorded as `requestedBy` on the run and on the skipped fire.
 */
export async function runJobNow(
  deps: { store: ObjectStore; clock: Clock },
  jobId: string,
  options: RunNowOptions,
  change: ChangeContext,
): Promise<{ run: RunRecord; cancelled?: string }> {
  const { store, clock } = deps;
  const requestedBy = change.actor;
  const job = await getJob(store, jobId);
  if (!options.cancelNext)
    return { run: await options.run({ trigger: 'override', jobId, requestedBy }) };
  await nextOpenFire(store, clock, job); // refuse before starting anything
  let cancelled: string | undefined;
  const run = await options.run({
    trigger: 'override',
    jobId,
    requestedBy,
    async onStarted(runId) {
      // Another process may claim the fire between our look and our create: look again.
      for (let attempt = 0; attempt < 20 && cancelled === undefined; attempt++) {
        const at = await nextOpenFire(store, clock, job);
        const now = clock.now().toISOString();
        const claimed = await claimFire(store, {
          jobId,
          nominal: new Date(at).toISOString(),
          status: 'skipped',
          reason: 'override',
          overrideRunId: runId,
          requestedBy,
          claimedAt: now,
          settledAt: now,
          attempts: 0,
        });
        if (claimed) cancelled = new Date(at).toISOString();
      }
      if (cancelled === undefined)
        throw new MarketPulseError(
          'CONFLICT',
          `could not cancel the next fire of job ${jobId}; retry`,
        );
    },
  });
  return { run, ...(cancelled ? { cancelled } : {}) };
}
