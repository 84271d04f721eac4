import type { z } from 'zod';
import type { ChangeContext, VersionedChange } from '../changes/change-context.js';
import { MarketPulseError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import { listRules } from '../rules/rule-store.js';
import { allocateNumber } from '../store/counter.js';
import { createDocument, readDocument, updateDocument } from '../store/json-document.js';
import { JOB_ID_COUNTER, JOBS_PREFIX, jobKey, jobStateKey } from '../store/layout.js';
import { cronOfDeskForm } from './desk-form.js';
import { type Job, type JobFields, jobFieldsSchema, jobSchema } from './job.js';
import { claimJobName, releaseJobName, sameJobName } from './job-names.js';

/** What creating and changing jobs needs: the store, a clock for timestamps, the default zone. */
export interface JobStoreDependencies {
  store: ObjectStore;
  clock: Clock;
  /** The zone of a job created without one (configuration). */
  defaultTimeZone?: string;
}

/**
 * What a caller gives to create or change a job: the crontab, or the desk form
 * `{ time: '18:30', days: ['MON', …] }` from which it is derived. `rules` may name rules by name
 * or id (case-insensitive names); they are stored as ids.
 */
export type JobInput = Partial<JobFields> & { schedule?: { time: string; days: string[] } };

const DEFAULTS = { active: true, graceMinutes: 60 };

function invalid(issues: z.core.$ZodIssue[]): MarketPulseError {
  return new MarketPulseError(
    'VALIDATION_ERROR',
    `invalid job: ${issues.map((i) => `${i.path.join('.') || 'job'}: ${i.message}`).join('; ')}`,
    { details: { issues } },
  );
}

/** Fields from an input, merged over `base`; the desk form becomes the crontab. */
function fieldsOf(input: JobInput, base: Partial<JobFields>): JobFields {
  const { schedule, ...rest } = input;
  if (schedule !== undefined && rest.cron !== undefined)
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      'give either a cron expression or a schedule, not both',
    );
  const merged = { ...base, ...rest, ...(schedule ? { cron: cronOfDeskForm(schedule) } : {}) };
  const parsed = jobFieldsSchema.strict().safeParse(merged);
  if (!parsed.success) throw invalid(parsed.error.issues);
  return parsed.data;
}

/**
 * The ids of the rules `refs` name (an id, or a name compared case-insensitively), in order,
 * without repeats; VALIDATION_ERROR naming each one that matches no stored rule.
 */
export async function resolveRuleRefs(
  store: ObjectStore,
  refs: readonly string[],
): Promise<string[]> {
  const rules = await listRules(store);
  const ids: string[] = [];
  const unknown: string[] = [];
  for (const ref of refs) {
    const key = ref.trim().toLowerCase();
    const rule =
      rules.find((r) => r.id === ref.trim()) ??
      rules.find((r) => r.name.trim().toLowerCase() === key);
    if (!rule) unknown.push(ref);
    else if (!ids.includes(rule.id)) ids.push(rule.id);
  }
  if (unknown.length > 0)
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `no rule is named ${unknown.map((u) => `"${u}"`).join(', ')} (a job's rules are rule names or ids)`,
      { details: { field: 'rules', unknown } },
    );
  return ids;
}

/** The input with its rule names resolved to ids. */
async function withRuleIds(store: ObjectStore, input: JobInput): Promise<JobInput> {
  return input.rules ? { ...input, rules: await resolveRuleRefs(store, input.rules) } : input;
}

/** Every stored job, by id. */
export async function listJobs(store: ObjectStore): Promise<Job[]> {
  const jobs: Job[] = [];
  for await (const { key } of store.list(JOBS_PREFIX)) {
    if (!key.endsWith('.json')) continue;
    const doc = await readDocument(store, key, jobSchema);
    if (doc) jobs.push(doc.value);
  }
  return jobs.sort((a, b) => Number(a.id) - Number(b.id) || a.id.localeCompare(b.id));
}

/** One job; NOT_FOUND when there is none. */
export async function getJob(store: ObjectStore, id: string): Promise<Job> {
  const doc = await readDocument(store, keyOfJob(id), jobSchema);
  if (!doc) throw new MarketPulseError('NOT_FOUND', `no job ${id}`, { details: { id } });
  return doc.value;
}

/** The key of a job; an id that cannot be one (e.g. typed wrong on the CLI) is simply not found. */
function keyOfJob(id: string): string {
  if (!/^[a-z0-9-]+$/.test(id))
    throw new MarketPulseError('NOT_FOUND', `no job ${id}`, { details: { id } });
  return jobKey(id);
}

/**
 * Creates a job (active unless told otherwise; default zone and a 60-minute grace window),
 * recording who created it.
 */
