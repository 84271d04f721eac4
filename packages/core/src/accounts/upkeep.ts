import { isMarketPulseError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import { type PermissionsSyncReport, syncLegacyPermissions } from './legacy-permissions.js';
import { pruneRateLimits } from './rate-limits.js';
import { pruneSessions } from './sessions.js';

/** What one round of {@link accountsUpkeep} did. */
export interface AccountsUpkeepReport {
  /** The sync with the first implementation's permissions file; null when the store has none. */
  permissions: PermissionsSyncReport | null;
  /** Rate-limit counters removed (their windows had passed). */
  rateLimitsPruned: number;
  /** Sessions removed (revoked, idle or expired: they could no longer be used). */
  sessionsPruned: number;
}

/**
 * The periodic account chores of a long-running host (SPEC §10): follow the first
 * implementation's `permissions/user_permissions.json` in the store (asset classes of existing
 * accounts; no account is created), remove rate-limit counters whose windows have passed and
 * sessions that can no longer be used.
 * Safe to run on every replica at once: each change is a compare-and-swap.
 */
export async function accountsUpkeep(
  deps: { store: ObjectStore; clock: Clock },
  actor: string,
): Promise<AccountsUpkeepReport> {
  let permissions: PermissionsSyncReport | null = null;
  try {
    permissions = await syncLegacyPermissions(deps, actor);
  } catch (err) {
    if (!isMarketPulseError(err, 'NOT_FOUND')) throw err;
  }
  return {
    permissions,
    rateLimitsPruned: await pruneRateLimits(deps),
    sessionsPruned: await pruneSessions(deps),
  };
}
