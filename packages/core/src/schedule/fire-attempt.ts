import { runFireInBackground } from './background-fire.js';
import { claimFire } from './fire-record.js';
import { recordFireWithoutRun } from './fire-without-run.js';
import type { Job } from './job.js';
import { advanceWatermark } from './job-state.js';
import { runInProgress, takePipeline } from './pipeline-takeover.js';
import { hitFailpoint, isWaiting, type SchedulerContext } from './scheduler-context.js';
import type { FireRunRequest } from './scheduler-options.js';
import type { ScheduleSettings } from './settings.js';

const MINUTE = 60_000;

/**
 * Tries to run a due fire: take the pipeline, claim the fire (the atomic create), run it in the
 * background. When the pipeline is busy the overlap policy decides: `skip` records the fire
 * skipped; `queue` holds it back (one fire, for at most `queueMaxMinutes`).
 *
 * Returns false when it is not decided yet and must be evaluated again next tick (it waits for
 * the pipeline under the overlap policy `queue`, or the pipeline's holder is about to claim it
 * or to let go); true when it is decided (running, skipped, or claimed by another scheduler).
 *
 * @example
 * ```ts
 * const decided = await attemptFire(ctx, job, fire.nominalMs, 'scheduled', settings);
 * if (!decided) until = fire.nominalMs - 1; // evaluate it again next tick
 * ```
 */
export async function attemptFire(
  ctx: SchedulerContext,
  job: Job,
  nominalMs: number,
  trigger: FireRunRequest['trigger'],
  settings: ScheduleSettings,
): Promise<boolean> {
  const { state } = ctx;
  const fire = { jobId: job.id, nominal: new Date(nominalMs).toISOString() };
  const attempt = state.active ? undefined : await takePipeline(ctx, fire);
  if (!attempt?.acquired) {
    const holder = attempt?.holder ?? state.active?.lease.holder;
    if (holder?.fire?.jobId === fire.jobId && holder.fire.nominal === fire.nominal) return false;
    if (attempt && holder && !(await runInProgress(ctx.store, holder))) return false;
    const queueFree = !state.waiting || isWaiting(state, job.id, nominalMs);
    if (
      settings.overlap === 'queue' &&
      queueFree &&
      ctx.clock.now().getTime() - nominalMs < settings.queueMaxMinutes * MINUTE
    ) {
      state.waiting = { jobId: job.id, nominalMs, trigger: state.waiting?.trigger ?? trigger };
      return false;
    }
    if (isWaiting(state, job.id, nominalMs)) state.waiting = undefined;
    await recordFireWithoutRun(ctx, job.id, nominalMs, 'skipped', 'overlap');
    return true;
  }
  if (state.waiting && isWaiting(state, job.id, nominalMs)) {
    trigger = state.waiting.trigger;
    state.waiting = undefined;
  }
  const lease = attempt.lease;
  try {
    await hitFailpoint(ctx, 'fire.after-lease');
    const claimed = await claimFire(ctx.store, {
      ...fire,
      status: 'running',
      trigger,
      holder: lease.holder.id,
      claimedAt: ctx.clock.now().toISOString(),
      attempts: 1,
    });
    if (!claimed) {
      await lease.release();
      return true;
    }
    await hitFailpoint(ctx, 'fire.after-claim');
    await advanceWatermark(ctx.store, job.id, nominalMs);
  } catch (err) {
    await lease.release().catch(() => undefined);
    throw err;
  }
  runFireInBackground(ctx, { job, nominalMs, trigger, lease, attempt: 1 });
  return true;
}
