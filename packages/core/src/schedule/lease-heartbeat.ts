import type { Timers } from '../ports/timers.js';
import type { HeldLease } from '../store/lease.js';

/**
 * Renews a held lease every `intervalMs` on its own timer — independent of the scheduler's ticks
 * and of `stop()`, so a run in progress keeps its lease until it is settled. A failed renewal
 * stops the beat: the lease is lost, and the run finds out at its next step. Returns the function
 * that stops the beat.
 *
 * @example
 * ```ts
 * const stopHeartbeat = keepLeaseAlive(globalThis, lease, 15_000);
 * try { await runner(request); } finally { stopHeartbeat(); }
 * ```
 */
export function keepLeaseAlive(timers: Timers, lease: HeldLease, intervalMs: number): () => void {
  let handle: unknown;
  let beating = true;
  const next = () => {
    handle = timers.setTimeout(() => {
      lease.renew().then(
        () => {
          if (beating) next();
        },
        () => {
          beating = false; // lost: the run finds out at its next step
        },
      );
    }, intervalMs);
  };
  next();
  return () => {
    if (beating && handle !== undefined) timers.clearTimeout(handle);
    beating = false;
  };
}
