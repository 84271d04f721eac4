import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createLeases,
  holderProcess,
  MarketPulseError,
  type ObjectStore,
} from '@market-pulse/core';
import { createProcessProbe } from '../process-probe.js';
import { systemClock } from '../system-clock.js';

/** One standing-exports refresh at a time, across every process on the store. */
const EXPORTS_LEASE = 'locks/exports.json';

export interface ExportsLeaseOptions {
  /** A holder that stops renewing is taken over after this long (default 60 s). */
  ttlMs?: number;
  /** Longest wait for another refresh to finish (default 10 minutes). */
  maxWaitMs?: number;
  /** How the wait is spent between attempts (tests pass their own; default: a timer). */
  pause?: (ms: number) => Promise<void>;
}

/**
 * Runs `work` under the exports lease, waiting while another process refreshes (so two refreshes
 * never interleave their files and cleanups); renews it every third of the TTL meanwhile. A dead
 * holder on this host is broken at once, a silent one on another host after the TTL.
 */
export async function withExportsLease<T>(
  store: ObjectStore,
  work: () => Promise<T>,
  options: ExportsLeaseOptions = {},
): Promise<T> {
  const ttlMs = options.ttlMs ?? 60_000;
  const pause = options.pause ?? ((ms: number) => sleep(ms));
  const probe = createProcessProbe();
  const leases = createLeases({ store, clock: systemClock, ttlMs, probe });
  const self = { id: randomUUID(), purpose: 'exports', ...holderProcess(probe) };
  const deadline = performance.now() + (options.maxWaitMs ?? 600_000);
  for (;;) {
    const attempt = await leases.tryAcquire(EXPORTS_LEASE, self);
    if (attempt.acquired) {
      const { lease } = attempt;
      // A lost renewal only means someone took over a lease we held too long: the refresh's own
      // check of the view version (see refreshExports) still makes the last writer right.
      const heartbeat = setInterval(() => lease.renew().catch(() => undefined), ttlMs / 3);
      try {
        return await work();
      } finally {
        clearInterval(heartbeat);
        await lease.release();
      }
    }
    if (performance.now() >= deadline) {
      throw new MarketPulseError(
        'CONFLICT',
        `another export refresh (pid ${attempt.holder.pid ?? '?'} on ${attempt.holder.host ?? '?'}) has held the exports for too long; retry later`,
        { details: { reason: 'exports-busy', holder: attempt.holder } },
      );
    }
    await pause(Math.max(50, Math.min(250, attempt.expiresInMs)));
  }
}
