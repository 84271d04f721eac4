import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { MarketPulseError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import { readDocument, updateDocument } from '../store/json-document.js';
import { RATE_LIMITS_PREFIX, rateLimitKey } from '../store/layout.js';

/**
 * A limit: at most `limit` events per `windowSeconds` for one subject (an account, a source
 * address, an API key). Counted with a sliding window (the previous window's count weighted by how
 * much of it still overlaps), so a burst at a window's edge cannot double the rate.
 */
export interface RateLimit {
  /** Names the counter in the store, e.g. `login-account`. `[a-z0-9-]`. */
  name: string;
  limit: number;
  windowSeconds: number;
}

/**
 * The limits SPEC §10 asks for (per account and per source on the sign-in paths, per principal on
 * expensive actions). Hosts may pass their own.
 */
export const RATE_LIMITS = Object.freeze({
  loginPerAccount: { name: 'login-account', limit: 10, windowSeconds: 900 },
  loginPerSource: { name: 'login-source', limit: 50, windowSeconds: 900 },
  refreshPerSource: { name: 'refresh-source', limit: 120, windowSeconds: 60 },
  forgotPasswordPerAccount: { name: 'forgot-account', limit: 3, windowSeconds: 3600 },
  forgotPasswordPerSource: { name: 'forgot-source', limit: 20, windowSeconds: 3600 },
  runNowPerPrincipal: { name: 'run-now', limit: 10, windowSeconds: 600 },
  uploadsPerPrincipal: { name: 'uploads', limit: 60, windowSeconds: 600 },
  exportsPerPrincipal: { name: 'exports', limit: 60, windowSeconds: 600 },
} satisfies Record<string, RateLimit>);

const counterSchema = z.object({
  windowStartMs: z.number(),
  count: z.number().int().nonnegative(),
  previousCount: z.number().int().nonnegative(),
});
type Counter = z.infer<typeof counterSchema>;

/** Where a subject stands against a limit. */
export interface RateLimitState {
  allowed: boolean;
  /** Events still allowed now. */
  remaining: number;
  /** When refused: seconds until one more event would be allowed (for `Retry-After`). */
  retryAfterSeconds: number;
}

const subjectHash = (subject: string) =>
  bytesToHex(sha256(new TextEncoder().encode(subject))).slice(0, 32);

/** The counter rolled forward to the window holding `nowMs`. */
function rolled(counter: Counter | null, windowMs: number, nowMs: number): Counter {
  const windowStartMs = Math.floor(nowMs / windowMs) * windowMs;
  if (counter === null || counter.windowStartMs < windowStartMs - windowMs)
    return { windowStartMs, count: 0, previousCount: 0 };
  if (counter.windowStartMs < windowStartMs)
    return { windowStartMs, count: 0, previousCount: counter.count };
  return counter;
}

/**
 * The sliding-window estimate of events in the last window, E = count + previousCount · (1 − t/W)
 * at t into the window; one more fits while E ≤ limit − 1. When it does not, the wait solves that
 * inequality: within this window as the previous one fades, or — when this window alone is full —
 * into the next, where this window's count is the one fading.
 */
function assess(counter: Counter, rule: RateLimit, nowMs: number): RateLimitState {
  const windowMs = rule.windowSeconds * 1000;
  const t = nowMs - counter.windowStartMs;
  const estimate = counter.count + counter.previousCount * (1 - t / windowMs);
  const remaining = Math.max(0, Math.floor(rule.limit - estimate + 1e-9));
  if (remaining > 0) return { allowed: true, remaining, retryAfterSeconds: 0 };
  const room = rule.limit - 1;
  const waitMs =
    counter.count <= room
      ? windowMs * (1 - (room - counter.count) / counter.previousCount) - t
      : windowMs - t + windowMs * (1 - room / counter.count);
  return { allowed: false, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
}

/**
 * Where `subject` stands against `rule` without counting anything (e.g. before checking a
 * password, so that a locked-out account is refused without the password being tried).
 */
export async function peekRateLimit(
  deps: { store: ObjectStore; clock: Clock },
  rule: RateLimit,
  subject: string,
): Promise<RateLimitState> {
  const nowMs = deps.clock.now().getTime();
  const stored = await readDocument(
    deps.store,
    rateLimitKey(rule.name, subjectHash(subject)),
    counterSchema,
  );
  return assess(rolled(stored?.value ?? null, rule.windowSeconds * 1000, nowMs), rule, nowMs);
}

/**
 * Counts one event for `subject` under `rule`, in the store (so every replica shares the count),
 * unless the limit is already reached: then nothing is counted and the state says when to retry.
 */
export async function consumeRateLimit(
  deps: { store: ObjectStore; clock: Clock },
  rule: RateLimit,
  subject: string,
): Promise<RateLimitState> {
  const nowMs = deps.clock.now().getTime();
  const windowMs = rule.windowSeconds * 1000;
  let state: RateLimitState = { allowed: true, remaining: rule.limit, retryAfterSeconds: 0 };
  await updateDocument(
    deps.store,
    rateLimitKey(rule.name, subjectHash(subject)),
    counterSchema,
    (current) => {
      const counter = rolled(current, windowMs, nowMs);
      state = assess(counter, rule, nowMs);
      if (!state.allowed) return undefined;
      state = { ...state, remaining: state.remaining - 1 };
      return { ...counter, count: counter.count + 1 };
    },
  );
  return state;
}

/** Forgets a subject's count (e.g. an account's failed sign-ins after a successful one). */
export async function resetRateLimit(
  deps: { store: ObjectStore },
  rule: RateLimit,
  subject: string,
): Promise<void> {
  await deps.store.delete(rateLimitKey(rule.name, subjectHash(subject))).catch(() => undefined);
}

/** RATE_LIMITED for a refused state, with the seconds to wait (hosts send them as `Retry-After`). */
export function rateLimited(state: RateLimitState, what: string): MarketPulseError {
  return new MarketPulseError(
    'RATE_LIMITED',
    `too many ${what}; try again in ${state.retryAfterSeconds} s`,
    { details: { retryAfterSeconds: state.retryAfterSeconds } },
  );
}

/**
 * Removes counters whose windows have passed (their subjects are back to zero anyway), so that
 * counters of addresses seen once do not pile up. Returns how many were removed.
 */
export async function pruneRateLimits(
  deps: { store: ObjectStore; clock: Clock },
  rules: readonly RateLimit[] = Object.values(RATE_LIMITS),
): Promise<number> {
  const nowMs = deps.clock.now().getTime();
  let removed = 0;
  for (const rule of rules) {
    const windowMs = rule.windowSeconds * 1000;
    for await (const { key } of deps.store.list(`${RATE_LIMITS_PREFIX}${rule.name}/`)) {
      const stored = await readDocument(deps.store, key, counterSchema).catch(() => null);
      if (stored && stored.value.windowStartMs + 2 * windowMs > nowMs) continue;
      await deps.store.delete(key, stored ? { ifMatch: stored.etag } : {}).catch(() => undefined);
      removed++;
    }
  }
  return removed;
}
