import { nextFires } from './fire-times.js';
import { markHeartbeatStopped } from './heartbeats.js';
import { messageOf, type SchedulerContext } from './scheduler-context.js';
import { tickOnce } from './scheduler-tick.js';

/**
 * Runs one tick once the one in progress is over (ticks never overlap, whoever calls them). The
 * returned promise rejects with this tick's error; the next tick runs regardless.
 *
 * @example
 * ```ts
 * await Promise.all([tick(ctx), tick(ctx)]); // the second starts when the first is done
 * ```
 */
export function tick(ctx: SchedulerContext): Promise<void> {
  const next = ctx.state.ticking.then(() => tickOnce(ctx));
  ctx.state.ticking = next.catch(() => undefined);
  return next;
}

/**
 * Milliseconds until the next fire of any active job (as of the last tick), capped by
 * `maxSleepMs`, plus 5 ms: a timer may fire a hair early, and the tick must land just after.
 *
 * @example
 * ```ts
 * // now 18:29:00, the next fire 18:30:00, maxSleepMs 15 000
 * sleepMs(ctx); // 15_005
 * ```
 */
export function sleepMs(ctx: SchedulerContext): number {
  const now = ctx.clock.now().getTime();
  let next = now + ctx.maxSleepMs;
  for (const job of ctx.state.lastJobs) {
    if (!job.active) continue;
    const [at] = nextFires(job, now, 1);
    if (at !== undefined && at < next) next = at;
  }
  return Math.max(0, next - now) + 5; // a timer may fire a hair early: land just after the fire
}

/** Starts the loop (a no-op when it runs): tick now, then sleep until the next fire, tick, repeat. */
export function startLoop(ctx: SchedulerContext): void {
  if (!ctx.state.stopped) return;
  ctx.state.stopped = false;
  tickThenSleep(ctx);
}

/**
 * Stops the loop, waits for the tick in progress, then for the fire in progress to settle, and
 * marks the heartbeat stopped (a clean stop is not a dead scheduler).
 */
export async function stopLoop(ctx: SchedulerContext): Promise<void> {
  const { state } = ctx;
  const wasRunning = !state.stopped;
  state.stopped = true;
  if (state.timer !== undefined) ctx.timers.clearTimeout(state.timer);
  await state.ticking;
  // The run in progress keeps its lease heartbeat until it is settled.
  while (state.active) await state.active.done;
  if (wasRunning)
    await markHeartbeatStopped(ctx.store, ctx.instanceId, ctx.clock.now().toISOString()).catch(
      (err) =>
        ctx.emit({ type: 'error', message: `heartbeat not marked stopped: ${messageOf(err)}` }),
    );
}

/** One tick (its error an event), then the sleep before the next — unless stopped meanwhile. */
function tickThenSleep(ctx: SchedulerContext): void {
  tick(ctx)
    .catch((err) => ctx.emit({ type: 'error', message: messageOf(err) }))
    .finally(() => sleepThenTick(ctx));
}

function sleepThenTick(ctx: SchedulerContext): void {
  if (ctx.state.stopped) return;
  ctx.state.timer = ctx.timers.setTimeout(() => tickThenSleep(ctx), sleepMs(ctx));
}
