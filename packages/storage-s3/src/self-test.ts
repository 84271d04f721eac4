import { randomUUID } from 'node:crypto';
import { isMarketPulseError } from '@market-pulse/core';
import type { S3Store } from './s3-store.js';

/** What {@link checkConditionalWrites} found. */
export interface ConditionalWriteCheck {
  /** True when the server honours `If-None-Match: *` and `If-Match` on writes. */
  honoured: boolean;
  /** What the server got wrong, one sentence each (empty when `honoured`). */
  problems: string[];
  /** True when the server also honours `If-Match` on DELETE (AWS does, Ceph RGW 16 does not). */
  conditionalDelete: boolean;
}

const bytes = (text: string) => new TextEncoder().encode(text);
const STALE_ETAG = '0123456789abcdef0123456789abcdef';

async function outcome(write: Promise<unknown>): Promise<string> {
  try {
    await write;
    return 'ok';
  } catch (err) {
    if (isMarketPulseError(err)) return err.code;
    throw err;
  }
}

/**
 * The conditional-write self-test (run at start): creates one probe key twice with
 * `ifNoneMatch: '*'` and expects the second to be refused, replaces it with a stale `ifMatch` and
 * expects a refusal, then with the current one and expects success; finally sends a DELETE with a
 * stale `If-Match` to learn whether the server honours conditional deletes (the store adapts).
 * The probe key (`_selftest/conditional-writes/<uuid>`) is removed. A server that ignores the
 * conditions would make every lease succeed: callers refuse to schedule or run on it.
 *
 * @example
 * ```ts
 * const check = await checkConditionalWrites(store);
 * if (!check.honoured) throw new Error(`refusing to run: ${check.problems.join('; ')}`);
 * ```
 */
export async function checkConditionalWrites(store: S3Store): Promise<ConditionalWriteCheck> {
  const key = `_selftest/conditional-writes/${randomUUID()}`;
  const problems: string[] = [];
  try {
    await store.put(key, bytes('first'), { ifNoneMatch: '*' });
    if ((await outcome(store.put(key, bytes('second'), { ifNoneMatch: '*' }))) === 'ok')
      problems.push('it accepted a create (If-None-Match: *) over an existing object');
    if ((await outcome(store.put(key, bytes('stale'), { ifMatch: STALE_ETAG }))) === 'ok')
      problems.push('it accepted a write with a stale If-Match');
    const latest = await store.get(key);
    if (latest) {
      const swap = await outcome(store.put(key, bytes('swapped'), { ifMatch: latest.etag }));
      if (swap !== 'ok') problems.push(`it refused a write with the current If-Match (${swap})`);
    }
    const conditionalDelete = await store.probeConditionalDelete(key, STALE_ETAG);
    store.setConditionalDelete(conditionalDelete);
    return { honoured: problems.length === 0, problems, conditionalDelete };
  } finally {
    await store.delete(key).catch(() => undefined);
  }
}
