import { z } from 'zod';
import { isMarketPulseError, MarketPulseError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import { sha256Hex } from '../store/checksum.js';
import { createDocument, encodeDocument, readDocument } from '../store/json-document.js';
import { IDEMPOTENCY_PREFIX, idempotencyKey } from '../store/layout.js';

/** What a request answered: replayed as is to a repeat with the same key. */
export interface IdempotentAnswer {
  status: number;
  body: unknown;
}

const recordSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('pending'), fingerprint: z.string(), at: z.string() }),
  z.object({
    state: z.literal('done'),
    fingerprint: z.string(),
    at: z.string(),
    status: z.number().int(),
    body: z.unknown(),
  }),
]);

const encoder = new TextEncoder();

/**
 * How long a key is remembered (24 hours, as common APIs do): long enough for any client's
 * retries, short enough that the records do not pile up in the store. After it, the same key is a
 * new request; {@link pruneIdempotencyKeys} removes the records. A claim left `pending` by a
 * process that died is released by the same rule.
 */
export const IDEMPOTENCY_KEY_RETENTION_MS = 24 * 60 * 60 * 1000;

const expired = (at: string, nowMs: number) =>
  Date.parse(at) + IDEMPOTENCY_KEY_RETENTION_MS <= nowMs;

/**
 * Performs `work` once per idempotency key (SPEC §13: uploads and "run now"). The first request
 * with a key claims it (a conditional create: of concurrent requests exactly one works) and
 * records its answer; a repeat gets that answer again (`replayed: true`) and never a second
 * effect. A repeat while the first is still working is refused (CONFLICT, reason `in-progress`);
 * a key reused for a different request (another `fingerprint`) is refused (VALIDATION_ERROR).
 * When `work` throws, nothing happened: the claim is released and the key may be used again.
 * Keys are remembered for {@link IDEMPOTENCY_KEY_RETENTION_MS}.
 *
 * @example
 * ```ts
 * const { body, replayed } = await withIdempotencyKey({ store, clock }, 'run-now', key, '', async () =>
 *   ({ status: 201, body: await pipeline.run({ trigger: 'manual' }) }));
 * ```
 */
export async function withIdempotencyKey(
  deps: { store: ObjectStore; clock: Clock },
  scope: 'run-now' | 'upload' | 'job-run-now',
  key: string,
  fingerprint: string,
  work: () => Promise<IdempotentAnswer>,
): Promise<IdempotentAnswer & { replayed: boolean }> {
  const { store, clock } = deps;
  const storeKey = idempotencyKey(scope, await sha256Hex(encoder.encode(key)));
  const claim = () =>
    createDocument(store, storeKey, {
      state: 'pending',
      fingerprint,
      at: clock.now().toISOString(),
    });
  try {
    await claim();
  } catch (err) {
    if (!isMarketPulseError(err, 'CONFLICT')) throw err;
    const stored = await readDocument(store, storeKey, recordSchema);
    if (!stored || !expired(stored.value.at, clock.now().getTime()))
      return replay(stored?.value ?? null, key, fingerprint);
    // Past its retention the key is new again: release the old record (only that one — a
    // concurrent request may have done the same and claimed it) and claim once more.
    await store.delete(storeKey, { ifMatch: stored.etag }).catch(() => undefined);
    try {
      await claim();
    } catch (again) {
      if (!isMarketPulseError(again, 'CONFLICT')) throw again;
      const now = await readDocument(store, storeKey, recordSchema);
      return replay(now?.value ?? null, key, fingerprint);
    }
  }
  let answer: IdempotentAnswer;
  try {
    answer = await work();
  } catch (err) {
    await store.delete(storeKey).catch(() => undefined);
    throw err;
  }
  const done = { state: 'done' as const, fingerprint, at: clock.now().toISOString(), ...answer };
  await store.put(storeKey, encodeDocument(2, done));
  return { ...answer, replayed: false };
}

function replay(
  record: z.infer<typeof recordSchema> | null,
  key: string,
  fingerprint: string,
): IdempotentAnswer & { replayed: boolean } {
  if (!record)
    throw new MarketPulseError(
      'CONFLICT',
      `the request with Idempotency-Key ${key} failed a moment ago; retry it`,
      { details: { reason: 'in-progress', key } },
    );
  if (record.fingerprint !== fingerprint)
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `Idempotency-Key ${key} was used for a different request; use a new key for a new request`,
      { details: { reason: 'key-reused', key } },
    );
  if (record.state === 'pending')
    throw new MarketPulseError(
      'CONFLICT',
      `the request with Idempotency-Key ${key} (since ${record.at}) is still in progress; repeat it later for its answer`,
      { details: { reason: 'in-progress', key, since: record.at } },
    );
  return { status: record.status, body: record.body, replayed: true };
}

/**
 * Removes the records of idempotency keys past {@link IDEMPOTENCY_KEY_RETENTION_MS} (and
 * unreadable ones), so the store does not keep one per request for ever. Safe on every replica at
 * once: each removal is conditional on the record read. Returns how many were removed.
 */
export async function pruneIdempotencyKeys(deps: {
  store: ObjectStore;
  clock: Clock;
}): Promise<number> {
  const nowMs = deps.clock.now().getTime();
  let removed = 0;
  for await (const { key } of deps.store.list(IDEMPOTENCY_PREFIX)) {
    const stored = await readDocument(deps.store, key, recordSchema).catch(() => null);
    if (stored && !expired(stored.value.at, nowMs)) continue;
    await deps.store.delete(key, stored ? { ifMatch: stored.etag } : {}).catch(() => undefined);
    removed++;
  }
  return removed;
}
