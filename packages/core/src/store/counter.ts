import { z } from 'zod';
import type { ObjectStore } from '../ports/object-store.js';
import { readDocument, updateDocument } from './json-document.js';

const counterSchema = z.object({ last: z.number().int().nonnegative() });

/**
 * Allocates the next integer of a counter stored at `key` (1, 2, 3, …) by compare-and-swap: every
 * caller, in any process sharing the store, gets a different number, and a number is never handed
 * out twice — even if the caller then fails (RUN_IDs are never reused, SPEC §4).
 *
 * @example
 * ```ts
 * const runId = await allocateNumber(store, 'counters/run-id.json');
 * ```
 */
export async function allocateNumber(store: ObjectStore, key: string): Promise<number> {
  const { value } = await updateDocument(
    store,
    key,
    counterSchema,
    (current) => ({ last: (current?.last ?? 0) + 1 }),
    {
      attempts: 1_000,
    },
  );
  return (value as z.output<typeof counterSchema>).last;
}

/** The last number a counter handed out (0 when it never did). */
export async function readNumber(store: ObjectStore, key: string): Promise<number> {
  return (await readDocument(store, key, counterSchema))?.value.last ?? 0;
}
