import type { SCHEDULER_ACTOR } from '../changes/change-context.js';
import type { Clock } from '../ports/clock.js';
import type { Failpoints } from '../ports/failpoints.js';
import type { IdSource } from '../ports/id-source.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { ProcessProbe } from '../ports/process-probe.js';
import type { Timers } from '../ports/timers.js';
import type { RunRecord } from '../run/run-record.js';
import type { HeldLease, LeaseHolder } from '../store/lease.js';
import type { DeadManStatus } from './dead-man.js';

export type { Timers };

/** What the scheduler asks its {@link FireRunner} to run: one claimed fire of one job. */
export interface FireRunRequest {
  trigger: 'scheduled' | 'catch_up';
  jobId: string;
  /** The fire's nominal UTC time (ISO). */
  fire: string;
  /** The pipeline lease, already held: pass it to the run service as `pipelineLease`. */
  lease: HeldLease;
  /** Who asks for the run: the scheduler itself (pass it to the run service as is). */
  requestedBy: typeof SCHEDULER_ACTOR;
}

/** Runs one fire through the run service (the adapter gathers the inputs). */
export type FireRunner = (request: FireRunRequest) => Promise<RunRecord>;

/**
 * What a scheduler reports as it works (to logs, an SSE stream, tests): fires started, settled or
 * recorded without a run, dead holders recovered, the dead-man status of each tick, and errors
 * it survived.
 */
export type SchedulerEvent =
  | { type: 'fire-started'; jobId: string; nominal: string; trigger: string; attempt: number }
  | {
      type: 'fire-settled';
      jobId: string;
      nominal: string;
      status: string;
      runId?: number;
      reason?: string;
    }
  | {
      type: 'fire-recorded';
      jobId: string;
      nominal: string;
      status: 'missed' | 'skipped';
      reason?: string;
    }
  | { type: 'recovered'; holder: LeaseHolder }
  | { type: 'dead-man'; status: DeadManStatus }
  | { type: 'error'; message: string };

/** The ports and settings of `createScheduler`. */
export interface SchedulerOptions {
  store: ObjectStore;
  clock: Clock;
  ids: IdSource;
  timers: Timers;
  runner: FireRunner;
  probe?: ProcessProbe;
  failpoints?: Failpoints;
  /** Pipeline lease TTL (default 60 s). */
  leaseTtlMs?: number;
  /** The loop never sleeps longer than this (default 15 s): it is also the heartbeat interval. */
  maxSleepMs?: number;
  /** Names this scheduler in heartbeats and alerts (default: a new id). */
  instanceId?: string;
  /** Called synchronously with each {@link SchedulerEvent} as it happens (logs, a stream, tests). */
  onEvent?: (event: SchedulerEvent) => void;
}