export async function createJob(
  deps: JobStoreDependencies,
  input: JobInput,
  change: ChangeContext,
): Promise<Job> {
  const fields = fieldsOf(await withRuleIds(deps.store, input), {
    ...DEFAULTS,
    ...(deps.defaultTimeZone ? { timezone: deps.defaultTimeZone } : {}),
  });
  const stored = await listJobs(deps.store);
  const id = String(await allocateNumber(deps.store, JOB_ID_COUNTER));
  await claimJobName(deps, fields.name, id, stored);
  const now = deps.clock.now().toISOString();
  const job: Job = {
    ...fields,
    id,
    version: 1,
    createdAt: now,
    createdBy: change.actor,
    updatedAt: now,
    updatedBy: change.actor,
    ...(fields.active ? { activatedAt: now } : {}),
    scheduleChangedAt: now,
  };
  try {
    await createDocument(deps.store, jobKey(id), jobSchema.parse(job));
  } catch (err) {
    await releaseJobName(deps.store, fields.name, id);
    throw err;
  }
  return job;
}

function checkVersion(job: Job, expectedVersion: number | undefined): void {
  if (expectedVersion !== undefined && job.version !== expectedVersion) {
    throw new MarketPulseError(
      'CONFLICT',
      `job ${job.id} is at version ${job.version}, not ${expectedVersion}: it changed since you read it; reload and retry`,
      { details: { id: job.id, version: job.version, expectedVersion, reason: 'stale-version' } },
    );
  }
}

/**
 * Changes a job — active or not. With `expectedVersion`, a job changed since it was read is
 * refused (CONFLICT), never overwritten. A new crontab, zone or holiday list restarts the job's
 * evaluation from now; activation does too (fires of inactive periods are never reported).
 * `change.actor` is recorded as the job's `updatedBy`.
 */
export async function updateJob(
  deps: JobStoreDependencies,
  id: string,
  input: JobInput,
  change: VersionedChange,
): Promise<Job> {
  const before = await getJob(deps.store, id);
  input = await withRuleIds(deps.store, input);
  const newName =
    input.name !== undefined && !sameJobName(input.name, before.name) ? input.name : undefined;
  if (newName !== undefined) await claimJobName(deps, newName, id, await listJobs(deps.store));
  let updated: Job;
  try {
    updated = await changeJob(deps, id, input, change);
  } catch (err) {
    if (newName !== undefined) await releaseJobName(deps.store, newName, id);
    throw err;
  }
  if (newName !== undefined) await releaseJobName(deps.store, before.name, id);
  return updated;
}

async function changeJob(
  deps: JobStoreDependencies,
  id: string,
  input: JobInput,
  change: VersionedChange,
): Promise<Job> {
  const { value } = await updateDocument(deps.store, keyOfJob(id), jobSchema, (current) => {
    if (!current) throw new MarketPulseError('NOT_FOUND', `no job ${id}`, { details: { id } });
    checkVersion(current, change.expectedVersion);
    const {
      id: _i,
      version,
      createdAt,
      createdBy,
      updatedAt: _u,
      updatedBy: _ub,
      activatedAt,
      scheduleChangedAt,
      ...old
    } = current;
    const fields = fieldsOf(input, old);
    const now = deps.clock.now().toISOString();
    const scheduleChanged =
      fields.cron !== old.cron ||
      fields.timezone !== old.timezone ||
      JSON.stringify(fields.holidays ?? []) !== JSON.stringify(old.holidays ?? []);
    const activated = fields.active && !old.active;
    return {
      ...fields,
      id,
      version: version + 1,
      createdAt,
      ...(createdBy !== undefined ? { createdBy } : {}),
      updatedAt: now,
      updatedBy: change.actor,
      ...(activated ? { activatedAt: now } : activatedAt ? { activatedAt } : {}),
      scheduleChangedAt: scheduleChanged ? now : scheduleChangedAt,
    };
  });
  return value as Job;
}

/** Activates or deactivates a job, recording who did (CONFLICT, reason `unchanged`, when it already is). */
export async function setJobActive(
  deps: JobStoreDependencies,
  id: string,
  active: boolean,
  change: VersionedChange,
): Promise<Job> {
  const job = await getJob(deps.store, id);
  if (job.active === active)
    throw new MarketPulseError(
      'CONFLICT',
      `job ${id} is already ${active ? 'active' : 'inactive'}`,
      { details: { id, reason: 'unchanged' } },
    );
  return updateJob(
    deps,
    id,
    { active },
    { actor: change.actor, expectedVersion: change.expectedVersion ?? job.version },
  );
}

/**
 * Deletes a job (its fire records stay, as history). `change.actor` is who deleted it — nothing
 * keeps it until the audit log lands (SPEC §7), which records it from the same argument.
 */
export async function deleteJob(
  deps: JobStoreDependencies,
  id: string,
  change: VersionedChange,
): Promise<Job> {
  const stored = await readDocument(deps.store, keyOfJob(id), jobSchema);
  if (!stored) throw new MarketPulseError('NOT_FOUND', `no job ${id}`, { details: { id } });
  checkVersion(stored.value, change.expectedVersion);
  try {
    await deps.store.delete(jobKey(id), { ifMatch: stored.etag });
  } catch (err) {
    throw new MarketPulseError(
      'CONFLICT',
      `job ${id} changed while deleting it; reload and retry`,
      {
        cause: err,
        details: { id, reason: 'stale-version' },
      },
    );
  }
  await deps.store.delete(jobStateKey(id)).catch(() => undefined);
  await releaseJobName(deps.store, stored.value.name, id);
  return stored.value;
}
