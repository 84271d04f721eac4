import { z } from 'zod';
import { isMarketPulseError, MarketPulseError } from '../errors.js';
import { type Clock, monotonicMs } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { ProcessProbe } from '../ports/process-probe.js';
import { encodeDocument, readDocument } from './json-document.js';

const holderSchema = z.object({
  id: z.string().min(1),
  host: z.string().optional(),
  pid: z.number().int().optional(),
  bootId: z.string().optional(),
  purpose: z.string().optional(),
  /** The scheduled fire the holder is running, if any (so whoever takes over can settle it). */
  fire: z.object({ jobId: z.string(), nominal: z.string() }).optional(),
});
const leaseSchema = z.object({
  holder: holderSchema,
  acquiredAt: z.string(),
  renewedAt: z.string(),
  renewals: z.number().int(),
  /**
   * Holders that died holding this lease and whose leftovers (a run, a fire) are not cleaned up
   * yet. It travels with the lease until its holder says the cleanup is done, so a cleanup cut short
   * (a crash, a store error) is finished by the next holder instead of being forgotten.
   */
  abandoned: z.array(holderSchema).optional(),
});

/**
 * Who holds a lease: an id unique to the owner, what it is doing (`purpose`), the fire it runs,
 * and on the embedded store its host, PID and boot id (so a dead process can be told apart).
 *
 * @useDeclaredType
 */
export type LeaseHolder = z.infer<typeof holderSchema>;

/** The part of a holder that lets a process on the same host tell whether it is dead. */
export function holderProcess(
  probe: ProcessProbe | undefined,
): Pick<LeaseHolder, 'host' | 'pid' | 'bootId'> {
  return probe ? { host: probe.host, pid: probe.pid, bootId: probe.bootId } : {};
}
/**
 * A lease document as stored at its key: the holder, when it was acquired and last renewed, and
 * the dead holders whose cleanup it carries.
 *
 * @useDeclaredType
 */
export type LeaseRecord = z.infer<typeof leaseSchema>;

/** A lease this process holds: renew it (heartbeat) while working, release it when done. */
export interface HeldLease {
  key: string;
  holder: LeaseHolder;
  /**
   * Renews the lease (a heartbeat), optionally recording what the holder is doing (e.g. `run:42`).
   * Throws CONFLICT (`details.reason: 'lease-lost'`) if another process took it.
   */
  renew(change?: { purpose?: string; cleanedUp?: boolean }): Promise<void>;
  /** Gives the lease up; a no-op when it was already lost. */
  release(): Promise<void>;
}

/** The outcome of {@link Leases.tryAcquire}: the lease, or who holds it and for how long yet. */
export type LeaseAttempt =
  | {
      acquired: true;
      lease: HeldLease;
      /** The holder whose expired or dead lease was taken over. */
      tookOverFrom?: LeaseHolder;
      /**
       * Every dead holder whose cleanup is now this holder's job (the one taken over from, and any
       * it inherited unfinished). Clear it with `renew({ cleanedUp: true })` once done.
       */
      abandoned: LeaseHolder[];
    }
  | {
      acquired: false;
      holder: LeaseHolder;
      /** Time left before this observer may take over (if not renewed). */
      expiresInMs: number;
    };

/** The store and clock a lease observer works over, and its expiry rule. */
export interface LeaseOptions {
  store: ObjectStore;
  clock: Clock;
  /** A lease whose ETag stays the same this long, as seen by this observer, is expired. */
  ttlMs: number;
  /** Lets a process break at once the lease of a dead process on the same host. */
  probe?: ProcessProbe;
}

/**
 * A lease observer (see {@link createLeases}). Keep it for the life of the process: expiry is
 * judged from what this observer has seen, so a new observer starts the TTL over.
 */
export interface Leases {
  /**
   * Tries to take the lease at `key` for `self` (an id unique to this owner, plus host/pid/bootId
   * on the embedded store), taking over an expired or dead holder's lease.
   */
  tryAcquire(key: string, self: LeaseHolder): Promise<LeaseAttempt>;
  /**
   * Who holds the lease at `key` and how long before this observer may take it over (0: now), or
   * `null` when nobody holds it. Reading counts as an observation for expiry.
   */
  inspect(
    key: string,
  ): Promise<{ holder: LeaseHolder; record: LeaseRecord; expiresInMs: number } | null>;
}

const encode = ({ generation, value }: { generation: number; value: LeaseRecord }) =>
  encodeDocument(generation, value);

/**
 * Leases over the store (DESIGN §2): one holder at a time per key, across processes and hosts.
 * The holder renews (each renewal changes the ETag); another process treats the lease as expired
 * once it has seen the same ETag for `ttlMs` on its own monotonic clock — no clock of another
 * host is ever compared. On one host, the lease of a dead process (PID gone, or host rebooted) is
 * broken at once, so a crashed run does not block the next one.
 *
 * @example
 * ```ts
 * const leases = createLeases({ store, clock, ttlMs: 60_000, probe }); // long-lived: it remembers what it saw
 * const attempt = await leases.tryAcquire(PIPELINE_LEASE, { id: runNonce, ...holderProcess(probe) });
 * if (!attempt.acquired) return busy(attempt.holder);
 * ```
 */
