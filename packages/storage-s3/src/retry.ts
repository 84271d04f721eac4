// Retries with capped exponential backoff and full jitter (the AWS architecture blog's "full
// jitter": a random wait in [0, min(cap, base·2^attempt)]), so replicas that failed together do
// not retry together.

/** How often and how patiently a call is retried. */
export interface RetryPolicy {
  /** Attempts in all, the first included (default 5). */
  attempts: number;
  /** The first backoff's upper bound in ms (default 100). */
  baseDelayMs: number;
  /** No backoff is longer than this, in ms (default 5,000). */
  maxDelayMs: number;
}

/** The default {@link RetryPolicy}: 5 attempts, backoff bounds 100 ms doubling up to 5 s. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 5_000 };

/** The wait before retry number `retry` (0-based): uniform in [0, min(max, base·2^retry)]. */
export function backoffMs(policy: RetryPolicy, retry: number, random: () => number): number {
  return Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry));
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
