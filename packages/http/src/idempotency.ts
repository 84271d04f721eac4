import { type IdempotentAnswer, withIdempotencyKey } from '@market-pulse/core';
import type { Context } from 'hono';
import type { AppDependencies, AppEnv } from './dependencies.js';

/**
 * Performs `work` once per `Idempotency-Key` (none given: every request works); a replayed answer
 * says so in `Idempotent-Replayed: true`.
 */
export async function idempotent(
  deps: AppDependencies,
  c: Context<AppEnv>,
  scope: 'run-now' | 'upload' | 'job-run-now',
  key: string | undefined,
  fingerprint: string,
  work: () => Promise<IdempotentAnswer>,
): Promise<IdempotentAnswer> {
  if (key === undefined) return work();
  const answer = await withIdempotencyKey(deps, scope, key, fingerprint, work);
  if (answer.replayed) c.header('Idempotent-Replayed', 'true');
  return answer;
}