export function createLeases(options: LeaseOptions): Leases {
  const { store, clock, ttlMs, probe } = options;
  // key → the ETag this observer last saw and when (monotonic) it first saw it.
  const observed = new Map<string, { etag: string; since: number }>();

  const isDeadLocally = (holder: LeaseHolder) =>
    probe !== undefined &&
    holder.host === probe.host &&
    holder.pid !== undefined &&
    (holder.bootId !== probe.bootId || (holder.pid !== probe.pid && !probe.isAlive(holder.pid)));

  function held(key: string, etag: string, generation: number, record: LeaseRecord): HeldLease {
    let current = { etag, generation, record };
    let lost = false;
    // A heartbeat timer and the run's own renewals may overlap: one write at a time, or the second
    // compare-and-swap would fail against our own first one and look like a lost lease.
    let queue: Promise<unknown> = Promise.resolve();
    async function renewNow(change: { purpose?: string; cleanedUp?: boolean }): Promise<void> {
      if (lost) throw leaseLost(key);
      const holder =
        change.purpose === undefined
          ? current.record.holder
          : { ...current.record.holder, purpose: change.purpose };
      const { abandoned: _done, ...kept } = current.record;
      const next: LeaseRecord = {
        ...(change.cleanedUp ? kept : current.record),
        holder,
        renewedAt: clock.now().toISOString(),
        renewals: current.record.renewals + 1,
      };
      try {
        const written = await store.put(
          key,
          encode({ generation: current.generation + 1, value: next }),
          { ifMatch: current.etag },
        );
        current = { etag: written.etag, generation: current.generation + 1, record: next };
      } catch (err) {
        if (
          isMarketPulseError(err, 'PRECONDITION_FAILED') ||
          isMarketPulseError(err, 'NOT_FOUND')
        ) {
          lost = true;
          throw leaseLost(key);
        }
        throw err;
      }
    }
    return {
      key,
      get holder() {
        return current.record.holder;
      },
      renew(change = {}) {
        const next = queue.then(() => renewNow(change));
        queue = next.catch(() => undefined);
        return next;
      },
      async release() {
        await queue;
        if (lost) return;
        lost = true;
        await store.delete(key, { ifMatch: current.etag }).catch((err) => {
          if (
            !isMarketPulseError(err, 'PRECONDITION_FAILED') &&
            !isMarketPulseError(err, 'NOT_FOUND')
          )
            throw err;
        });
      },
    };
  }

  /** Milliseconds before this observer may take the lease over (0: expired, or its holder is dead). */
  function judge(key: string, etag: string, holder: LeaseHolder): number {
    if (isDeadLocally(holder)) return 0;
    const seen = observed.get(key);
    const nowMs = monotonicMs(clock);
    if (!seen || seen.etag !== etag) {
      observed.set(key, { etag, since: nowMs });
      return ttlMs;
    }
    return Math.max(0, ttlMs - (nowMs - seen.since));
  }

  /**
   * Who holds the lease at `key` and how long before this observer may take it over (0: now), or
   * `null` when nobody holds it. Reading counts as an observation for expiry.
   */
  async function inspect(
    key: string,
  ): Promise<{ holder: LeaseHolder; record: LeaseRecord; expiresInMs: number } | null> {
    const current = await readDocument(store, key, leaseSchema);
    if (!current) return null;
    const holder = current.value.holder;
    return { holder, record: current.value, expiresInMs: judge(key, current.etag, holder) };
  }

  /** Tries to take the lease at `key` for `self` (an id unique to this owner, plus host/pid/bootId on the embedded store). */
  async function tryAcquire(key: string, self: LeaseHolder): Promise<LeaseAttempt> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const now = clock.now().toISOString();
      const current = await readDocument(store, key, leaseSchema);
      const record: LeaseRecord = { holder: self, acquiredAt: now, renewedAt: now, renewals: 0 };
      if (!current) {
        try {
          const { etag } = await store.put(key, encode({ generation: 1, value: record }), {
            ifNoneMatch: '*',
          });
          observed.delete(key);
          return { acquired: true, lease: held(key, etag, 1, record), abandoned: [] };
        } catch (err) {
          if (isMarketPulseError(err, 'PRECONDITION_FAILED')) continue; // someone else created it: look again
          throw err;
        }
      }
      const holder = current.value.holder;
      const expiresInMs = judge(key, current.etag, holder);
      if (expiresInMs > 0) return { acquired: false, holder, expiresInMs };
      // Take over by compare-and-swap on the ETag we judged: if the holder renewed meanwhile, we lose.
      const abandoned = [holder, ...(current.value.abandoned ?? [])];
      const takeover: LeaseRecord = { ...record, abandoned };
      try {
        const generation = current.generation + 1;
        const { etag } = await store.put(key, encode({ generation, value: takeover }), {
          ifMatch: current.etag,
        });
        observed.delete(key);
        return {
          acquired: true,
          lease: held(key, etag, generation, takeover),
          tookOverFrom: holder,
          abandoned,
        };
      } catch (err) {
        if (isMarketPulseError(err, 'PRECONDITION_FAILED') || isMarketPulseError(err, 'NOT_FOUND'))
          continue;
        throw err;
      }
    }
    throw new MarketPulseError('CONFLICT', `lease ${key} kept changing; retry`, {
      details: { key },
    });
  }

  return { tryAcquire, inspect };
}

function leaseLost(key: string): MarketPulseError {
  return new MarketPulseError('CONFLICT', `lease ${key} was taken over by another process`, {
    details: { key, reason: 'lease-lost' },
  });
}
