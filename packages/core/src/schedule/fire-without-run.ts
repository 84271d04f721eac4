import { claimFire } from './fire-record.js';
import type { SchedulerContext } from './scheduler-context.js';

/**
 * Records a fire that does not run — `missed` (found too late), or `skipped` (a holiday, or the
 * pipeline busy under the overlap policy) — by the same atomic create that claims a fire to run
 * it, so it is decided once across all schedulers. Emits `fire-recorded` only when this scheduler's
 * record won.
 *
 * @example
 * ```ts
 * await recordFireWithoutRun(ctx, job.id, Date.parse('2026-12-25T18:30:00Z'), 'skipped', 'holiday');
 * ```
 */
export async function recordFireWithoutRun(
  ctx: SchedulerContext,
  jobId: string,
  nominalMs: number,
  status: 'missed' | 'skipped',
  reason?: string,
): Promise<void> {
  const now = ctx.clock.now().toISOString();
  const nominal = new Date(nominalMs).toISOString();
  const claimed = await claimFire(ctx.store, {
    jobId,
    nominal,
    status,
    ...(reason ? { reason } : {}),
    claimedAt: now,
    settledAt: now,
    attempts: 0,
    holder: ctx.instanceId,
  });
  if (claimed)
    ctx.emit({ type: 'fire-recorded', jobId, nominal, status, ...(reason ? { reason } : {}) });
}
