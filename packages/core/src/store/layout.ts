// Every key Market Pulse keeps in the store, in one place (DESIGN §2): a newcomer reads here what
// the store holds, and a change of layout is a change of this file. Keys are plain `[a-z0-9._/-]`
// strings; numbers are zero-padded so that key order is numeric order.
import { ROW_FORMAT, type RowFormat } from './row-partition.js';

/** The RUN_ID counter: monotonic, never reused, even when a run fails (SPEC §4). */
export const RUN_ID_COUNTER = 'counters/run-id.json';
/** The job id counter. */
export const JOB_ID_COUNTER = 'counters/job-id.json';

/** The pipeline lease: one run at a time across every process on the store. */
export const PIPELINE_LEASE = 'locks/pipeline.json';
/** The standing-exports lease: one refresh at a time across every process on the store. */
export const EXPORTS_LEASE = 'locks/exports.json';

/**
 * The store's format version (issue 15): absent in stores from before it (format 1: plain JSON
 * lines, a view copying its rows), 2 since. Written by the first run of a new store and by
 * `store migrate`; runs refuse a store in format 1 until it is migrated.
 */
export const STORE_FORMAT = 'store/format.json';

/** The exclusion rules (one document, compare-and-swapped). */
export const RULES_DOCUMENT = 'config/rules.json';
/**
 * The column configuration (SPEC §1.1), versioned; absent in a store that never changed it, which
 * then uses the default columns (no migration).
 */
export const COLUMN_CONFIG = 'config/columns.json';
/** Schedule settings shared by every job (dead-man deadline, overlap policy, …). */
export const SCHEDULE_SETTINGS = 'config/schedule.json';

/** The last successful run and its source's hash, for the unchanged-source guard. */
export const RUN_INDEX = 'runs/index.json';
/** Every run's objects are under this prefix, one folder per zero-padded RUN_ID. */
export const RUNS_PREFIX = 'runs/';
const runDir = (runId: number) => `${RUNS_PREFIX}${String(runId).padStart(10, '0')}`;
/** The RUN_ID whose objects a key holds (`runs/0000000007/…` → 7); undefined for other keys. */
export function runIdOfKey(key: string): number | undefined {
  const match = /^runs\/(\d{10})\//.exec(key);
  return match ? Number(match[1]) : undefined;
}
/** A `list` bound past every key of run `runId` and of the runs before it ('~' sorts after them). */
export const afterRunKeys = (runId: number) => `${runDir(runId)}/~`;

/** The objects of one run. */
export const runKeys = (runId: number) => ({
  /** Written when the run starts; names its lease holder, so a dead run can be declared failed. */
  running: `${runDir(runId)}/running.json`,
  /**
   * One partition of the run's output rows, numbered from 0, in the run's row format (the commit
   * record names it): `.jsonl.zlib` (compressed JSON lines), `.jsonl` before issue 15.
   */
  rowsPart: (part: number, format: RowFormat = ROW_FORMAT) =>
    `${runDir(runId)}/rows/${String(part).padStart(5, '0')}.${format}`,
  /** The excluded rows as stored before issue 15 (plain JSON lines). */
  excluded: `${runDir(runId)}/excluded.jsonl`,
  /** The run's excluded rows, in the run's row format (`excluded.jsonl.zlib`). */
  excludedRows: (format: RowFormat = ROW_FORMAT) => `${runDir(runId)}/excluded.${format}`,
  rowErrors: `${runDir(runId)}/row-errors.json`,
  /** The run exists exactly when this exists (SPEC §4). */
  commit: `${runDir(runId)}/commit.json`,
  /** Hidden or visible (hide/restore); absent means visible. */
  visibility: `${runDir(runId)}/visibility.json`,
});

/** The upload buffer: one folder per upload, and the by-hash index of duplicates. */
export const UPLOADS_PREFIX = 'uploads/';
/** The objects of one upload in the buffer. */
export const uploadKeys = (id: string) => ({
  meta: `${UPLOADS_PREFIX}${id}/upload.json`,
  original: `${UPLOADS_PREFIX}${id}/original`,
  records: `${UPLOADS_PREFIX}${id}/records.jsonl`,
  cancelled: `${UPLOADS_PREFIX}${id}/cancelled.json`,
  /** Which run consumed it: a hint, always checked against that run's commit record. */
  consumed: `${UPLOADS_PREFIX}${id}/consumed.json`,
  /**
   * How far the commit records were read without finding a run that consumed it (a cancelled
   * upload): the next scan for it starts after that run.
   */
  unconsumed: `${UPLOADS_PREFIX}${id}/unconsumed.json`,
});
/** The upload holding a content hash (duplicate uploads). */
export const uploadHashKey = (contentHash: string) =>
  `${UPLOADS_PREFIX}by-hash/${contentHash}.json`;

