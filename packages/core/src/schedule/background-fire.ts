import { SCHEDULER_ACTOR } from '../changes/change-context.js';
import type { RunRecord } from '../run/run-record.js';
import type { HeldLease } from '../store/lease.js';
import { settleFire } from './fire-record.js';
import type { Job } from './job.js';
import { scheduleRetry } from './job-state.js';
import { keepLeaseAlive } from './lease-heartbeat.js';
import { retryTime } from './retry-time.js';
import {
  hitFailpoint,
  messageOf,
  type SchedulerContext,
  type SchedulerState,
} from './scheduler-context.js';
import type { FireRunRequest } from './scheduler-options.js';

/** A fire this scheduler has claimed (its record says `running`, held by `lease`). */
export interface ClaimedFire {
  job: Job;
  nominalMs: number;
  trigger: FireRunRequest['trigger'];
  /** The pipeline lease, held for this fire; released once the fire is settled. */
  lease: HeldLease;
  /** 1 for the first attempt, then one more for each retry. */
  attempt: number;
}

type FireOutcome = { status: 'success' | 'failed'; runId?: number; reason?: string };

/**
 * Runs a claimed fire in the background (so fires due meanwhile meet the overlap policy) as
 * `state.active`: heartbeats its lease, runs it through the runner, notes a retry when it failed
 * and has one left, settles its record, and lets the pipeline go. A failure of these steps is an
 * `error` event; the lease is then left to expire, and whoever takes it over settles the fire.
 *
 * @example
 * ```ts
 * runFireInBackground(ctx, { job, nominalMs, trigger: 'scheduled', lease, attempt: 1 });
 * await waitForIdle(ctx.state); // settled
 * ```
 */
export function runFireInBackground(ctx: SchedulerContext, fire: ClaimedFire): void {
  const { job, nominalMs, trigger, lease, attempt } = fire;
  const nominal = new Date(nominalMs).toISOString();
  ctx.emit({ type: 'fire-started', jobId: job.id, nominal, trigger, attempt });
  const stopHeartbeat = keepLeaseAlive(ctx.timers, lease, ctx.maxSleepMs);
  const done = (async () => {
    let outcome: FireOutcome;
    try {
      outcome = outcomeOf(
        await ctx.runner({
          trigger,
          jobId: job.id,
          fire: nominal,
          lease,
          requestedBy: SCHEDULER_ACTOR,
        }),
      );
    } catch (err) {
      outcome = { status: 'failed', reason: (err as Error)?.message ?? String(err) };
    }
    await hitFailpoint(ctx, 'fire.after-run');
    const retryAt =
      outcome.status === 'failed'
        ? retryTime(job, nominalMs, attempt, ctx.clock.now().getTime())
        : undefined;
    // The retry is noted before the fire is settled: a crash in between leaves a failed (or
    // recovered-as-failed) fire whose retry still happens.
    if (retryAt !== undefined)
      await scheduleRetry(ctx.store, job.id, {
        nominal,
        attempt: attempt + 1,
        at: new Date(retryAt).toISOString(),
      });
    const settled = await settleFire(ctx.store, job.id, nominalMs, lease.holder.id, {
      ...outcome,
      settledAt: ctx.clock.now().toISOString(),
      ...(retryAt !== undefined ? { retryAt: new Date(retryAt).toISOString() } : {}),
    });
    await hitFailpoint(ctx, 'fire.after-settle');
    if (settled) ctx.emit({ type: 'fire-settled', jobId: job.id, nominal, ...outcome });
    stopHeartbeat();
    await lease.release();
  })();
  const tracked = done.catch((err) => {
    stopHeartbeat();
    ctx.emit({ type: 'error', message: messageOf(err) });
  });
  ctx.state.active = { lease, done: tracked };
  void tracked.finally(() => {
    if (ctx.state.active?.lease === lease) ctx.state.active = undefined;
  });
}

/** What a fire's record settles to after its run. */
function outcomeOf(run: RunRecord): FireOutcome {
  return run.status === 'success'
    ? { status: 'success', runId: run.id }
    : { status: 'failed', runId: run.id, reason: run.error?.message ?? 'the run failed' };
}

/** Resolves when no fire started by this scheduler is running. */
export async function waitForIdle(state: SchedulerState): Promise<void> {
  while (state.active) await state.active.done;
}
