import { z } from 'zod';
import { isMarketPulseError, MarketPulseError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import { sha256Hex } from '../store/checksum.js';
import { createDocument, encodeDocument, readDocument } from '../store/json-document.js';
import { idempotencyKey } from '../store/layout.js';

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
 * Performs `work` once per idempotency key (SPEC §13: uploads and "run now"). The first request
 * with a key claims it (a conditional create: of concurrent requests exactly one works) and
 * records its answer; a repeat gets that answer again (`replayed: true`) and never a second
 * effect. A repeat while the first is still working is refused (CONFLICT, reason `in-progress`);
 * a key reused for a different request (another `fingerprint`) is refused (VALIDATION_ERROR).
 * When `work` throws, nothing happened: the claim is released and the key may be used again.
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
  try {
    await createDocument(store, storeKey, {
      state: 'pending',
      fingerprint,
      at: clock.now().toISOString(),
    });
  } catch (err) {
    if (!isMarketPulseError(err, 'CONFLICT')) throw err;
    return replay(store, storeKey, key, fingerprint);
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

async function replay(
  store: ObjectStore,
  storeKey: string,
  key: string,
  fingerprint: string,
): Promise<IdempotentAnswer & { replayed: boolean }> {
  const stored = await readDocument(store, storeKey, recordSchema);
  if (!stored)
    throw new MarketPulseError(
      'CONFLICT',
      `the request with Idempotency-Key ${key} failed a moment ago; retry it`,
      { details: { reason: 'in-progress', key } },
    );
  const record = stored.value;
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
