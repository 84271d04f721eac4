import type { Scheduler, StoreUpkeepReport } from '@market-pulse/core';
import type { Hono } from 'hono';
import { handle, type LambdaEvent } from 'hono/aws-lambda';

/**
 * The API as an AWS Lambda handler: API Gateway (REST and HTTP APIs, payload v1 and v2) and
 * function URL events, through Hono's adapter. Build the app once per container, outside the
 * handler.
 *
 * @example
 * ```ts
 * export const handler = lambdaApiHandler(createApp(deps));
 * ```
 */
export function lambdaApiHandler(app: Hono<never> | { fetch: Hono['fetch'] }) {
  return handle(app as Hono);
}

/** What a scheduled invocation did. */
export interface ScheduledCheck {
  instanceId: string;
  /** The scheduler ran a fire (or waited for its retry) before returning. */
  ranFire: boolean;
  /**
   * The store's upkeep when it was due on this invocation (null when not due or not asked for);
   * `{ failed }` with the reason when it failed — the next due invocation tries again.
   */
  upkeep: StoreUpkeepReport | { failed: string } | null;
}

/**
 * The scheduled handler (SPEC §12: e.g. an EventBridge rule every minute): one scheduler tick —
 * heartbeat, recovery, the due fires of every active job, retries and the dead-man check — then
 * the wait for the fire it started, so the invocation ends with its run. Each fire is claimed by
 * an atomic create of its fire record, so concurrent invocations run a fire exactly once. Use one
 * `instanceId` per function (not per invocation) so heartbeats do not pile up. `upkeep`, when
 * given, runs after the tick (e.g. core's `storeUpkeep` when its interval is due; it answers null
 * when not); its failure is reported, not thrown, so the tick's outcome stands.
 *
 * @example
 * ```ts
 * const scheduler = createScheduler({ ...ports, runner, instanceId: 'lambda-scheduler' });
 * export const handler = lambdaScheduleHandler(() => scheduler);
 * ```
 */
export function lambdaScheduleHandler(
  scheduler: () => Scheduler | Promise<Scheduler>,
  upkeep?: () => Promise<StoreUpkeepReport | null>,
): (event?: LambdaEvent | Record<string, unknown>) => Promise<ScheduledCheck> {
  return async () => {
    const s = await scheduler();
    await s.tick();
    const ranFire = s.busy();
    await s.idle();
    let upkeepOutcome: ScheduledCheck['upkeep'] = null;
    if (upkeep)
      upkeepOutcome = await upkeep().catch((err: unknown) => ({
        failed: err instanceof Error ? err.message : String(err),
      }));
    return { instanceId: s.instanceId, ranFire, upkeep: upkeepOutcome };
  };
}
