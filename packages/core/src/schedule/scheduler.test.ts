import { describe, expect, it } from 'vitest';
import { isMarketPulseError, MarketPulseError } from '../errors.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { Timers } from '../ports/timers.js';
import { runAutomation } from '../run/run-automation.js';
import { readRunRecord } from '../run/run-protocol.js';
import type { RunRecord } from '../run/run-record.js';
import { generateColors } from '../sample/index.js';
import { PIPELINE_LEASE } from '../store/layout.js';
import { createLeases } from '../store/lease.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemoryStore } from '../testing/memory-store.js';
import { checkDeadMan } from './dead-man.js';
import { listFires, readFire } from './fire-record.js';
import type { JobInput } from './job-store.js';
import { createJob, getJob, setJobActive, updateJob } from './job-store.js';
import { nextRun, scheduleCalendar } from './projections.js';
import { runJobNow } from './run-now.js';
import { createScheduler, type FireRunner } from './scheduler.js';
import { updateScheduleSettings } from './settings.js';

const records = generateColors({ rows: 12, seed: 7, businessDate: '2026-11-23' });
const MIN = 60_000;

/** A store, a manual clock, and runners that go through the real run service. */
function world(start = '2026-11-23T18:29:00Z') {
  const memory = createMemoryStore();
  /** Set to make writes under a prefix fail (a store outage). */
  const faults = { failPutsUnder: undefined as string | undefined };
  const store: ObjectStore = {
    get: (key) => memory.get(key),
    put: async (key, body, cond) => {
      if (faults.failPutsUnder && key.startsWith(faults.failPutsUnder))
        throw new MarketPulseError('UNAVAILABLE', `store unavailable writing ${key}`);
      return memory.put(key, body, cond);
    },
    delete: (key, cond) => memory.delete(key, cond),
    list: (prefix, opts) => memory.list(prefix, opts),
  };
  const clock = createManualClock(start);
  let n = 0;
  const ids = { nextId: () => `id-${++n}` };
  const control = { gate: undefined as Promise<void> | undefined, failures: 0 };
  const runner: FireRunner = async ({ trigger, jobId, fire, lease, requestedBy }) => {
    if (control.gate) await control.gate;
    const failing = control.failures > 0;
    if (failing) control.failures--;
    return runAutomation(
      { store, clock, ids, pipelineLease: lease },
      {
        trigger,
        jobId,
        fire,
        requestedBy,
        businessDate: '2026-11-23',
        inputs: [{ origin: 'source', processingType: 'AUTOMATED', records }],
        ...(failing ? { guards: { minSourceRows: 1000 } } : {}),
      },
    );
  };
  const runNowWith =
    (guards?: { minSourceRows: number }) =>
    (request: {
      trigger: 'override';
      jobId: string;
      requestedBy: string;
      onStarted?: (id: number) => Promise<void>;
    }) =>
      runAutomation(
        { store, clock, ids },
        {
          ...request,
          businessDate: '2026-11-23',
          inputs: [{ origin: 'source', processingType: 'AUTOMATED', records }],
          ...(guards ? { guards } : {}),
        },
      );
  // Timers driven by the manual clock: `advance` fires what comes due, in order.
  const pending = new Map<number, { at: number; fire: () => void }>();
  let handles = 0;
  const timers: Timers = {
    setTimeout: (fire, ms) => {
      pending.set(++handles, { at: clock.now().getTime() + ms, fire });
      return handles;
    },
    clearTimeout: (handle) => {
      pending.delete(handle as number);
    },
  };
  const advance = async (ms: number) => {
    const until = clock.now().getTime() + ms;
    for (;;) {
      const due = [...pending.entries()]
        .filter(([, t]) => t.at <= until)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      pending.delete(due[0]);
      clock.set(new Date(Math.max(due[1].at, clock.now().getTime())));
      due[1].fire();
      for (let i = 0; i < 20; i++) await Promise.resolve(); // let the callback's promise chain run
    }
    clock.set(new Date(until));
  };
  const scheduler = (id = 'a') =>
    createScheduler({ store, clock, ids, timers, runner, instanceId: id, leaseTtlMs: 60_000 });
  let jobs = 0;
  // Job names are unique: the first is "close", later ones "close 2", "close 3", …
  const job = (input: JobInput) =>
    createJob(
      { store, clock, defaultTimeZone: 'Europe/London' },
      { name: ++jobs === 1 ? 'close' : `close ${jobs}`, ...input },
      { actor: 'cli:tester' },
    );
  const gate = () => {
    let open!: () => void;
    control.gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    return () => {
      control.gate = undefined;
      open();
    };
  };
  return { store, clock, ids, runner, runNowWith, scheduler, job, control, gate, faults, advance };
}