/** The current view's manifest: its data version and its index (or parts, before issue 15). */
export const CURRENT_VIEW_MANIFEST = 'views/current.json';
/** The objects of the current view, by version (a superseded version's are deleted). */
export const CURRENT_VIEW_PREFIX = 'views/current/';
/** The view version a part's key belongs to (`views/current/v00000003/…` → 3). */
export function viewVersionOfKey(key: string): number | undefined {
  const match = /^views\/current\/v(\d{8})\//.exec(key);
  return match ? Number(match[1]) : undefined;
}
/**
 * The index of one version of the current view: per visible run, the CUSIPs whose rows the view
 * takes from it (compressed JSON lines). The rows stay in the runs' partitions.
 */
export const currentViewIndexKey = (version: number) =>
  `${CURRENT_VIEW_PREFIX}v${String(version).padStart(8, '0')}/index.jsonl.zlib`;
/** One part of one version of the current view, as stored before issue 15 (a copy of its rows). */
export const currentViewPartKey = (version: number, part: number) =>
  `${CURRENT_VIEW_PREFIX}v${String(version).padStart(8, '0')}/${String(part).padStart(5, '0')}.jsonl`;

/** The stored jobs, one document each. */
export const JOBS_PREFIX = 'jobs/';
/** One stored job. */
export const jobKey = (jobId: string) => `${JOBS_PREFIX}${jobId}.json`;
/**
 * The claim on a job name (names are unique, case-insensitive): `nameKey` is a hash of the
 * normalised name, so any name maps to plain key characters.
 */
export const jobNameKey = (nameKey: string) => `schedule/job-names/${nameKey}.json`;
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
/** The fire records of one job, in time order. */
export const firePrefix = (jobId: string) => `fires/${jobId}/`;
/** A fire record, keyed by (job, nominal UTC time): creating it is the claim. */
export const fireKey = (jobId: string, nominalMs: number) =>
  `${firePrefix(jobId)}${fireStamp(nominalMs)}.json`;

/** The schedulers' heartbeats, one document per scheduler instance. */
export const HEARTBEATS_PREFIX = 'schedule/heartbeats/';
/** One scheduler instance's last heartbeat. */
export const heartbeatKey = (instanceId: string) => `${HEARTBEATS_PREFIX}${instanceId}.json`;
/** The raised dead-man alerts, one per business date. */
export const DEAD_MAN_PREFIX = 'alerts/dead-man/';
/** The dead-man alert of one business date (`YYYY-MM-DD`): creating it raises the alert once. */
export const deadManKey = (date: string) => `${DEAD_MAN_PREFIX}${date}.json`;

/** Accounts, one document each, keyed by the id derived from the email (`userIdOf`). */
export const USERS_PREFIX = 'accounts/users/';
/** One account. */
export const userKey = (userId: string) => `${USERS_PREFIX}${userId}.json`;
/** API keys of service accounts, one document each (the secret stored hashed). */
export const API_KEYS_PREFIX = 'accounts/api-keys/';
/** One API key. */
export const apiKeyKey = (keyId: string) => `${API_KEYS_PREFIX}${keyId}.json`;
/** Which sectors each asset class holds (compare-and-swapped, one document). */
export const ENTITLEMENTS_DOCUMENT = 'accounts/entitlements.json';
/** Which columns each CLO type sees (compare-and-swapped, one document; absent: the defaults). */
export const CLO_MAPPINGS_DOCUMENT = 'accounts/clo-mappings.json';
/** Sign-in sessions: one refresh-token family each (the tokens stored hashed). */
export const SESSIONS_PREFIX = 'accounts/sessions/';
/** One session. */
export const sessionKey = (sessionId: string) => `${SESSIONS_PREFIX}${sessionId}.json`;
/** The access tokens' signing key, generated once when none is configured. */
export const TOKEN_KEY_DOCUMENT = 'accounts/token-key.json';
/** The first implementation's permissions file (plain JSON, no envelope): imported and synced. */
export const LEGACY_PERMISSIONS = 'permissions/user_permissions.json';
/** Rate-limit counters, one document per (limit, subject) — shared by every replica. */
export const RATE_LIMITS_PREFIX = 'limits/';
/** The counter of one subject (hashed: an email or address never appears in a key) under one limit. */
export const rateLimitKey = (limit: string, subjectHash: string) =>
  `${RATE_LIMITS_PREFIX}${limit}/${subjectHash}.json`;
/** The pending password reset of an account (one at a time: a new request replaces it). */
export const passwordResetKey = (userId: string) => `accounts/resets/${userId}.json`;
/** Idempotency keys of requests (uploads, run now), by scope and a hash of the key. */
export const IDEMPOTENCY_PREFIX = 'idempotency/';
/** The record of one idempotency key: creating it claims the key. */
export const idempotencyKey = (scope: string, keyHash: string) =>
  `${IDEMPOTENCY_PREFIX}${scope}/${keyHash}.json`;
