import { dueFires, watermarkOf } from './due-fires.js';
import { attemptFire } from './fire-attempt.js';
import { attemptRetry } from './fire-retry.js';
import { recordFireWithoutRun } from './fire-without-run.js';
import type { Job } from './job.js';
import { advanceWatermark, readJobState } from './job-state.js';
import { isWaiting, type SchedulerContext } from './scheduler-context.js';
import type { ScheduleSettings } from './settings.js';

const MINUTE = 60_000;

/**
 * One job's part of a tick: decides each fire due since its watermark up to `nowMs` — a holiday
 * is recorded skipped, one found too late missed, the others attempted under the overlap policy
 * — advances the watermark past what was decided, then starts the job's retry if its time has
 * come. A fire not decided yet (held for the pipeline) stops the walk: the next tick starts there.
 *
 * @example
 * ```ts
 * const settings = await readScheduleSettings(ctx.store);
 * for (const job of await listJobs(ctx.store))
 *   if (job.active) await evaluateJob(ctx, job, settings, ctx.clock.now().getTime());
 * ```
 */
export async function evaluateJob(
  ctx: SchedulerContext,
  job: Job,
  settings: ScheduleSettings,
  nowMs: number,
): Promise<void> {
  const { state } = ctx;
  const jobState = await readJobState(ctx.store, job.id);
  const { fires, evaluatedUntilMs } = dueFires(job, watermarkOf(job, jobState), nowMs, {
    latenessMs: settings.latenessMinutes * MINUTE,
  });
  let until = evaluatedUntilMs;
  for (const fire of fires) {
    if (fire.disposition === 'holiday')
      await recordFireWithoutRun(ctx, job.id, fire.nominalMs, 'skipped', 'holiday');
    else if (fire.disposition === 'missed') {
      const held = isWaiting(state, job.id, fire.nominalMs);
      if (held) state.waiting = undefined;
      await recordFireWithoutRun(
        ctx,
        job.id,
        fire.nominalMs,
        held ? 'skipped' : 'missed',
        held ? 'overlap' : undefined,
      );
    } else if (!(await attemptFire(ctx, job, fire.nominalMs, fire.disposition, settings))) {
      until = fire.nominalMs - 1; // not decided yet: evaluate it again next tick
      break;
    }
  }
  // With no fire in (watermark, now] there is nothing to remember: evaluating from the old
  // watermark later gives the same answer, so skip the write (a store write per job per tick
  // per replica otherwise).
  if (fires.length > 0) await advanceWatermark(ctx.store, job.id, until);
  if (jobState?.retry) await attemptRetry(ctx, job, jobState.retry);
}