/** Another process (a CLI run) holds the pipeline. */
async function holdPipeline(w: ReturnType<typeof world>) {
  const attempt = await createLeases({ store: w.store, clock: w.clock, ttlMs: 60_000 }).tryAcquire(
    PIPELINE_LEASE,
    { id: 'cli-run', purpose: 'run:99' },
  );
  if (!attempt.acquired) throw new Error('test setup: the pipeline is taken');
  return attempt;
}

/** Sets the clock, has `scheduler` tick, and waits for the runs it started. */
async function tickAt(
  w: ReturnType<typeof world>,
  scheduler: { tick(): Promise<void>; idle(): Promise<void> },
  iso: string,
) {
  w.clock.set(iso);
  await scheduler.tick();
  await scheduler.idle();
}

const fireAt = async (w: ReturnType<typeof world>, jobId: string, iso: string) =>
  readFire(w.store, jobId, Date.parse(iso));

describe('the scheduler', () => {
  it('fires a Mon–Fri 18:30 job created on Monday 18:29 at 18:30, through the run service', async () => {
    const w = world();
    const job = await w.job({
      schedule: { time: '18:30', days: ['MON', 'TUE', 'WED', 'THU', 'FRI'] },
    });
    const s = w.scheduler();
    await s.tick();
    expect(await listFires(w.store, job.id)).toEqual([]);
    await tickAt(w, s, '2026-11-23T18:30:00Z');
    const fire = await fireAt(w, job.id, '2026-11-23T18:30:00Z');
    expect(fire).toMatchObject({ status: 'success', trigger: 'scheduled', attempts: 1 });
    const run = (await readRunRecord(w.store, fire?.runId as number)) as RunRecord;
    expect(run).toMatchObject({
      status: 'success',
      trigger: 'scheduled',
      jobId: job.id,
      fire: '2026-11-23T18:30:00.000Z',
    });
    // Ticking again changes nothing: the fire is decided.
    await s.tick();
    await s.idle();
    expect(await listFires(w.store, job.id)).toHaveLength(1);
  });

  it('run now and keep next: the next fire still runs', async () => {
    const w = world('2026-11-23T18:00:00Z');
    const job = await w.job({ cron: '30 18 * * MON-FRI' });
    const { run } = await runJobNow(
      w,
      job.id,
      { cancelNext: false, run: w.runNowWith() },
      { actor: 'user:ann@desk.example' },
    );
    expect(run).toMatchObject({
      status: 'success',
      trigger: 'override',
      jobId: job.id,
      requestedBy: 'user:ann@desk.example',
    });
    w.clock.set('2026-11-23T18:30:00Z');
    const s = w.scheduler();
    await s.tick();
    await s.idle();
    const fire = await fireAt(w, job.id, '2026-11-23T18:30:00Z');
    expect(fire).toMatchObject({ status: 'success' });
    // The scheduled fire's run says the scheduler asked for it.
    expect(await readRunRecord(w.store, fire?.runId ?? 0)).toMatchObject({
      trigger: 'scheduled',
      requestedBy: 'scheduler',
    });
  });

  it('run now and cancel next: exactly that fire is skipped with the override run id, even when the run fails; the one after runs', async () => {
    const w = world('2026-11-23T18:00:00Z');
    const job = await w.job({ cron: '30 18 * * MON-FRI' });
    const { run, cancelled } = await runJobNow(
      w,
      job.id,
      {
        cancelNext: true,
        run: w.runNowWith({ minSourceRows: 1000 }), // the override run fails its guard
      },
      { actor: 'cli:ops' },
    );
    expect(run).toMatchObject({ status: 'failed', requestedBy: 'cli:ops' });
    expect(cancelled).toBe('2026-11-23T18:30:00.000Z');
    expect(await fireAt(w, job.id, '2026-11-23T18:30:00Z')).toMatchObject({
      status: 'skipped',
      reason: 'override',
      overrideRunId: run.id,
      requestedBy: 'cli:ops',
    });
    const s = w.scheduler();
    await tickAt(w, s, '2026-11-23T18:30:00Z');
    await tickAt(w, s, '2026-11-24T18:30:00Z');
    const fires = await listFires(w.store, job.id);
    expect(fires.map((f) => [f.nominal, f.status])).toEqual([
      ['2026-11-23T18:30:00.000Z', 'skipped'],
      ['2026-11-24T18:30:00.000Z', 'success'],
    ]);
  });

  it('cancel next while that fire is running is a conflict', async () => {
    const w = world();
    const job = await w.job({ cron: '30 18 * * MON-FRI' });
    const s = w.scheduler();
    const open = w.gate();
    w.clock.set('2026-11-23T18:30:00Z');
    await s.tick();
    expect(await fireAt(w, job.id, '2026-11-23T18:30:00Z')).toMatchObject({ status: 'running' });
    const refused = await runJobNow(
      w,
      job.id,
      { cancelNext: true, run: w.runNowWith() },
      { actor: 'cli:tester' },
    ).catch((e) => e);
    expect(isMarketPulseError(refused, 'CONFLICT')).toBe(true);
    expect(refused.message).toMatch(/already running/);
    open();
    await s.idle();
    expect(await fireAt(w, job.id, '2026-11-23T18:30:00Z')).toMatchObject({ status: 'success' });
    expect(await fireAt(w, job.id, '2026-11-24T18:30:00Z')).toBeNull();
  });

  it.each([
    ['within the grace window', '12:20', ['missed', 'missed', 'success'], 'catch_up'],
    ['after the grace window', '12:45', ['missed', 'missed', 'missed'], undefined],
  ])(
    'misfires: an hourly job, down across three fires, restarted %s',
    async (_case, restart, statuses, trigger) => {
      const w = world('2026-11-23T09:30:00Z');
      const job = await w.job({ cron: '0 * * * *', graceMinutes: 30 });
      await w.scheduler('a').tick(); // then down: 10:00, 11:00 and 12:00 pass
      w.clock.set(`2026-11-23T${restart}:00Z`);
      const s = w.scheduler('b');
      await s.tick();
      await s.idle();
      const fires = await listFires(w.store, job.id);
      expect(fires.map((f) => f.nominal.slice(11, 16))).toEqual(['10:00', '11:00', '12:00']);
      expect(fires.map((f) => f.status)).toEqual(statuses);
      expect(fires[2]?.trigger).toBe(trigger);
    },
  );

  it('misfires: exactly three fires down, restarted within grace → one catch_up and two missed', async () => {
    const w = world('2026-11-23T09:05:00Z');
    const job = await w.job({ cron: '*/10 * * * *', graceMinutes: 60 });
    await w.scheduler().tick();
    w.clock.set('2026-11-23T09:35:00Z'); // 09:10, 09:20, 09:30 passed while down
    const s = w.scheduler('b');
    await s.tick();
    await s.idle();
    const fires = await listFires(w.store, job.id);
    expect(fires.map((f) => [f.nominal.slice(11, 16), f.status, f.trigger])).toEqual([
      ['09:10', 'missed', undefined],
      ['09:20', 'missed', undefined],
      ['09:30', 'success', 'catch_up'],
    ]);
  });

  it('an inactive job produces no records, even across its fires; re-activated it starts from then', async () => {
    const w = world('2026-11-23T09:05:00Z');
    const job = await w.job({ cron: '*/10 * * * *' });
    const deps = { store: w.store, clock: w.clock };
    await setJobActive(deps, job.id, false, { actor: 'cli:tester' });
    const s = w.scheduler();
    for (let i = 0; i < 6; i++) {
      w.clock.advance(10 * MIN);
      await s.tick();
    }
    expect(await listFires(w.store, job.id)).toEqual([]);
    await setJobActive(deps, job.id, true, { actor: 'cli:tester' }); // 10:05
    w.clock.advance(5 * MIN);
    await s.tick();
    await s.idle();
    expect(
      (await listFires(w.store, job.id)).map((f) => [f.nominal.slice(11, 16), f.status]),
    ).toEqual([['10:10', 'success']]);
  });

  it('overlap: a fire due while another run holds the pipeline is skipped (policy skip) or waits (policy queue)', async () => {
    const w = world('2026-11-23T18:29:00Z');
    const job = await w.job({ cron: '30 18 * * *' });
    const other = await holdPipeline(w);
    const s = w.scheduler();
    w.clock.set('2026-11-23T18:30:00Z');
    await s.tick();
    expect(await fireAt(w, job.id, '2026-11-23T18:30:00Z')).toMatchObject({
      status: 'skipped',
      reason: 'overlap',
    });

    await updateScheduleSettings(
      w,
      { overlap: 'queue', queueMaxMinutes: 30 },
      { actor: 'cli:tester' },
    );
    w.clock.set('2026-11-24T18:30:00Z');
    await other.lease.renew();
    await s.tick();
    expect(await fireAt(w, job.id, '2026-11-24T18:30:00Z')).toBeNull(); // waiting
    w.clock.advance(5 * MIN);
    await other.lease.release();
    await s.tick();
    await s.idle();
    expect(await fireAt(w, job.id, '2026-11-24T18:30:00Z')).toMatchObject({
      status: 'success',
      trigger: 'scheduled',
    });
  });

  it('holidays skip their fires; retries run as attempts of the same fire', async () => {
    const w = world('2026-11-23T18:00:00Z');
    const job = await w.job({
      cron: '30 18 * * *',
      holidays: ['2026-11-23'],
      retry: { count: 2, backoffMinutes: 5 },
    });
    const s = w.scheduler();
    w.clock.set('2026-11-23T18:30:00Z');
    await s.tick();
    expect(await fireAt(w, job.id, '2026-11-23T18:30:00Z')).toMatchObject({
      status: 'skipped',
      reason: 'holiday',
    });

    w.control.failures = 2;
    await tickAt(w, s, '2026-11-24T18:30:00Z');
    expect(await fireAt(w, job.id, '2026-11-24T18:30:00Z')).toMatchObject({
      status: 'failed',
      attempts: 1,
      retryAt: '2026-11-24T18:35:00.000Z',
    });
    await tickAt(w, s, '2026-11-24T18:35:00Z');
    expect(await fireAt(w, job.id, '2026-11-24T18:30:00Z')).toMatchObject({
      status: 'failed',
      attempts: 2,
      retryAt: '2026-11-24T18:45:00.000Z',
    });
    await tickAt(w, s, '2026-11-24T18:45:00Z');
    const fire = await fireAt(w, job.id, '2026-11-24T18:30:00Z');
    expect(fire).toMatchObject({ status: 'success', attempts: 3 });
    expect(fire?.retryAt).toBeUndefined();
    expect(await listFires(w.store, job.id)).toHaveLength(2);
  });

  it('a scheduler that dies mid-run loses the lease: the fire is recorded failed and never runs again', async () => {
    const w = world();
    const job = await w.job({ cron: '30 18 * * *' });
    const a = w.scheduler('a');
    const open = w.gate(); // a is "paused" inside its run and never heartbeats
    w.clock.set('2026-11-23T18:30:00Z');
    await a.tick();
    const b = w.scheduler('b');
    await b.tick(); // sees the lease
    w.clock.advance(61_000);
    await b.tick(); // the same ETag for a whole TTL: expired
    expect(await fireAt(w, job.id, '2026-11-23T18:30:00Z')).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/stopped/),
    });
    open(); // a wakes up: its run cannot take the pipeline back, nothing changes
    await a.idle();
    const fire = await fireAt(w, job.id, '2026-11-23T18:30:00Z');
    expect(fire?.status).toBe('failed');
    // a's run never started: no run id on the fire, no run committed.
    expect(fire?.runId).toBeUndefined();
    expect(await readRunRecord(w.store, 1)).toBeNull();
  });

  it('a recovery cut short by a store outage is finished by the next taker: the fire never stays running', async () => {
    const w = world();
    const job = await w.job({ cron: '30 18 * * *' });
    const a = w.scheduler('a');
    w.gate(); // a hangs inside its run forever
    w.clock.set('2026-11-23T18:30:00Z');
    await a.tick();
    const b = w.scheduler('b');
    await b.tick();
    w.clock.advance(61_000);
    w.faults.failPutsUnder = 'fires/'; // b takes the lease over, then cannot settle the fire
    await b.tick();
    expect(await fireAt(w, job.id, '2026-11-23T18:30:00Z')).toMatchObject({ status: 'running' });
    w.faults.failPutsUnder = undefined;
    const c = w.scheduler('c');
    await c.tick(); // sees b's lease (b never released it: the cleanup is unfinished)…
    w.clock.advance(61_000);
    await c.tick(); // …takes it over and inherits the cleanup
    expect(await fireAt(w, job.id, '2026-11-23T18:30:00Z')).toMatchObject({ status: 'failed' });
  });

  it('stop() waits for the run in progress and keeps heartbeating its lease meanwhile', async () => {
    const w = world();
    const job = await w.job({ cron: '30 18 * * *' });
    const a = w.scheduler('a');
    const open = w.gate(); // a long run
    w.clock.set('2026-11-23T18:30:00Z');
    await a.tick();
    const stopping = a.stop();
    const b = w.scheduler('b');
    for (let i = 0; i < 8; i++) {
      await b.tick();
      await w.advance(20_000); // 160 s in all: far past the TTL, were the lease not renewed
    }
    expect(await fireAt(w, job.id, '2026-11-23T18:30:00Z')).toMatchObject({ status: 'running' });
    open();
    await stopping;
    expect(await fireAt(w, job.id, '2026-11-23T18:30:00Z')).toMatchObject({ status: 'success' });
  });

  it('queue: a held-back fire whose job is deactivated frees the slot for the next one', async () => {
    const w = world('2026-11-23T18:29:00Z');
    await updateScheduleSettings(
      w,
      { overlap: 'queue', queueMaxMinutes: 30 },
      { actor: 'cli:tester' },
    );
    const first = await w.job({ cron: '30 18 * * *' });
    const second = await w.job({ cron: '40 18 * * *' });
    const other = await holdPipeline(w);
    const s = w.scheduler();
    w.clock.set('2026-11-23T18:30:00Z');
    await s.tick(); // first's fire waits
    await setJobActive({ store: w.store, clock: w.clock }, first.id, false, {
      actor: 'cli:tester',
    });
    w.clock.set('2026-11-23T18:40:00Z');
    await other.lease.renew();
    await s.tick(); // second's fire must wait too, not be skipped
    expect(await fireAt(w, second.id, '2026-11-23T18:40:00Z')).toBeNull();
    await other.lease.release();
    w.clock.advance(60_000);
    await s.tick();
    await s.idle();
    expect(await fireAt(w, second.id, '2026-11-23T18:40:00Z')).toMatchObject({ status: 'success' });
    expect(await fireAt(w, first.id, '2026-11-23T18:30:00Z')).toBeNull(); // inactive: no record
  });

  it('cancel next after an outage cancels the next fire to come, not one long past', async () => {
    const w = world('2026-11-23T12:00:00Z'); // Monday; no scheduler runs until Wednesday
    const job = await w.job({ cron: '30 18 * * *' });
    w.clock.set('2026-11-25T12:00:00Z');
    const { cancelled } = await runJobNow(
      w,
      job.id,
      { cancelNext: true, run: w.runNowWith() },
      { actor: 'cli:tester' },
    );
    expect(cancelled).toBe('2026-11-25T18:30:00.000Z');
  });

  it('cancel next passes over a holiday (that fire would not run) and cancels the one after', async () => {
    const w = world('2026-11-23T12:00:00Z'); // Monday
    const job = await w.job({ cron: '30 18 * * *', holidays: ['2026-11-23'] });
    const { cancelled } = await runJobNow(
      w,
      job.id,
      { cancelNext: true, run: w.runNowWith() },
      { actor: 'cli:tester' },
    );
    expect(cancelled).toBe('2026-11-24T18:30:00.000Z');
    expect(await fireAt(w, job.id, '2026-11-23T18:30:00Z')).toBeNull();
  });

  it('the dead-man check raises one alert per business day, only without a successful run by the deadline', async () => {
    const w = world('2026-11-23T18:01:00Z');
    await updateScheduleSettings(
      w,
      {
        deadMan: {
          by: '18:00',
          timezone: 'Europe/London',
          days: ['MON', 'TUE', 'WED', 'THU', 'FRI'],
        },
      },
      { actor: 'cli:tester' },
    );
    const settings = {
      overlap: 'skip' as const,
      queueMaxMinutes: 30,
      latenessMinutes: 2,
      deadMan: {
        by: '18:00',
        timezone: 'Europe/London',
        days: ['MON', 'TUE', 'WED', 'THU', 'FRI'] as ('MON' | 'TUE' | 'WED' | 'THU' | 'FRI')[],
      },
    };
    const first = await checkDeadMan(w.store, w.clock, settings, 'a');
    const second = await checkDeadMan(w.store, w.clock, settings, 'b');
    expect(first).toMatchObject({ state: 'alert', raised: true, date: '2026-11-23' });
    expect(second).toMatchObject({ state: 'alert', raised: false });
    // Tuesday: a run succeeds at 17:00, so 18:01 is fine.
    w.clock.set('2026-11-24T17:00:00Z');
    await runAutomation(
      { store: w.store, clock: w.clock, ids: w.ids },
      {
        trigger: 'cli',
        businessDate: '2026-11-24',
        inputs: [{ origin: 'source', processingType: 'AUTOMATED', records }],
      },
    );
    expect(await checkDeadMan(w.store, w.clock, settings, 'a')).toMatchObject({ state: 'waiting' });
    w.clock.set('2026-11-24T18:01:00Z');
    expect(await checkDeadMan(w.store, w.clock, settings, 'a')).toMatchObject({ state: 'ok' });
    // Saturday is not a business day.
    w.clock.set('2026-11-28T20:00:00Z');
    expect(await checkDeadMan(w.store, w.clock, settings, 'a')).toMatchObject({ state: 'waiting' });
  });
});

