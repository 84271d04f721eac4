import type { Clock } from '../ports/clock.js';
import { type Failpoints, NO_FAILPOINTS } from '../ports/failpoints.js';
import type { IdSource } from '../ports/id-source.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { ProcessProbe } from '../ports/process-probe.js';
import type { Timers } from '../ports/timers.js';
import { acquirePipelineLease } from '../run/abandoned-run.js';
import type { RunRecord } from '../run/run-record.js';
import { PIPELINE_LEASE } from '../store/layout.js';
import { createLeases, type HeldLease, holderProcess, type LeaseHolder } from '../store/lease.js';
import { checkDeadMan, type DeadManStatus } from './dead-man.js';
import { dueFires, watermarkOf } from './due-fires.js';
import { changeFire, claimFire, fireSettlerOf, readFire, settleFire } from './fire-record.js';
import type { FireStep } from './fire-steps.js';
import { nextFires } from './fire-times.js';
import { pruneHeartbeats, writeHeartbeat } from './heartbeats.js';
import type { Job } from './job.js';
import {
  advanceWatermark,
  clearRetry,
  type JobState,
  readJobState,
  scheduleRetry,
} from './job-state.js';
import { listJobs } from './job-store.js';
import { readScheduleSettings, type ScheduleSettings } from './settings.js';
import { localDateAt } from './zoned-time.js';

export interface FireRunRequest {
  trigger: 'scheduled' | 'catch_up';
  jobId: string;
  /** The fire's nominal UTC time (ISO). */
  fire: string;
  /** The pipeline lease, already held: pass it to the run service as `pipelineLease`. */
  lease: HeldLease;
}

/** Runs one fire through the run service (the adapter gathers the inputs). */
export type FireRunner = (request: FireRunRequest) => Promise<RunRecord>;

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
  onEvent?: (event: SchedulerEvent) => void;
}

export interface Scheduler {
  readonly instanceId: string;
  /** One evaluation: heartbeat, recovery, due fires of every active job, retries, dead-man check. */
  tick(): Promise<void>;
  /** Resolves when no run started by this scheduler is in progress. */
  idle(): Promise<void>;
  /** Starts the loop: sleep until the next fire (bounded), tick, repeat. */
  start(): void;
  /** Stops the loop and waits for the run in progress. */
  stop(): Promise<void>;
}

const MINUTE = 60_000;

