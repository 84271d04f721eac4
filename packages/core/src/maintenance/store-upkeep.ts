import { type AccountsUpkeepReport, accountsUpkeep } from '../accounts/upkeep.js';
import { pruneIdempotencyKeys } from '../idempotency/idempotency-keys.js';
import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';

/** What one round of {@link storeUpkeep} did. */
export interface StoreUpkeepReport extends AccountsUpkeepReport {
  /** Idempotency records removed (past their retention). */
  idempotencyKeysPruned: number;
}

/**
 * The periodic chores of a long-running host, in one call so every host does all of them: the
 * account chores of {@link accountsUpkeep} and the removal of idempotency records past their
 * retention. `serve` runs it on a timer, the Lambda scheduled handler when its interval is due.
 * Safe on every replica at once: each change is conditional.
 *
 * @example
 * ```ts
 * const report = await storeUpkeep({ store, clock }, 'serve:upkeep');
 * if (report.sessionsPruned > 0) log.info(report, 'pruned');
 * ```
 */
export async function storeUpkeep(
  deps: { store: ObjectStore; clock: Clock },
  actor: string,
): Promise<StoreUpkeepReport> {
  const accounts = await accountsUpkeep(deps, actor);
  return { ...accounts, idempotencyKeysPruned: await pruneIdempotencyKeys(deps) };
}
