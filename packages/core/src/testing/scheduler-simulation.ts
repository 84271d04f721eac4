import { MarketPulseError } from '../errors.js';
import type { Failpoints } from '../ports/failpoints.js';
import type { ObjectStore } from '../ports/object-store.js';
import { runAutomation } from '../run/run-automation.js';
import { runningRecordSchema, runRecordSchema } from '../run/run-record.js';
import { RUN_STEPS } from '../run/run-steps.js';
import { generateColors } from '../sample/index.js';
import { type FireRecord, listFires, readFire } from '../schedule/fire-record.js';
import { FIRE_STEPS } from '../schedule/fire-steps.js';
import { firesBetween } from '../schedule/fire-times.js';
import { createJob } from '../schedule/job-store.js';
import { createScheduler, type Scheduler } from '../schedule/scheduler.js';
import { readNumber } from '../store/counter.js';
import { readDocument } from '../store/json-document.js';
import { RUN_ID_COUNTER, runKeys } from '../store/layout.js';
import { createManualClock } from './manual-clock.js';

/** The store, seed and size of a {@link simulateSchedulers} run. */
export interface SimulationOptions {
  /**
   * A fresh store shared by every simulated scheduler. (The simulation kills processes, not
   * machines: a filesystem store may skip fsync here.)
   */
  store: ObjectStore;
  /** Seeds every random choice: a failing seed replays exactly. */
  seed: number;
  /** Simulate until at least this many fires have come due (across the jobs). */
  fires: number;
  /** Schedulers running at once (default 3). */
  instances?: number;
}

/** What a simulation saw; it passed when `violations` is empty. */
export interface SimulationReport {
  fires: number;
  /** Fire records by status. */
  statuses: Record<string, number>;
  runs: number;
  kills: number;
  pauses: number;
  restarts: number;
  /** Each a broken promise: a fire without exactly one terminal record, a fire run twice, … */
  violations: string[];
}

const STEPS = [...FIRE_STEPS, ...RUN_STEPS];
const TERMINAL = new Set(['success', 'failed', 'skipped', 'missed']);

