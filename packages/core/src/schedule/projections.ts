import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import { isHolidayFire } from './due-fires.js';
import {
  type DeskStatus,
  deskStatusOfFire,
  type FireRecord,
  listFires,
  readFire,
} from './fire-record.js';
import { firesAfter } from './fire-times.js';
import type { Job } from './job.js';
import { listJobs } from './job-store.js';

/** The next fire that will really run, across active jobs (see {@link nextRun}). */
export interface NextRun {
  jobId: string;
  jobName: string;
  /** The job's IANA time zone, to show `at` as the desk reads it. */
  timezone: string;
  /** UTC ISO instant. */
  at: string;
  secondsToGo: number;
}

/** Fires of a job after `afterMs` that will really run: not on a holiday, not already skipped. */
async function* runnableFires(store: ObjectStore, job: Job, afterMs: number) {
  let looked = 0;
  for (const at of firesAfter(job, afterMs)) {
    if (++looked > 1000) return;
    if (isHolidayFire(job, at)) continue;
    const record = await readFire(store, job.id, at);
    if (record && record.status !== 'running') continue; // cancelled ahead of time
    yield at;
  }
}

/** The next run across active jobs, with seconds to go (`null` when no job is active). */
export async function nextRun(store: ObjectStore, clock: Clock): Promise<NextRun | null> {
  const nowMs = clock.now().getTime();
  let best: NextRun | null = null;
  for (const job of await listJobs(store)) {
    if (!job.active) continue;
    for await (const at of runnableFires(store, job, nowMs)) {
      if (!best || at < Date.parse(best.at))
        best = {
          jobId: job.id,
          jobName: job.name,
          timezone: job.timezone,
          at: new Date(at).toISOString(),
          secondsToGo: Math.ceil((at - nowMs) / 1000),
        };
      break;
    }
  }
  return best;
}

/**
 * One line of the schedule calendar (see {@link scheduleCalendar}): a past fire with its record
 * and desk status, or a future fire, marked when it will not run.
 */
export type CalendarEntry =
  | {
      kind: 'past';
      jobId: string;
      at: string;
      status: FireRecord['status'];
      desk: DeskStatus;
      record: FireRecord;
    }
  | {
      kind: 'future';
      jobId: string;
      at: string;
      /** A future fire that will not run, and why (holiday, or cancelled by an override run). */
      skip?: { reason: string; overrideRunId?: number };
    };

/**
 * The calendar of `[fromMs, toMs]` (SPEC §5): past fire records with their statuses, future fires
 * of active jobs with skip markers; by time, at most `limit` entries.
 */
export async function scheduleCalendar(
  store: ObjectStore,
  clock: Clock,
  range: { fromMs: number; toMs: number; jobId?: string; limit?: number },
): Promise<CalendarEntry[]> {
  const nowMs = clock.now().getTime();
  const limit = range.limit ?? 5000;
  const entries: CalendarEntry[] = [];
  for (const job of await listJobs(store)) {
    if (range.jobId !== undefined && job.id !== range.jobId) continue;
    const records = await listFires(store, job.id, { fromMs: range.fromMs, toMs: range.toMs });
    for (const record of records) {
      if (Date.parse(record.nominal) > nowMs) {
        // Decided ahead of time: a fire cancelled by "run now and cancel next".
        entries.push({
          kind: 'future',
          jobId: job.id,
          at: record.nominal,
          skip: {
            reason: record.reason ?? record.status,
            ...(record.overrideRunId ? { overrideRunId: record.overrideRunId } : {}),
          },
        });
        continue;
      }
      entries.push({
        kind: 'past',
        jobId: job.id,
        at: record.nominal,
        status: record.status,
        desk: deskStatusOfFire(record),
        record,
      });
    }
    if (!job.active || range.toMs <= nowMs) continue;
    const decided = new Set(records.map((r) => Date.parse(r.nominal)));
    let count = 0;
    for (const at of firesAfter(job, Math.max(nowMs, range.fromMs - 1))) {
      if (at > range.toMs || ++count > limit) break;
      if (decided.has(at)) continue;
      entries.push({
        kind: 'future',
        jobId: job.id,
        at: new Date(at).toISOString(),
        ...(isHolidayFire(job, at) ? { skip: { reason: 'holiday' } } : {}),
      });
    }
  }
  entries.sort((a, b) => a.at.localeCompare(b.at) || a.jobId.localeCompare(b.jobId));
  return entries.slice(0, limit);
}
