import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import { settleFire } from '../schedule/fire-record.js';
import type { createLeases, LeaseAttempt, LeaseHolder } from '../store/lease.js';
import { PIPELINE_LEASE, runIdOfPurpose } from './layout.js';
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

/**
 * Takes the pipeline lease for `self` and, when it was taken over, finishes the cleanup of every
 * dead holder it inherits before saying so in the lease. If the cleanup fails, this throws and
 * leaves the lease as it is — neither released nor renewed — so it expires and whoever takes it
 * next inherits the unfinished cleanup: a dead holder's fire can never be forgotten `running`.
 */
export async function acquirePipelineLease(
  leases: ReturnType<typeof createLeases>,
  store: ObjectStore,
  clock: Clock,
  self: LeaseHolder,
): Promise<LeaseAttempt> {
  const attempt = await leases.tryAcquire(PIPELINE_LEASE, self);
  if (!attempt.acquired || attempt.abandoned.length === 0) return attempt;
  for (const dead of attempt.abandoned) await recoverAbandoned(store, clock, dead);
  await attempt.lease.renew({ cleanedUp: true });
  return attempt;
}
