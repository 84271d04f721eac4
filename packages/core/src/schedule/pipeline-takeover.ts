import type { ObjectStore } from '../ports/object-store.js';
import { acquirePipelineLease } from '../run/abandoned-run.js';
import { PIPELINE_LEASE } from '../store/layout.js';
import { holderProcess, type LeaseAttempt, type LeaseHolder } from '../store/lease.js';
import { fireSettlerOf, readFire } from './fire-record.js';
import type { SchedulerContext } from './scheduler-context.js';

/** A fire of a job, named as a lease holder records it. */
export interface FireName {
  jobId: string;
  /** The fire's nominal UTC time (ISO). */
  nominal: string;
}

/** This scheduler as a pipeline holder: for a fire, or for a brief recovery hold. */
function holderFor(ctx: SchedulerContext, fire?: FireName): LeaseHolder {
  return {
    id: ctx.ids.nextId(),
    purpose: fire ? `fire:${fire.jobId}@${fire.nominal}` : 'scheduler',
    ...(fire ? { fire } : {}),
    ...holderProcess(ctx.probe),
  };
}

/**
 * Takes the pipeline, finishing the cleanup of any dead holder first (or throwing, lease kept);
 * each dead holder cleaned up is reported as a `recovered` event.
 *
 * @example
 * ```ts
 * const attempt = await takePipeline(ctx, { jobId: '1', nominal: '2026-11-23T18:30:00.000Z' });
 * if (attempt.acquired) await attempt.lease.release();
 * ```
 */
export async function takePipeline(ctx: SchedulerContext, fire?: FireName): Promise<LeaseAttempt> {
  const attempt = await acquirePipelineLease(
    ctx.leases,
    ctx.store,
    ctx.clock,
    holderFor(ctx, fire),
    fireSettlerOf(ctx.store, ctx.clock),
  );
  if (attempt.acquired)
    for (const holder of attempt.abandoned) ctx.emit({ type: 'recovered', holder });
  return attempt;
}

/**
 * A dead holder's fire and run are settled by whoever notices first: any tick. Takes the pipeline
 * (which cleans up after the dead holder) and lets it go at once; does nothing while this
 * scheduler runs a fire or while the lease is alive.
 */
export async function recoverPipeline(ctx: SchedulerContext): Promise<void> {
  if (ctx.state.active) return;
  const seen = await ctx.leases.inspect(PIPELINE_LEASE);
  if (!seen || seen.expiresInMs > 0) return;
  const attempt = await takePipeline(ctx);
  if (attempt.acquired) await attempt.lease.release();
}

/**
 * Whether the pipeline's holder is really running something (a run, or a claimed fire) — not a
 * scheduler's brief recovery hold, nor a replica about to let go of a fire it lost the claim of.
 */
export async function runInProgress(store: ObjectStore, holder: LeaseHolder): Promise<boolean> {
  if (holder.purpose?.startsWith('run:')) return true;
  if (!holder.fire) return false;
  const fire = await readFire(store, holder.fire.jobId, Date.parse(holder.fire.nominal));
  return fire?.status === 'running' && fire.holder === holder.id;
}