describe('jobs', () => {
  it('an inactive job can be edited, activated and deactivated; a stale version is refused', async () => {
    const w = world();
    const deps = { store: w.store, clock: w.clock };
    const job = await w.job({ cron: '30 18 * * MON-FRI', active: false });
    const edited = await updateJob(
      deps,
      job.id,
      { schedule: { time: '19:00', days: ['MON'] } },
      { actor: 'cli:tester', expectedVersion: job.version },
    );
    expect(edited).toMatchObject({ cron: '0 19 * * MON', version: 2, active: false });
    const active = await setJobActive(deps, job.id, true, {
      actor: 'cli:tester',
      expectedVersion: 2,
    });
    expect(active).toMatchObject({ active: true, version: 3 });
    const stale = await updateJob(
      deps,
      job.id,
      { name: 'late' },
      { actor: 'cli:tester', expectedVersion: 2 },
    ).catch((e) => e);
    expect(isMarketPulseError(stale, 'CONFLICT')).toBe(true);
    expect(stale.message).toMatch(/version 3, not 2/);
    expect((await getJob(w.store, job.id)).name).toBe('close');
    expect(await setJobActive(deps, job.id, false, { actor: 'cli:tester' })).toMatchObject({
      active: false,
      version: 4,
    });
  });

  it('refuses an invalid cron or zone with the reason, and stores nothing', async () => {
    const w = world();
    await expect(w.job({ cron: '0 0 30 2 *' })).rejects.toThrow(/can never fire/);
    await expect(w.job({ cron: '0 0 * * *', timezone: 'Mars/Olympus' })).rejects.toThrow(
      /unknown time zone "Mars\/Olympus"/,
    );
    await expect(
      w.job({ cron: '0 0 * * *', schedule: { time: '18:00', days: ['MON'] } }),
    ).rejects.toThrow(/not both/);
    const keys: string[] = [];
    for await (const o of w.store.list('jobs/')) keys.push(o.key);
    expect(keys).toEqual([]);
  });
});

