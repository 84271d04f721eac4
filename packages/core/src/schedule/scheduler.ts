import type { Clock } from '../ports/clock.js';
import { type Failpoints, NO_FAILPOINTS } from '../ports/failpoints.js';
import type { IdSource } from '../ports/id-source.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { ProcessProbe } from '../ports/process-probe.js';
import { recoverAbandoned } from '../run/abandoned-run.js';
import { PIPELINE_LEASE } from '../run/layout.js';
import type { RunRecord } from '../run/run-record.js';
import { readDocument, updateDocument } from '../store/json-document.js';
import { createLeases, type HeldLease, type LeaseHolder } from '../store/lease.js';
import { checkDeadMan, type DeadManStatus } from './dead-man.js';
import { dueFires, watermarkOf } from './due-fires.js';
import { changeFire, claimFire, settleFire } from './fire-record.js';
import { nextFires } from './fire-times.js';
import { writeHeartbeat } from './heartbeats.js';
import type { Job } from './job.js';
import { type JobState, jobStateSchema, listJobs } from './job-store.js';
import { type FireStep, jobStateKey } from './layout.js';
import { readScheduleSettings, type ScheduleSettings } from './settings.js';

/** Timers, injected so tests drive the loop without waiting (Node: `globalThis`). */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

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

  let active: { lease: HeldLease; done: Promise<void> } | undefined;
  /** Under the `queue` overlap policy: the one fire waiting for the pipeline, and since when. */
  let waiting: { jobId: string; nominalMs: number; trigger: FireRunRequest['trigger'] } | undefined;
  let ticking: Promise<void> = Promise.resolve();
  let timer: unknown;
  let stopped = true;
  let lastJobs: Job[] = [];

  const holderFor = (fire?: { jobId: string; nominal: string }): LeaseHolder => ({
    id: ids.nextId(),
    purpose: fire ? `fire:${fire.jobId}@${fire.nominal}` : 'scheduler',
    ...(fire ? { fire } : {}),
    ...(probe ? { host: probe.host, pid: probe.pid, bootId: probe.bootId } : {}),
  });

  async function advanceWatermark(
    jobId: string,
    untilMs: number,
    change?: (s: JobState) => JobState,
  ) {
    await updateDocument(store, jobStateKey(jobId), jobStateSchema, (current) => {
      const until = Math.max(untilMs, current ? Date.parse(current.evaluatedUntil) : untilMs);
      const next: JobState = { ...(current ?? {}), evaluatedUntil: iso(until) };
      return change ? change(next) : next;
    });
  }

  /** A dead holder's fire and run are settled by whoever notices first (here: any tick). */
  async function recoverPipeline(): Promise<void> {
    const seen = await leases.inspect(PIPELINE_LEASE);
    if (!seen || seen.expiresInMs > 0 || active) return;
    const attempt = await leases.tryAcquire(PIPELINE_LEASE, holderFor());
    if (!attempt.acquired) return;
    try {
      if (attempt.tookOverFrom) {
        await recoverAbandoned(store, clock, attempt.tookOverFrom);
        emit({ type: 'recovered', holder: attempt.tookOverFrom });
      }
    } finally {
      await attempt.lease.release();
    }
  }

  async function record(
    job: Job,
    nominalMs: number,
    status: 'missed' | 'skipped',
    reason?: string,
  ) {
    const now = iso(clock.now().getTime());
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

  /** Runs the fire in the background, heartbeating its lease from the ticks; settles it after. */
  function runInBackground(
    job: Job,
    nominalMs: number,
    trigger: FireRunRequest['trigger'],
    lease: HeldLease,
    attempt: number,
  ) {
    const nominal = iso(nominalMs);
    emit({ type: 'fire-started', jobId: job.id, nominal, trigger, attempt });
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
      const settled = await settleFire(store, job.id, nominalMs, lease.holder.id, {
        ...outcome,
        settledAt: iso(clock.now().getTime()),
        ...(retryAt !== undefined ? { retryAt: iso(retryAt) } : {}),
      });
      if (settled && retryAt !== undefined)
        await advanceWatermark(job.id, nominalMs, (s) => ({
          ...s,
          retry: { nominal, attempt: attempt + 1, at: iso(retryAt) },
        }));
      await step('fire.after-settle');
      if (settled) emit({ type: 'fire-settled', jobId: job.id, nominal, ...outcome });
      await lease.release();
    })();
    const tracked = done.catch((err) =>
      emit({ type: 'error', message: String((err as Error)?.message ?? err) }),
    );
    active = { lease, done: tracked };
    void tracked.finally(() => {
      if (active?.lease === lease) active = undefined;
    });
  }

  /** When a failed attempt is retried (backoff doubling), unless the job's next fire comes first. */
  function retryTime(job: Job, nominalMs: number, attempt: number): number | undefined {
    if (!job.retry || attempt > job.retry.count) return undefined;
    const at = clock.now().getTime() + job.retry.backoffMinutes * MINUTE * 2 ** (attempt - 1);
    const [next] = nextFires(job, nominalMs, 1);
    return next !== undefined && next <= at ? undefined : at;
  }

  /**
   * Tries to run a due fire: take the pipeline, claim the fire (the atomic create), run it.
   * Returns false when it is not decided yet and must be evaluated again next tick (it waits for
   * the pipeline under the overlap policy `queue`, or another scheduler is about to claim it).
   */
  async function attemptFire(
    job: Job,
    nominalMs: number,
    trigger: FireRunRequest['trigger'],
    settings: ScheduleSettings,
  ): Promise<boolean> {
    const fire = { jobId: job.id, nominal: iso(nominalMs) };
    const attempt = active ? undefined : await leases.tryAcquire(PIPELINE_LEASE, holderFor(fire));
    if (!attempt?.acquired) {
      const holder = attempt?.holder ?? active?.lease.holder;
      // Another scheduler took the pipeline for this very fire: it is theirs — but until its record
      // exists, keep evaluating it (the other may die before claiming it).
      if (holder?.fire?.jobId === fire.jobId && holder.fire.nominal === fire.nominal) return false;
      const waitedMs = clock.now().getTime() - nominalMs;
      const queueFree = !waiting || (waiting.jobId === job.id && waiting.nominalMs === nominalMs);
      if (
        settings.overlap === 'queue' &&
        queueFree &&
        waitedMs < settings.queueMaxMinutes * MINUTE
      ) {
        waiting = { jobId: job.id, nominalMs, trigger: waiting?.trigger ?? trigger };
        return false;
      }
      if (waiting?.jobId === job.id && waiting.nominalMs === nominalMs) waiting = undefined;
      await record(job, nominalMs, 'skipped', 'overlap');
      return true;
    }
    if (waiting?.jobId === job.id && waiting.nominalMs === nominalMs) {
      trigger = waiting.trigger;
      waiting = undefined;
    }
    const lease = attempt.lease;
    try {
      if (attempt.tookOverFrom) {
        await recoverAbandoned(store, clock, attempt.tookOverFrom);
        emit({ type: 'recovered', holder: attempt.tookOverFrom });
      }
      await step('fire.after-lease');
      const claimed = await claimFire(store, {
        ...fire,
        status: 'running',
        trigger,
        holder: lease.holder.id,
        claimedAt: iso(clock.now().getTime()),
        attempts: 1,
      });
      if (!claimed) {
        await lease.release();
        return true;
      }
      await step('fire.after-claim');
      await advanceWatermark(job.id, nominalMs);
    } catch (err) {
      await lease.release().catch(() => undefined);
      throw err;
    }
    runInBackground(job, nominalMs, trigger, lease, 1);
    return true;
  }

  /** A failed fire whose retry time has come: claimed again by compare-and-swap on its record. */
  async function attemptRetry(job: Job, retry: NonNullable<JobState['retry']>) {
    if (active || Date.parse(retry.at) > clock.now().getTime()) return;
    const nominalMs = Date.parse(retry.nominal);
    const fire = { jobId: job.id, nominal: retry.nominal };
    const attempt = await leases.tryAcquire(PIPELINE_LEASE, holderFor(fire));
    if (!attempt.acquired) return; // busy: try again next tick
    const lease = attempt.lease;
    let trigger: FireRunRequest['trigger'] = 'scheduled';
    try {
      if (attempt.tookOverFrom) await recoverAbandoned(store, clock, attempt.tookOverFrom);
      const claimed = await changeFire(store, job.id, nominalMs, (current) => {
        if (
          current.status !== 'failed' ||
          current.attempts !== retry.attempt - 1 ||
          !current.retryAt
        )
          return undefined;
        trigger = current.trigger ?? 'scheduled';
        const { retryAt: _r, reason: _e, settledAt: _s, ...rest } = current;
        return { ...rest, status: 'running', holder: lease.holder.id, attempts: retry.attempt };
      });
      await advanceWatermark(job.id, 0, (s) =>
        s.retry?.nominal === retry.nominal && s.retry.attempt === retry.attempt
          ? { evaluatedUntil: s.evaluatedUntil }
          : s,
      );
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

  async function evaluateJob(job: Job, settings: ScheduleSettings, nowMs: number) {
    const state = (await readDocument(store, jobStateKey(job.id), jobStateSchema))?.value ?? null;
    const { fires, evaluatedUntilMs } = dueFires(job, watermarkOf(job, state), nowMs, {
      latenessMs: settings.latenessMinutes * MINUTE,
    });
    let until = evaluatedUntilMs;
    for (const fire of fires) {
      if (fire.disposition === 'holiday') await record(job, fire.nominalMs, 'skipped', 'holiday');
      else if (fire.disposition === 'missed') {
        const wasWaiting = waiting?.jobId === job.id && waiting.nominalMs === fire.nominalMs;
        if (wasWaiting) waiting = undefined;
        await record(
          job,
          fire.nominalMs,
          wasWaiting ? 'skipped' : 'missed',
          wasWaiting ? 'overlap' : undefined,
        );
      } else if (!(await attemptFire(job, fire.nominalMs, fire.disposition, settings))) {
        until = fire.nominalMs - 1; // not decided yet: evaluate it again next tick
        break;
      }
    }
    // With no fire in (watermark, now] there is nothing to remember: evaluating from the old
    // watermark later gives the same answer, so skip the write (a store write per job per tick
    // per replica otherwise).
    if (fires.length > 0) await advanceWatermark(job.id, until);
    if (state?.retry) await attemptRetry(job, state.retry);
  }

  async function tickOnce(): Promise<void> {
    const now = clock.now();
    await writeHeartbeat(store, {
      instanceId,
      at: now.toISOString(),
      ...(probe ? { host: probe.host, pid: probe.pid } : {}),
    });
    if (active) await active.lease.renew().catch(() => undefined); // a lost lease: the run finds out itself
    await recoverPipeline();
    const settings = await readScheduleSettings(store);
    lastJobs = await listJobs(store);
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
    emit({ type: 'dead-man', status: await checkDeadMan(store, clock, settings, instanceId) });
  }

  function tick(): Promise<void> {
    const next = ticking.then(tickOnce);
    ticking = next.catch(() => undefined);
    return next;
  }

  /** Milliseconds until the next fire of any active job, capped by the heartbeat interval. */
  function sleepMs(): number {
    const nowMs = clock.now().getTime();
    let next = nowMs + maxSleepMs;
    for (const job of lastJobs) {
      if (!job.active) continue;
      const [at] = nextFires(job, nowMs, 1);
      if (at !== undefined && at < next) next = at;
    }
    return Math.max(0, next - nowMs) + 5; // a timer may fire a hair early: land just after the fire
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
      while (active) await active.done;
    },
  };
}
