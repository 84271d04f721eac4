import { MarketPulseError } from '../errors.js';
import { type Clock, monotonicMs } from '../ports/clock.js';
import type { IdSource } from '../ports/id-source.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { ProcessProbe } from '../ports/process-probe.js';
import { pause, type Timers } from '../ports/timers.js';
import { EXPORTS_LEASE } from '../store/layout.js';
import { createLeases, holderProcess } from '../store/lease.js';

/** What taking the exports lease needs. */
export interface ExportsLeaseDependencies {
  store: ObjectStore;
  clock: Clock;
  ids: IdSource;
  timers: Timers;
  /** On the embedded store: breaks at once the lease of a dead process on this host. */
  probe?: ProcessProbe;
}

/** How long a refresh waits for another, and when a silent holder is taken over. */
export interface ExportsLeaseOptions {
  /** A holder that stops renewing is taken over after this long (default 60 s). */
  ttlMs?: number;
  /** Longest wait for another refresh to finish (default 10 minutes). */
  maxWaitMs?: number;
}

/**
 * Runs `work` under the exports lease, waiting while another process refreshes (so two refreshes
 * never interleave their files and cleanups); renews it every third of the TTL meanwhile. A dead
 * holder on this host is broken at once, a silent one on another host after the TTL. CONFLICT
 * (`details.reason: 'exports-busy'`) when another refresh holds it past `maxWaitMs`.
 */
export async function withExportsLease<T>(
  deps: ExportsLeaseDependencies,
  work: () => Promise<T>,
  options: ExportsLeaseOptions = {},
): Promise<T> {
  const ttlMs = options.ttlMs ?? 60_000;
  const leases = createLeases({ store: deps.store, clock: deps.clock, ttlMs, probe: deps.probe });
  const self = { id: deps.ids.nextId(), purpose: 'exports', ...holderProcess(deps.probe) };
  const deadline = monotonicMs(deps.clock) + (options.maxWaitMs ?? 600_000);
  for (;;) {
    const attempt = await leases.tryAcquire(EXPORTS_LEASE, self);
    if (attempt.acquired) {
      const { lease } = attempt;
      // A lost renewal only means someone took over a lease we held too long: the refresh's own
      // check of the view version (see refreshExports) still makes the last writer right.
      let renewing: unknown;
      let done = false;
      const renewLater = () => {
        if (done) return;
        renewing = deps.timers.setTimeout(() => {
          lease.renew().then(renewLater, renewLater);
        }, ttlMs / 3);
      };
      renewLater();
      try {
        return await work();
      } finally {
        done = true;
        deps.timers.clearTimeout(renewing);
        await lease.release();
      }
    }
    if (monotonicMs(deps.clock) >= deadline) {
      throw new MarketPulseError(
        'CONFLICT',
        `another export refresh (pid ${attempt.holder.pid ?? '?'} on ${attempt.holder.host ?? '?'}) has held the exports for too long; retry later`,
        { details: { reason: 'exports-busy', holder: attempt.holder } },
      );
    }
    await pause(deps.timers, Math.max(50, Math.min(250, attempt.expiresInMs)));
  }
}