/**
 * The scheduler service (SPEC §5, DESIGN §2). Any number of schedulers may share one store: each
 * fire is claimed by the atomic create of its fire record, under the pipeline lease, so it runs at
 * most once; a scheduler that dies mid-run stops heartbeating, and whoever takes the lease over
 * records the fire failed (or succeeded, if the run committed) — never runs it again.
 *
 * @example
 * ```ts
 * const scheduler = createScheduler({ store, clock, ids, timers: globalThis, runner });
 * scheduler.start();
 * ```
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const { store, clock, ids, timers, runner, probe } = options;
  const failpoints = options.failpoints ?? NO_FAILPOINTS;
  const step = (name: FireStep) => failpoints.hit(name);
  const instanceId = options.instanceId ?? ids.nextId();
  const maxSleepMs = options.maxSleepMs ?? 15_000;
  const leases = createLeases({ store, clock, probe, ttlMs: options.leaseTtlMs ?? 60_000 });
  const emit = (event: SchedulerEvent) => options.onEvent?.(event);
  const iso = (ms: number) => new Date(ms).toISOString();
  const nowMs = () => clock.now().getTime();

  let active: { lease: HeldLease; done: Promise<void> } | undefined;
  /** Under the `queue` overlap policy: the one fire this scheduler holds back for the pipeline. */
  let waiting: { jobId: string; nominalMs: number; trigger: FireRunRequest['trigger'] } | undefined;
  let ticking: Promise<void> = Promise.resolve();
  let timer: unknown;
  let stopped = true;
  let started = false;
  let lastJobs: Job[] = [];

  const holderFor = (fire?: { jobId: string; nominal: string }): LeaseHolder => ({
    id: ids.nextId(),
    purpose: fire ? `fire:${fire.jobId}@${fire.nominal}` : 'scheduler',
    ...(fire ? { fire } : {}),
    ...holderProcess(probe),
  });
  const isWaiting = (jobId: string, nominalMs: number) =>
    waiting?.jobId === jobId && waiting.nominalMs === nominalMs;

  /** Takes the pipeline, finishing the cleanup of any dead holder first (or throwing, lease kept). */
  async function acquire(fire?: { jobId: string; nominal: string }) {
    const attempt = await acquirePipelineLease(
      leases,
      store,
      clock,
      holderFor(fire),
      fireSettlerOf(store, clock),
    );
    if (attempt.acquired)
      for (const holder of attempt.abandoned) emit({ type: 'recovered', holder });
    return attempt;
  }

  /** A dead holder's fire and run are settled by whoever notices first: any tick. */
  async function recoverPipeline(): Promise<void> {
    if (active) return;
    const seen = await leases.inspect(PIPELINE_LEASE);
    if (!seen || seen.expiresInMs > 0) return;
    const attempt = await acquire();
    if (attempt.acquired) await attempt.lease.release();
  }

  /**
   * Whether the pipeline's holder is really running something (a run, or a claimed fire) — not a
   * scheduler's brief recovery hold, nor a replica about to let go of a fire it lost the claim of.
   */
  async function runInProgress(holder: LeaseHolder): Promise<boolean> {
    if (holder.purpose?.startsWith('run:')) return true;
    if (!holder.fire) return false;
    const fire = await readFire(store, holder.fire.jobId, Date.parse(holder.fire.nominal));
    return fire?.status === 'running' && fire.holder === holder.id;
  }

  async function record(
    job: Job,
    nominalMs: number,
    status: 'missed' | 'skipped',
    reason?: string,
  ) {
    const now = iso(nowMs());
    const claimed = await claimFire(store, {
      jobId: job.id,
      nominal: iso(nominalMs),
      status,
      ...(reason ? { reason } : {}),
      claimedAt: now,
      settledAt: now,
      attempts: 0,
      holder: instanceId,
    });
    if (claimed)
      emit({
        type: 'fire-recorded',
        jobId: job.id,
        nominal: iso(nominalMs),
        status,
        ...(reason ? { reason } : {}),
      });
  }

  /** Renews the lease every `maxSleepMs` on its own timer, independent of ticks and of `stop()`. */
  function heartbeat(lease: HeldLease): () => void {
    let handle: unknown;
    let beating = true;
    const next = () => {
      handle = timers.setTimeout(() => {
        lease.renew().then(
          () => {
            if (beating) next();
          },
          () => {
            beating = false; // lost: the run finds out at its next step
          },
        );
      }, maxSleepMs);
    };
    next();
    return () => {
      if (beating && handle !== undefined) timers.clearTimeout(handle);
      beating = false;
    };
  }

  /** When a failed attempt is retried (backoff doubling), unless the job's next fire comes first. */
  function retryTime(job: Job, nominalMs: number, attempt: number): number | undefined {
    if (!job.retry || attempt > job.retry.count) return undefined;
    const at = nowMs() + job.retry.backoffMinutes * MINUTE * 2 ** (attempt - 1);
    return nextFireBy(job, nominalMs, at) ? undefined : at;
  }

  /** Whether the job's fire after `nominalMs` comes by `atMs`: it supersedes a retry of this one. */
  function nextFireBy(job: Job, nominalMs: number, atMs: number): boolean {
    const [next] = nextFires(job, nominalMs, 1);
    return next !== undefined && next <= atMs;
  }

  /** Runs a claimed fire in the background (so fires due meanwhile meet the overlap policy). */
  function runInBackground(
    job: Job,
    nominalMs: number,
    trigger: FireRunRequest['trigger'],
    lease: HeldLease,
    attempt: number,
  ) {
    const nominal = iso(nominalMs);
    emit({ type: 'fire-started', jobId: job.id, nominal, trigger, attempt });
    const stopHeartbeat = heartbeat(lease);
    const done = (async () => {
      let outcome: { status: 'success' | 'failed'; runId?: number; reason?: string };
      try {
        const run = await runner({ trigger, jobId: job.id, fire: nominal, lease });
        outcome =
          run.status === 'success'
            ? { status: 'success', runId: run.id }
            : { status: 'failed', runId: run.id, reason: run.error?.message ?? 'the run failed' };
      } catch (err) {
        outcome = { status: 'failed', reason: (err as Error)?.message ?? String(err) };
      }
      await step('fire.after-run');
      const retryAt = outcome.status === 'failed' ? retryTime(job, nominalMs, attempt) : undefined;
      // The retry is noted before the fire is settled: a crash in between leaves a failed (or
      // recovered-as-failed) fire whose retry still happens.
      if (retryAt !== undefined)
        await scheduleRetry(store, job.id, { nominal, attempt: attempt + 1, at: iso(retryAt) });
      const settled = await settleFire(store, job.id, nominalMs, lease.holder.id, {
        ...outcome,
        settledAt: iso(nowMs()),
        ...(retryAt !== undefined ? { retryAt: iso(retryAt) } : {}),
      });
      await step('fire.after-settle');
      if (settled) emit({ type: 'fire-settled', jobId: job.id, nominal, ...outcome });
      stopHeartbeat();
      await lease.release();
    })();
    const tracked = done.catch((err) => {
      stopHeartbeat();
      emit({ type: 'error', message: String((err as Error)?.message ?? err) });
    });
    active = { lease, done: tracked };
    void tracked.finally(() => {
      if (active?.lease === lease) active = undefined;
    });
  }

  /**
   * Tries to run a due fire: take the pipeline, claim the fire (the atomic create), run it.
   * Returns false when it is not decided yet and must be evaluated again next tick (it waits for
   * the pipeline under the overlap policy `queue`, or the pipeline's holder is about to claim it
   * or to let go).
   */
  async function attemptFire(
    job: Job,
    nominalMs: number,
    trigger: FireRunRequest['trigger'],
    settings: ScheduleSettings,
  ): Promise<boolean> {
    const fire = { jobId: job.id, nominal: iso(nominalMs) };
    const attempt = active ? undefined : await acquire(fire);
    if (!attempt?.acquired) {
      const holder = attempt?.holder ?? active?.lease.holder;
      if (holder?.fire?.jobId === fire.jobId && holder.fire.nominal === fire.nominal) return false;
      if (attempt && holder && !(await runInProgress(holder))) return false;
      const queueFree = !waiting || isWaiting(job.id, nominalMs);
      if (
        settings.overlap === 'queue' &&
        queueFree &&
        nowMs() - nominalMs < settings.queueMaxMinutes * MINUTE
      ) {
        waiting = { jobId: job.id, nominalMs, trigger: waiting?.trigger ?? trigger };
        return false;
      }
      if (isWaiting(job.id, nominalMs)) waiting = undefined;
      await record(job, nominalMs, 'skipped', 'overlap');
      return true;
    }
    if (waiting && isWaiting(job.id, nominalMs)) {
      trigger = waiting.trigger;
      waiting = undefined;
    }
    const lease = attempt.lease;
    try {
      await step('fire.after-lease');
      const claimed = await claimFire(store, {
        ...fire,
        status: 'running',
        trigger,
        holder: lease.holder.id,
        claimedAt: iso(nowMs()),
        attempts: 1,
      });
      if (!claimed) {
        await lease.release();
        return true;
      }
      await step('fire.after-claim');
      await advanceWatermark(store, job.id, nominalMs);
    } catch (err) {
      await lease.release().catch(() => undefined);
      throw err;
    }
    runInBackground(job, nominalMs, trigger, lease, 1);
    return true;
  }

  /** A failed fire whose retry time has come: claimed again by compare-and-swap on its record. */
  async function attemptRetry(job: Job, retry: NonNullable<JobState['retry']>) {
    if (active || Date.parse(retry.at) > nowMs()) return;
    const nominalMs = Date.parse(retry.nominal);
    if (nextFireBy(job, nominalMs, nowMs())) {
      await clearRetry(store, job.id, retry); // the job's next fire came first: it supersedes
      return;
    }
    const attempt = await acquire({ jobId: job.id, nominal: retry.nominal });
    if (!attempt.acquired) return; // busy: try again next tick
    const lease = attempt.lease;
    let trigger: FireRunRequest['trigger'] = 'scheduled';
    try {
      const claimed = await changeFire(store, job.id, nominalMs, (current) => {
        if (current.status !== 'failed' || current.attempts !== retry.attempt - 1) return undefined;
        trigger = current.trigger ?? 'scheduled';
        const { retryAt: _r, reason: _e, settledAt: _s, ...rest } = current;
        return { ...rest, status: 'running', holder: lease.holder.id, attempts: retry.attempt };
      });
      await clearRetry(store, job.id, retry);
      if (!claimed) {
        await lease.release();
        return;
      }
    } catch (err) {
      await lease.release().catch(() => undefined);
      throw err;
    }
    runInBackground(job, nominalMs, trigger, lease, retry.attempt);
  }

  async function evaluateJob(job: Job, settings: ScheduleSettings, now: number) {
    const state = await readJobState(store, job.id);
    const { fires, evaluatedUntilMs } = dueFires(job, watermarkOf(job, state), now, {
      latenessMs: settings.latenessMinutes * MINUTE,
    });
    let until = evaluatedUntilMs;
    for (const fire of fires) {
      if (fire.disposition === 'holiday') await record(job, fire.nominalMs, 'skipped', 'holiday');
      else if (fire.disposition === 'missed') {
        const held = isWaiting(job.id, fire.nominalMs);
        if (held) waiting = undefined;
        await record(
          job,
          fire.nominalMs,
          held ? 'skipped' : 'missed',
          held ? 'overlap' : undefined,
        );
      } else if (!(await attemptFire(job, fire.nominalMs, fire.disposition, settings))) {
        until = fire.nominalMs - 1; // not decided yet: evaluate it again next tick
        break;
      }
    }
    // With no fire in (watermark, now] there is nothing to remember: evaluating from the old
    // watermark later gives the same answer, so skip the write (a store write per job per tick
    // per replica otherwise).
    if (fires.length > 0) await advanceWatermark(store, job.id, until);
    if (state?.retry) await attemptRetry(job, state.retry);
  }

  /** A held-back fire whose job was deactivated or deleted, or that got decided elsewhere, is let go. */
  async function revalidateWaiting(): Promise<void> {
    if (!waiting) return;
    const { jobId, nominalMs } = waiting;
    const job = lastJobs.find((j) => j.id === jobId);
    if (!job?.active || (await readFire(store, jobId, nominalMs))) waiting = undefined;
  }

  async function tickOnce(): Promise<void> {
    const now = clock.now();
    if (!started) {
      started = true;
      await pruneHeartbeats(store, now.getTime());
    }
    await writeHeartbeat(store, {
      instanceId,
      at: now.toISOString(),
      ...(probe ? { host: probe.host, pid: probe.pid } : {}),
    });
    await recoverPipeline().catch((err) =>
      emit({ type: 'error', message: `recovery: ${(err as Error)?.message ?? String(err)}` }),
    );
    const settings = await readScheduleSettings(store);
    lastJobs = await listJobs(store);
    await revalidateWaiting();
    for (const job of lastJobs) {
      if (!job.active) continue;
      try {
        await evaluateJob(job, settings, now.getTime());
      } catch (err) {
        // One job's trouble (e.g. a stored document that no longer parses) must not stop the others.
        emit({
          type: 'error',
          message: `job ${job.id}: ${(err as Error)?.message ?? String(err)}`,
        });
      }
    }
    emit({ type: 'dead-man', status: await deadManStatus(settings, now.getTime()) });
  }

  // A day found ok stays ok (a success cannot un-happen): later ticks that day, under the same
  // dead-man settings, do not look through the runs again.
  let okDay: { key: string; status: DeadManStatus } | undefined;
  async function deadManStatus(settings: ScheduleSettings, nowMs: number): Promise<DeadManStatus> {
    const config = settings.deadMan;
    const key = config ? `${localDateAt(config.timezone, nowMs)} ${JSON.stringify(config)}` : '';
    if (okDay?.key === key) return okDay.status;
    const status = await checkDeadMan(store, clock, settings, instanceId);
    if (status.state === 'ok') okDay = { key, status };
    return status;
  }

  function tick(): Promise<void> {
    const next = ticking.then(tickOnce);
    ticking = next.catch(() => undefined);
    return next;
  }

  /** Milliseconds until the next fire of any active job, capped by `maxSleepMs`. */
  function sleepMs(): number {
    const now = nowMs();
    let next = now + maxSleepMs;
    for (const job of lastJobs) {
      if (!job.active) continue;
      const [at] = nextFires(job, now, 1);
      if (at !== undefined && at < next) next = at;
    }
    return Math.max(0, next - now) + 5; // a timer may fire a hair early: land just after the fire
  }

  function loop() {
    if (stopped) return;
    timer = timers.setTimeout(() => {
      tick()
        .catch((err) => emit({ type: 'error', message: String((err as Error)?.message ?? err) }))
        .finally(loop);
    }, sleepMs());
  }

  return {
    instanceId,
    tick,
    async idle() {
      while (active) await active.done;
    },
    start() {
      if (!stopped) return;
      stopped = false;
      tick()
        .catch((err) => emit({ type: 'error', message: String((err as Error)?.message ?? err) }))
        .finally(loop);
    },
    async stop() {
      stopped = true;
      if (timer !== undefined) timers.clearTimeout(timer);
      await ticking;
      // The run in progress keeps its lease heartbeat until it is settled.
      while (active) await active.done;
    },
  };
}
