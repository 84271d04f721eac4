import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import { PIPELINE_LEASE } from '../store/layout.js';
import type { createLeases, LeaseAttempt, LeaseHolder } from '../store/lease.js';
import { declareFailed, readRunRecord } from './run-protocol.js';
import type { RunRecord } from './run-record.js';
import { runIdOfPurpose } from './run-steps.js';

/**
 * Settles the scheduled fire a dead pipeline holder was running, with its run's outcome. The
 * scheduler's fire records live above the run protocol, so their settlement is passed in
 * (`settleAbandonedFire` of the schedule module).
 */
export type SettleAbandonedFire = (
  dead: LeaseHolder & { fire: NonNullable<LeaseHolder['fire']> },
  outcome: { runId?: number; run: RunRecord | null; reason: string },
) => Promise<void>;

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
  settleFire: SettleAbandonedFire,
): Promise<void> {
  const runId = runIdOfPurpose(holder.purpose);
  const reason =
    'the process running it stopped before committing (its pipeline lease was taken over)';
  if (runId !== undefined) await declareFailed(store, clock, runId, reason);
  const { fire } = holder;
  if (!fire) return;
  const run = runId === undefined ? null : await readRunRecord(store, runId);
  await settleFire({ ...holder, fire }, { ...(runId !== undefined ? { runId } : {}), run, reason });
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
  settleFire: SettleAbandonedFire,
): Promise<LeaseAttempt> {
  const attempt = await leases.tryAcquire(PIPELINE_LEASE, self);
  if (!attempt.acquired || attempt.abandoned.length === 0) return attempt;
  for (const dead of attempt.abandoned) await recoverAbandoned(store, clock, dead, settleFire);
  await attempt.lease.renew({ cleanedUp: true });
  return attempt;
}