describe('projections', () => {
  it('the next run across active jobs, with seconds to go, past a cancelled fire', async () => {
    const w = world('2026-11-23T18:00:00Z');
    const a = await w.job({ cron: '30 18 * * *' });
    await w.job({ cron: '45 18 * * *' });
    await w.job({ cron: '0 18 * * *', active: false });
    expect(await nextRun(w.store, w.clock)).toMatchObject({
      jobId: a.id,
      at: '2026-11-23T18:30:00.000Z',
      secondsToGo: 1800,
    });
    await runJobNow(w, a.id, { cancelNext: true, run: w.runNowWith() }, { actor: 'cli:tester' });
    expect(await nextRun(w.store, w.clock)).toMatchObject({
      at: '2026-11-23T18:45:00.000Z',
      secondsToGo: 2700,
    });
  });

  it('the calendar: past fires with their statuses, future fires with skip markers', async () => {
    const w = world('2026-11-23T18:00:00Z');
    const job = await w.job({ cron: '30 18 * * *', holidays: ['2026-11-26'] });
    const s = w.scheduler();
    await tickAt(w, s, '2026-11-23T18:30:00Z');
    await runJobNow(w, job.id, { cancelNext: true, run: w.runNowWith() }, { actor: 'cli:tester' });
    const calendar = await scheduleCalendar(w.store, w.clock, {
      fromMs: Date.parse('2026-11-23T00:00:00Z'),
      toMs: Date.parse('2026-11-27T00:00:00Z'),
    });
    expect(
      calendar.map((e) => [
        e.at.slice(0, 10),
        e.kind,
        e.kind === 'past' ? e.desk : (e.skip?.reason ?? 'runs'),
      ]),
    ).toEqual([
      ['2026-11-23', 'past', 'success'],
      ['2026-11-24', 'future', 'override'],
      ['2026-11-25', 'future', 'runs'],
      ['2026-11-26', 'future', 'holiday'],
    ]);
  });
});
