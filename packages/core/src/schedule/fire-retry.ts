import { runFireInBackground } from './background-fire.js';
import { changeFire } from './fire-record.js';
import type { Job } from './job.js';
import { clearRetry, type JobState } from './job-state.js';
import { takePipeline } from './pipeline-takeover.js';
import { nextFireBy } from './retry-time.js';
import type { SchedulerContext } from './scheduler-context.js';
import type { FireRunRequest } from './scheduler-options.js';

/**
 * A failed fire whose retry time has come: claimed again by compare-and-swap on its record (only
 * while it is still `failed` after the previous attempt, so one scheduler wins), then run in the
 * background. The retry is dropped when the job's next fire came first; it waits for a later tick
 * while the pipeline is busy or its time has not come.
 *
 * @example
 * ```ts
 * const state = await readJobState(ctx.store, job.id);
 * if (state?.retry) await attemptRetry(ctx, job, state.retry);
 * ```
 */
export async function attemptRetry(
  ctx: SchedulerContext,
  job: Job,
  retry: NonNullable<JobState['retry']>,
): Promise<void> {
  const nowMs = () => ctx.clock.now().getTime();
  if (ctx.state.active || Date.parse(retry.at) > nowMs()) return;
  const nominalMs = Date.parse(retry.nominal);
  if (nextFireBy(job, nominalMs, nowMs())) {
    await clearRetry(ctx.store, job.id, retry); // the job's next fire came first: it supersedes
    return;
  }
  const attempt = await takePipeline(ctx, { jobId: job.id, nominal: retry.nominal });
  if (!attempt.acquired) return; // busy: try again next tick
  const lease = attempt.lease;
  let trigger: FireRunRequest['trigger'] = 'scheduled';
  try {
    const claimed = await changeFire(ctx.store, job.id, nominalMs, (current) => {
      if (current.status !== 'failed' || current.attempts !== retry.attempt - 1) return undefined;
      trigger = current.trigger ?? 'scheduled';
      const { retryAt: _r, reason: _e, settledAt: _s, ...rest } = current;
      return { ...rest, status: 'running', holder: lease.holder.id, attempts: retry.attempt };
    });
    await clearRetry(ctx.store, job.id, retry);
    if (!claimed) {
      await lease.release();
      return;
    }
  } catch (err) {
    await lease.release().catch(() => undefined);
    throw err;
  }
  runFireInBackground(ctx, { job, nominalMs, trigger, lease, attempt: retry.attempt });
}
