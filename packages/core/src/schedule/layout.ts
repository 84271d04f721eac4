// Where scheduling keeps its objects in the store (one place, DESIGN §2).

export const JOB_ID_COUNTER = 'counters/job-id.json';
export const JOBS_PREFIX = 'jobs/';
export const SCHEDULE_SETTINGS = 'config/schedule.json';

export const jobKey = (jobId: string) => `${JOBS_PREFIX}${jobId}.json`;

/** Per job: how far the schedulers have evaluated it, and a retry waiting to start. */
export const jobStateKey = (jobId: string) => `schedule/state/${jobId}.json`;

/** `2026-03-13T18:30:00.000Z` → `20260313t183000z`: sorts by time, plain key characters. */
export function fireStamp(nominalMs: number): string {
  return new Date(nominalMs)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'z')
    .replace(/[-:]/g, '')
    .toLowerCase();
}

export const firePrefix = (jobId: string) => `fires/${jobId}/`;
/** A fire record, keyed by (job, nominal UTC time): creating it is the claim. */
export const fireKey = (jobId: string, nominalMs: number) =>
  `${firePrefix(jobId)}${fireStamp(nominalMs)}.json`;

export const heartbeatKey = (instanceId: string) => `schedule/heartbeats/${instanceId}.json`;
export const HEARTBEATS_PREFIX = 'schedule/heartbeats/';
export const deadManKey = (date: string) => `alerts/dead-man/${date}.json`;
export const DEAD_MAN_PREFIX = 'alerts/dead-man/';

/** The failpoints of the scheduler's protocol, in order (a fire's life). */
export const FIRE_STEPS = [
  'fire.after-lease',
  'fire.after-claim',
  'fire.after-run',
  'fire.after-settle',
] as const;
export type FireStep = (typeof FIRE_STEPS)[number];
