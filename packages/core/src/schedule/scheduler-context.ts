import type { Clock } from '../ports/clock.js';
import { type Failpoints, NO_FAILPOINTS } from '../ports/failpoints.js';
import type { IdSource } from '../ports/id-source.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { ProcessProbe } from '../ports/process-probe.js';
import { createLeases, type HeldLease } from '../store/lease.js';
import type { DeadManStatus } from './dead-man.js';
import type { FireStep } from './fire-steps.js';
import type { Job } from './job.js';
import type {
  FireRunner,
  FireRunRequest,
  SchedulerEvent,
  SchedulerOptions,
  Timers,
} from './scheduler-options.js';

/** The fire this scheduler runs in the background, and the promise of its settlement. */
export interface ActiveFire {
  lease: HeldLease;
  done: Promise<void>;
}

/** Under the `queue` overlap policy: the one fire this scheduler holds back for the pipeline. */
export interface WaitingFire {
  jobId: string;
  nominalMs: number;
  trigger: FireRunRequest['trigger'];
}

/**
 * Everything one scheduler remembers between calls. It is the only mutable part of a
 * {@link SchedulerContext}: the modules of the scheduler change these fields, never capture them.
 */
export interface SchedulerState {
  /** The fire running in the background; at most one per scheduler. */
  active: ActiveFire | undefined;
  /** The fire held back for the pipeline under the `queue` policy, if any. */
  waiting: WaitingFire | undefined;
  /** The jobs read by the last tick: the loop sleeps until the next of their fires. */
  lastJobs: Job[];
  /** The tick in progress (or the last one, settled): ticks run one after another. */
  ticking: Promise<void>;
  /** The loop's pending timer. */
  timer: unknown;
  /** Whether the loop is off (before `start()`, after `stop()`); `tick()` works either way. */
  stopped: boolean;
  /** Old heartbeats are pruned once, at the first tick. */
  heartbeatsPruned: boolean;
  /**
   * A day found ok stays ok (a success cannot un-happen): later ticks that day, under the same
   * dead-man settings (the key), do not look through the runs again.
   */
  deadManOkDay: { key: string; status: DeadManStatus } | undefined;
}

/**
 * One scheduler's ports, settings and state, passed explicitly to each of its parts (fires,
 * retries, ticks, the loop) instead of being captured by one long closure.
 */
export interface SchedulerContext {
  readonly store: ObjectStore;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly timers: Timers;
  readonly runner: FireRunner;
  readonly probe: ProcessProbe | undefined;
  readonly failpoints: Failpoints;
  readonly instanceId: string;
  /** The loop's longest sleep, and the interval of a running fire's lease heartbeat. */
  readonly maxSleepMs: number;
  readonly leases: ReturnType<typeof createLeases>;
  readonly emit: (event: SchedulerEvent) => void;
  readonly state: SchedulerState;
}

/**
 * A scheduler's context from its options, with the defaults applied (no failpoints, a new
 * instance id, a 15 s sleep cap, a 60 s lease TTL) and a fresh, stopped state.
 *
 * @example
 * ```ts
 * const ctx = createSchedulerContext({ store, clock, ids, timers: globalThis, runner });
 * await tickOnce(ctx);
 * ```
 */
export function createSchedulerContext(options: SchedulerOptions): SchedulerContext {
  const { store, clock, ids, timers, runner, probe } = options;
  return {
    store,
    clock,
    ids,
    timers,
    runner,
    probe,
    failpoints: options.failpoints ?? NO_FAILPOINTS,
    instanceId: options.instanceId ?? ids.nextId(),
    maxSleepMs: options.maxSleepMs ?? 15_000,
    leases: createLeases({ store, clock, probe, ttlMs: options.leaseTtlMs ?? 60_000 }),
    emit: (event) => options.onEvent?.(event),
    state: {
      active: undefined,
      waiting: undefined,
      lastJobs: [],
      ticking: Promise.resolve(),
      timer: undefined,
      stopped: true,
      heartbeatsPruned: false,
      deadManOkDay: undefined,
    },
  };
}

/** Whether this fire is the one held back under the `queue` policy. */
export function isWaiting(state: SchedulerState, jobId: string, nominalMs: number): boolean {
  return state.waiting?.jobId === jobId && state.waiting.nominalMs === nominalMs;
}

/** Passes a named step of the fire protocol (a test build may crash the process there). */
export function hitFailpoint(ctx: SchedulerContext, step: FireStep): void | Promise<void> {
  return ctx.failpoints.hit(step);
}

/** The text of a thrown value, for an `error` event or a reason (a non-Error is printed as is). */
export function messageOf(err: unknown): string {
  return String((err as Error)?.message ?? err);
}
