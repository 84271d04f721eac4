import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import { settleFire } from '../schedule/fire-record.js';
import type { LeaseHolder } from '../store/lease.js';
import { runIdOfPurpose } from './layout.js';
import { declareFailed, readRunRecord } from './run-automation.js';

/**
 * Cleans up after a pipeline holder that died (its lease was taken over): its run, if it had
 * started one, is declared failed — unless it committed first — and its scheduled fire, if any,
 * is settled with that run's outcome. Safe to repeat; a late wake-up of the dead holder changes
 * nothing, since every step is a create-if-absent or a compare-and-swap.
 */
export async function recoverAbandoned(
  store: ObjectStore,
  clock: Clock,
  holder: LeaseHolder,
): Promise<void> {
  const runId = runIdOfPurpose(holder.purpose);
  const reason =
    'the process running it stopped before committing (its pipeline lease was taken over)';
  if (runId !== undefined) await declareFailed(store, clock, runId, reason);
  if (!holder.fire) return;
  const run = runId === undefined ? null : await readRunRecord(store, runId);
  await settleFire(store, holder.fire.jobId, Date.parse(holder.fire.nominal), holder.id, {
    status: run?.status === 'success' ? 'success' : 'failed',
    ...(runId !== undefined ? { runId } : {}),
    ...(run?.status === 'success' ? {} : { reason: run?.error?.message ?? reason }),
    settledAt: clock.now().toISOString(),
  });
}
