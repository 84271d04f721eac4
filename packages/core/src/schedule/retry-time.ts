import { type FireSchedule, nextFires } from './fire-times.js';
import type { Job } from './job.js';

const MINUTE = 60_000;

/** The part of a job its retries depend on: its schedule and its retry policy. */
export type RetryingJob = FireSchedule & Pick<Job, 'retry'>;

/**
 * When failed attempt number `attempt` of the fire at `nominalMs` is retried: `backoffMinutes`
 * after `nowMs`, doubling with each further attempt — or `undefined` when the job has no retries
 * left, or when its next fire comes by then (the next fire supersedes the retry).
 *
 * @example
 * ```ts
 * // retry: { count: 2, backoffMinutes: 5 }; a Mon–Fri 18:30 job whose Monday fire failed at 18:31
 * retryTime(job, Date.parse('2026-11-23T18:30:00Z'), 1, Date.parse('2026-11-23T18:31:00Z'));
 * // Date.parse('2026-11-23T18:36:00Z'); attempt 2 → 18:41 (10 minutes); attempt 3 → undefined
 * ```
 */
export function retryTime(
  job: RetryingJob,
  nominalMs: number,
  attempt: number,
  nowMs: number,
): number | undefined {
  if (!job.retry || attempt > job.retry.count) return undefined;
  const at = nowMs + job.retry.backoffMinutes * MINUTE * 2 ** (attempt - 1);
  return nextFireBy(job, nominalMs, at) ? undefined : at;
}

/** Whether the job's fire after `nominalMs` comes by `atMs`: it supersedes a retry of this one. */
export function nextFireBy(job: FireSchedule, nominalMs: number, atMs: number): boolean {
  const [next] = nextFires(job, nominalMs, 1);
  return next !== undefined && next <= atMs;
}
