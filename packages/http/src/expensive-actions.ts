import {
  consumeRateLimit,
  peekRateLimit,
  RATE_LIMITS,
  type RateLimit,
  rateLimited,
} from '@market-pulse/core';
import type { MiddlewareHandler } from 'hono';
import type { AppDependencies, AppEnv } from './dependencies.js';

/**
 * The operations that cost a run, a parse or a file build, each with its limit per principal
 * (SPEC §10: run now, uploads, exports), counted in the store so every replica shares them.
 * Legacy aliases run their new operation's middleware, so they share its limit.
 */
export const EXPENSIVE_ACTIONS: Readonly<Record<string, { rule: RateLimit; what: string }>> = {
  runNow: { rule: RATE_LIMITS.runNowPerPrincipal, what: 'runs started' },
  runJobNow: { rule: RATE_LIMITS.runNowPerPrincipal, what: 'runs started' },
  addUpload: { rule: RATE_LIMITS.uploadsPerPrincipal, what: 'uploads' },
  exportColors: { rule: RATE_LIMITS.exportsPerPrincipal, what: 'exports' },
  exportRunRows: { rule: RATE_LIMITS.exportsPerPrincipal, what: 'exports' },
  exportRunExcluded: { rule: RATE_LIMITS.exportsPerPrincipal, what: 'exports' },
  exportRunErrors: { rule: RATE_LIMITS.exportsPerPrincipal, what: 'exports' },
  exportSearch: { rule: RATE_LIMITS.exportsPerPrincipal, what: 'exports' },
  dryRunRulesOnRun: { rule: RATE_LIMITS.exportsPerPrincipal, what: 'dry runs over a stored run' },
};

/**
 * The rate limit of an expensive operation (none for the others): 429 with `Retry-After` past it.
 * Only answered requests count (status < 400): a malformed or refused one did no expensive work
 * and writes nothing. Requests in flight together may pass the limit by their number (each is
 * checked before and counted after its work). The local operator of a host without accounts is
 * not limited.
 */
export function expensiveActionLimit(
  deps: AppDependencies,
  operationId: string,
): MiddlewareHandler<AppEnv>[] {
  const action = EXPENSIVE_ACTIONS[operationId];
  if (!action) return [];
  return [
    async (c, next) => {
      const principal = c.get('principal');
      if (principal.kind === 'local') return next();
      const subject = `${principal.kind}:${principal.id}`;
      const state = await peekRateLimit(deps, action.rule, subject);
      if (!state.allowed) throw rateLimited(state, action.what);
      await next();
      if (c.res.status < 400) await consumeRateLimit(deps, action.rule, subject);
    },
  ];
}
