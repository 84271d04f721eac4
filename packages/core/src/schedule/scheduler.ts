import { waitForIdle } from './background-fire.js';
import { createSchedulerContext } from './scheduler-context.js';
import { startLoop, stopLoop, tick } from './scheduler-loop.js';
import type { SchedulerOptions } from './scheduler-options.js';

export type {
  FireRunner,
  FireRunRequest,
  SchedulerEvent,
  SchedulerOptions,
} from './scheduler-options.js';

/** A running scheduler: its loop, one-off ticks, and the wait for its fire in progress. */
export interface Scheduler {
  readonly instanceId: string;
  /** One evaluation: heartbeat, recovery, due fires of every active job, retries, dead-man check. */
  tick(): Promise<void>;
  /** Resolves when no run started by this scheduler is in progress. */
  idle(): Promise<void>;
  /** Whether a fire started by this scheduler is running now (a stop would wait for it). */
  busy(): boolean;
  /** Starts the loop: sleep until the next fire (bounded), tick, repeat. */
  start(): void;
  /** Stops the loop, waits for the run in progress, and marks its heartbeat stopped. */
  stop(): Promise<void>;
}

/**
 * The scheduler service (SPEC §5, DESIGN §2). Any number of schedulers may share one store: each
 * fire is claimed by the atomic create of its fire record, under the pipeline lease, so it runs at
 * most once; a scheduler that dies mid-run stops heartbeating, and whoever takes the lease over
 * records the fire failed (or succeeded, if the run committed) — never runs it again.
 *
 * Its parts, each over the same `SchedulerContext`: `scheduler-loop` (ticks in order, the
 * sleep until the next fire), `scheduler-tick` (one evaluation), `job-evaluation` (one job's due
 * fires), `fire-attempt` and `fire-retry` (claiming a fire), `background-fire` (running and
 * settling it), `pipeline-takeover` (the lease, and recovery after a dead holder).
 *
 * @example
 * ```ts
 * const scheduler = createScheduler({ store, clock, ids, timers: globalThis,
 *   // A fire arrives with the pipeline lease held: the run uses it instead of taking its own.
 *   runner: async ({ trigger, jobId, fire, lease }) =>
 *     (await pipeline.run({ trigger, jobId, fire, pipelineLease: lease })).record,
 * });
 * scheduler.start();
 * // …on shutdown: stop the loop and wait for the run in progress
 * await scheduler.stop();
 * ```
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const ctx = createSchedulerContext(options);
  return {
    instanceId: ctx.instanceId,
    tick: () => tick(ctx),
    idle: () => waitForIdle(ctx.state),
    busy: () => ctx.state.active !== undefined,
    start: () => startLoop(ctx),
    stop: () => stopLoop(ctx),
  };
}
