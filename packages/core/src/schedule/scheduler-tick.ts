import { checkDeadMan, type DeadManStatus } from './dead-man.js';
import { readFire } from './fire-record.js';
import { pruneHeartbeats, writeHeartbeat } from './heartbeats.js';
import { evaluateJob } from './job-evaluation.js';
import { listJobs } from './job-store.js';
import { recoverPipeline } from './pipeline-takeover.js';
import { messageOf, type SchedulerContext } from './scheduler-context.js';
import { readScheduleSettings, type ScheduleSettings } from './settings.js';
import { localDateAt } from './zoned-time.js';

/**
 * One evaluation: heartbeat (pruning old ones at the first tick), recovery of a dead pipeline
 * holder, the due fires and retries of every active job, and the dead-man check (an event). One
 * job's trouble, or a failed recovery, is an `error` event and does not stop the rest.
 *
 * @example
 * ```ts
 * const ctx = createSchedulerContext({ store, clock, ids, timers, runner });
 * await tickOnce(ctx);
 * ```
 */
export async function tickOnce(ctx: SchedulerContext): Promise<void> {
  const { store, state } = ctx;
  const now = ctx.clock.now();
  if (!state.heartbeatsPruned) {
    state.heartbeatsPruned = true;
    await pruneHeartbeats(store, now.getTime());
  }
  await writeHeartbeat(store, {
    instanceId: ctx.instanceId,
    at: now.toISOString(),
    everyMs: ctx.maxSleepMs,
    ...(ctx.probe ? { host: ctx.probe.host, pid: ctx.probe.pid } : {}),
  });
  await recoverPipeline(ctx).catch((err) =>
    ctx.emit({ type: 'error', message: `recovery: ${messageOf(err)}` }),
  );
  const settings = await readScheduleSettings(store);
  state.lastJobs = await listJobs(store);
  await revalidateWaiting(ctx);
  for (const job of state.lastJobs) {
    if (!job.active) continue;
    try {
      await evaluateJob(ctx, job, settings, now.getTime());
    } catch (err) {
      // One job's trouble (e.g. a stored document that no longer parses) must not stop the others.
      ctx.emit({ type: 'error', message: `job ${job.id}: ${messageOf(err)}` });
    }
  }
  ctx.emit({ type: 'dead-man', status: await deadManStatus(ctx, settings, now.getTime()) });
}

/** A held-back fire whose job was deactivated or deleted, or that got decided elsewhere, is let go. */
async function revalidateWaiting(ctx: SchedulerContext): Promise<void> {
  const { state } = ctx;
  if (!state.waiting) return;
  const { jobId, nominalMs } = state.waiting;
  const job = state.lastJobs.find((j) => j.id === jobId);
  if (!job?.active || (await readFire(ctx.store, jobId, nominalMs))) state.waiting = undefined;
}

/** The dead-man check, remembered for the rest of a day once found ok under the same settings. */
async function deadManStatus(
  ctx: SchedulerContext,
  settings: ScheduleSettings,
  nowMs: number,
): Promise<DeadManStatus> {
  const { state } = ctx;
  const config = settings.deadMan;
  const key = config ? `${localDateAt(config.timezone, nowMs)} ${JSON.stringify(config)}` : '';
  if (state.deadManOkDay?.key === key) return state.deadManOkDay.status;
  const status = await checkDeadMan(ctx.store, ctx.clock, settings, ctx.instanceId);
  if (status.state === 'ok') state.deadManOkDay = { key, status };
  return status;
}
