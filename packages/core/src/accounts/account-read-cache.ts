// Authentication and read scoping read four small documents per request (session, account,
// entitlements, CLO mappings). This keeps them per process for a bounded window, like the
// dashboard's freshness window: a change made by another process applies within `windowMs`; a
// change written through `writer` (this process) applies at once.
import { type Clock, monotonicMs } from '../ports/clock.js';
import type { ObjectStore, StoredObject } from '../ports/object-store.js';

/** The longest window a host may configure: revocation must not wait longer than this. */
export const MAX_ACCOUNT_CACHE_MS = 60_000;

/** What {@link createAccountReadCache} needs. */
export interface AccountReadCacheOptions {
  store: ObjectStore;
  clock: Clock;
  /** How long a read document is trusted (0 = read every time); at most {@link MAX_ACCOUNT_CACHE_MS}. */
  windowMs: number;
  /** Which keys are kept (default: the account documents, every key under `accounts/`). */
  cached?: (key: string) => boolean;
  /** Most documents kept at once (default 10,000): the oldest go first. */
  maxEntries?: number;
}

/** A per-process cache of account documents (see {@link createAccountReadCache}). */
export interface AccountReadCache {
  /** The store for authentication and scoping reads only: `get` of a cached key may be up to the window old. */
  reader: ObjectStore;
  /** The store for everything else: reads are fresh, and a write of a cached key drops its copy. */
  writer: ObjectStore;
  /**
   * A value derived from account documents (a token's principal, a reader's scope), kept under
   * `key` until the oldest document it read leaves the window, and dropped by any write through
   * `writer` — so it is never staler than the documents themselves. `compute` must read through
   * the store it is given.
   */
  remember<T>(key: string, compute: (reader: ObjectStore) => Promise<T>): Promise<T>;
  /** Drops every copy (the next read of each document goes to the store). */
  clear(): void;
}

const ACCOUNT_DOCUMENTS = (key: string) => key.startsWith('accounts/');

/**
 * Two views of `store` that share a cache of account documents. Authentication and read scoping
 * read through `reader`, so in the steady state a signed-in request reads nothing from the store;
 * every writer of this process uses `writer`, so its own changes (logout, password change,
 * disabled account, entitlements, CLO mappings) apply to the next request. Read-modify-write
 * code must never use `reader` (its versions may be stale). A missing document is not kept.
 *
 * @example
 * ```ts
 * const cache = createAccountReadCache({ store, clock, windowMs: 1000 });
 * await authenticate({ ...auth, store: cache.reader }, token);
 * await logout({ ...auth, store: cache.writer }, sessionId); // the next request sees it
 * ```
 */
export function createAccountReadCache(options: AccountReadCacheOptions): AccountReadCache {
  const { store, clock } = options;
  const windowMs = options.windowMs;
  if (!Number.isInteger(windowMs) || windowMs < 0 || windowMs > MAX_ACCOUNT_CACHE_MS)
    throw new RangeError(
      `windowMs must be a whole number of ms from 0 to ${MAX_ACCOUNT_CACHE_MS} (got ${windowMs})`,
    );
  const cached = options.cached ?? ACCOUNT_DOCUMENTS;
  const maxEntries = options.maxEntries ?? 10_000;
  // The read in flight or done, from when it started: concurrent misses share one read, and a
  // read that began before a write is dropped with the entry by that write.
  const entries = new Map<string, { startedMs: number; read: Promise<StoredObject | null> }>();
  // Derived values: valid until `expiresMs` (unknown while computing) and for one generation of
  // this process's writes.
  const derived = new Map<
    string,
    { expiresMs: number; generation: number; value: Promise<unknown> }
  >();
  let generation = 0;
  const dropOldest = (map: Map<string, unknown>) => {
    // Oldest first out (Map order is insertion order).
    for (const oldest of map.keys()) {
      if (map.size <= maxEntries) break;
      map.delete(oldest);
    }
  };

  /** The read of `key` and when it started (now for a read not kept). */
  const entryOf = (key: string): { startedMs: number; read: Promise<StoredObject | null> } => {
    const now = monotonicMs(clock);
    if (windowMs === 0 || !cached(key)) return { startedMs: now, read: store.get(key) };
    const entry = entries.get(key);
    if (entry && now - entry.startedMs < windowMs) return entry;
    if (entry) entries.delete(key);
    const read = store.get(key);
    const fresh = { startedMs: now, read };
    entries.set(key, fresh);
    read.then(
      (found) => {
        if (found === null && entries.get(key) === fresh) entries.delete(key);
      },
      () => {
        if (entries.get(key) === fresh) entries.delete(key);
      },
    );
    dropOldest(entries);
    return fresh;
  };
  const get = (key: string) => entryOf(key).read;
  const written = (key: string) => {
    entries.delete(key);
    if (cached(key)) generation++;
  };

  const remember = <T>(key: string, compute: (reader: ObjectStore) => Promise<T>): Promise<T> => {
    if (windowMs === 0) return compute(reader);
    const now = monotonicMs(clock);
    const known = derived.get(key);
    if (known && known.generation === generation && now < known.expiresMs)
      return known.value as Promise<T>;
    // A reader that notes the oldest document it served: the value expires with it.
    let oldestMs = now;
    const tracking: ObjectStore = {
      ...reader,
      get: (k) => {
        const entry = entryOf(k);
        oldestMs = Math.min(oldestMs, entry.startedMs);
        return entry.read;
      },
    };
    const entry = { expiresMs: Number.POSITIVE_INFINITY, generation, value: compute(tracking) };
    derived.delete(key);
    derived.set(key, entry);
    dropOldest(derived);
    entry.value.then(
      () => {
        entry.expiresMs = oldestMs + windowMs;
      },
      () => {
        if (derived.get(key) === entry) derived.delete(key);
      },
    );
    return entry.value as Promise<T>;
  };

  const reader: ObjectStore = {
    get,
    put: (key, body, condition) => writer.put(key, body, condition),
    delete: (key, condition) => writer.delete(key, condition),
    list: (prefix, listOptions) => store.list(prefix, listOptions),
  };
  const writer: ObjectStore = {
    get: (key) => store.get(key),
    put: async (key, body, condition) => {
      try {
        return await store.put(key, body, condition);
      } finally {
        written(key);
      }
    },
    delete: async (key, condition) => {
      try {
        await store.delete(key, condition);
      } finally {
        written(key);
      }
    },
    list: (prefix, listOptions) => store.list(prefix, listOptions),
  };
  return {
    reader,
    writer,
    remember,
    clear: () => {
      entries.clear();
      derived.clear();
      generation++;
    },
  };
}