/** Seeded pseudo-random numbers (mulberry32): a failing seed replays exactly. */
function randomOf(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A store that stops working when its process is "killed": a dead process writes nothing more. */
function killableStore(store: ObjectStore, isDead: () => boolean): ObjectStore {
  const check = () => {
    if (isDead()) throw new Error('killed');
  };
  return {
    async get(key) {
      check();
      return store.get(key);
    },
    async put(key, body, cond) {
      check();
      return store.put(key, body, cond);
    },
    async delete(key, cond) {
      check();
      return store.delete(key, cond);
    },
    async *list(prefix, opts) {
      check();
      yield* store.list(prefix, opts);
    },
  };
}

interface Instance {
  id: string;
  scheduler: Scheduler;
  state: 'up' | 'paused' | 'dead';
  /** Armed: crash or pause at this step. */
  armed?: { step: string; action: 'kill' | 'pause' };
  resume?: () => void;
  /** Resolves when the instance pauses or dies (so the driver never waits on it forever). */
  stalled: Promise<void>;
  stall: () => void;
}

/**
 * The exactly-once simulation of SPEC §5: several schedulers on one store, a manual clock advanced
 * over many fires, instances randomly paused (inside any protocol step), killed (at any failpoint)
 * and restarted. Returns what it saw and every violation of "each fire has exactly one terminal
 * record and no run happens twice".
 */
export async function simulateSchedulers(options: SimulationOptions): Promise<SimulationReport> {
  const random = randomOf(options.seed);
  const shared = options.store;
  const clock = createManualClock('2026-11-23T00:00:10Z');
  let nextId = 0;
  const ids = { nextId: () => `sim-${++nextId}` };
  const records = generateColors({ rows: 6, seed: options.seed, businessDate: '2026-11-23' });
  const report: SimulationReport = {
    fires: 0,
    statuses: {},
    runs: 0,
    kills: 0,
    pauses: 0,
    restarts: 0,
    violations: [],
  };
  const TTL = 60_000;

  const job = (name: string, cron: string, timezone: string) =>
    createJob(
      { store: shared, clock },
      { name, cron, timezone, graceMinutes: 5 },
      { actor: 'cli:simulation' },
    );
  const jobs = [
    await job('every minute', '* * * * *', 'UTC'),
    await job('every 2 minutes, New York', '*/2 * * * *', 'America/New_York'),
    await job('every 3 minutes, Sydney', '*/3 * * * *', 'Australia/Sydney'),
  ];
  const startMs = clock.now().getTime();

  function spawn(id: string): Instance {
    const instance = { id, state: 'up' } as Instance;
    const reset = () => {
      instance.stalled = new Promise<void>((resolve) => {
        instance.stall = resolve;
      });
    };
    reset();
    const store = killableStore(shared, () => instance.state === 'dead');
    const failpoints: Failpoints = {
      hit(step) {
        if (instance.state === 'dead') throw new Error('killed');
        if (instance.armed?.step !== step) return;
        const { action } = instance.armed;
        instance.armed = undefined;
        if (action === 'kill') {
          instance.state = 'dead';
          report.kills++;
          instance.stall();
          throw new MarketPulseError('UNAVAILABLE', `killed at ${step}`);
        }
        instance.state = 'paused';
        report.pauses++;
        instance.stall();
        return new Promise<void>((resolve) => {
          instance.resume = () => {
            instance.state = 'up';
            reset();
            resolve();
          };
        });
      },
    };
    instance.scheduler = createScheduler({
      store,
      clock,
      ids,
      timers: { setTimeout: () => 0, clearTimeout: () => undefined },
      instanceId: id,
      leaseTtlMs: TTL,
      failpoints,
      runner: ({ trigger, jobId, fire, lease }) =>
        runAutomation(
          { store, clock, ids, failpoints, pipelineLease: lease, leaseTtlMs: TTL },
          {
            trigger,
            jobId,
            fire,
            businessDate: '2026-11-23',
            inputs: [{ origin: 'source', processingType: 'AUTOMATED', records }],
          },
        ),
    });
    return instance;
  }

  const count = options.instances ?? 3;
  let instances = Array.from({ length: count }, (_, i) => spawn(`s${i}-0`));
  let generation = 0;
  /** A new generation of a dead instance, on the same slot (`s1-0` → `s1-4`). */
  const respawn = (dead: Instance) => spawn(`${dead.id.split('-')[0]}-${++generation}`);
  let due = 0;
  let countedUntil = startMs;
  const dueSoFar = () => {
    for (const job of jobs)
      due += firesBetween(job, countedUntil, clock.now().getTime(), 100_000).length;
    countedUntil = clock.now().getTime();
    return due;
  };
  const settle = async (instance: Instance) => {
    await Promise.race([
      instance.scheduler
        .tick()
        .then(() => instance.scheduler.idle())
        .catch(() => undefined),
      instance.stalled,
    ]);
  };

  while (dueSoFar() < options.fires) {
    clock.advance(Math.floor(10_000 + random() * 35_000));
    const order = instances.slice().sort(() => random() - 0.5);
    for (const instance of order) {
      const roll = random();
      if (instance.state === 'dead') {
        if (roll < 0.3) {
          report.restarts++;
          instances = instances.map((i) => (i === instance ? respawn(instance) : i));
        }
        continue;
      }
      if (instance.state === 'paused') {
        if (roll < 0.25) instance.resume?.();
        else continue;
      }
      if (!instance.armed && roll > 0.9)
        instance.armed = {
          step: STEPS[Math.floor(random() * STEPS.length)] as string,
          action: random() < 0.5 ? 'kill' : 'pause',
        };
      await settle(instance);
    }
  }

  // Wind down: wake everyone (late wake-ups must change nothing), restart the dead, let leases
  // expire and the survivors recover and evaluate until every due fire is decided.
  for (const instance of instances) {
    instance.armed = undefined;
    if (instance.state === 'paused') instance.resume?.();
  }
  instances = instances.map((i) => (i.state === 'dead' ? respawn(i) : i));
  const endMs = clock.now().getTime();
  for (let round = 0; round < 6; round++) {
    for (const instance of instances) await settle(instance);
    clock.advance(TTL / 2 + 1);
  }

  // Check every promise.
  for (const job of jobs) {
    const expected = firesBetween(job, startMs, endMs, 100_000);
    report.fires += expected.length;
    const stored = await listFires(shared, job.id, { fromMs: startMs, toMs: endMs });
    const byNominal = new Map<number, FireRecord>();
    for (const fire of stored) byNominal.set(Date.parse(fire.nominal), fire);
    for (const at of expected) {
      const fire = byNominal.get(at);
      if (!fire)
        report.violations.push(`job ${job.id}: fire ${new Date(at).toISOString()} has no record`);
      else if (!TERMINAL.has(fire.status))
        report.violations.push(`job ${job.id}: fire ${fire.nominal} is still ${fire.status}`);
      else report.statuses[fire.status] = (report.statuses[fire.status] ?? 0) + 1;
    }
    const expectedSet = new Set(expected);
    for (const fire of stored)
      if (!expectedSet.has(Date.parse(fire.nominal)))
        report.violations.push(
          `job ${job.id}: record for a time that is not a fire: ${fire.nominal}`,
        );
  }
  const last = await readNumber(shared, RUN_ID_COUNTER);
  const runsByFire = new Map<string, number[]>();
  for (let id = 1; id <= last; id++) {
    const run = (await readDocument(shared, runKeys(id).commit, runRecordSchema))?.value;
    const running = (await readDocument(shared, runKeys(id).running, runningRecordSchema))?.value;
    if (!run) {
      if (running)
        report.violations.push(`run ${id} started and was never committed nor declared failed`);
      continue;
    }
    report.runs++;
    const fire = run.fire ?? running?.fire;
    const jobId = run.jobId ?? running?.jobId;
    if (!fire || !jobId) continue;
    const key = `${jobId}@${fire}`;
    runsByFire.set(key, [...(runsByFire.get(key) ?? []), id]);
    const record = await readFire(shared, jobId, Date.parse(fire));
    if (run.status === 'success' && (record?.status !== 'success' || record.runId !== id))
      report.violations.push(
        `run ${id} succeeded for ${key} but the fire says ${record?.status} (run ${record?.runId})`,
      );
  }
  for (const [key, runIds] of runsByFire)
    if (runIds.length > 1)
      report.violations.push(`fire ${key} ran ${runIds.length} times: runs ${runIds.join(', ')}`);
  return report;
}
