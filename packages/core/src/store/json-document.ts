import type { z } from 'zod';
import { isMarketPulseError, MarketPulseError } from '../errors.js';
import type { ObjectStore } from '../ports/object-store.js';
import { damagedObject } from './damaged-object.js';

/** A stored JSON document with the ETag it was read at. */
export interface StoredDocument<T> {
  value: T;
  etag: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Writing "the same" bytes twice gives the same ETag, so every CAS'd document carries a generation. */
interface Envelope<T> {
  generation: number;
  value: T;
}

/**
 * A document's stored bytes: the value in its envelope with the generation. Every versioned document
 * is written in this form (through this module), so one reader reads them all.
 */
export function encodeDocument<T>(generation: number, value: T): Uint8Array {
  return encoder.encode(JSON.stringify({ generation, value } satisfies Envelope<T>));
}

/**
 * Reads and validates a JSON document. `null` when the key does not exist; a stored document that
 * does not parse or fails the schema is a damaged-object error (INTERNAL, `details.key`), never
 * silently ignored.
 */
export async function readDocument<S extends z.ZodType>(
  store: ObjectStore,
  key: string,
  schema: S,
): Promise<(StoredDocument<z.output<S>> & { generation: number }) | null> {
  const stored = await store.get(key);
  if (!stored) return null;
  let envelope: Envelope<unknown>;
  try {
    envelope = JSON.parse(decoder.decode(stored.body)) as Envelope<unknown>;
  } catch (err) {
    throw damagedObject(key, 'it is not valid JSON', err);
  }
  if (
    typeof envelope !== 'object' ||
    envelope === null ||
    !Number.isSafeInteger(envelope.generation)
  ) {
    throw damagedObject(key, 'it has no generation (not a Market Pulse document)');
  }
  const parsed = schema.safeParse(envelope.value);
  if (!parsed.success) {
    throw damagedObject(key, 'it does not match its schema', undefined, parsed.error.issues);
  }
  return { value: parsed.data, etag: stored.etag, generation: envelope.generation };
}

/** Creates a document; CONFLICT when it already exists. */
export async function createDocument<T>(
  store: ObjectStore,
  key: string,
  value: T,
): Promise<StoredDocument<T>> {
  try {
    const { etag } = await store.put(key, encodeDocument(1, value), { ifNoneMatch: '*' });
    return { value, etag };
  } catch (err) {
    if (isMarketPulseError(err, 'PRECONDITION_FAILED')) {
      throw new MarketPulseError('CONFLICT', `${key} already exists`, {
        cause: err,
        details: { key },
      });
    }
    throw err;
  }
}

/** The outcome of {@link updateDocument}: the document as it stands after the call. */
export interface UpdateOutcome<T> {
  /** The value written, or the current one (`null` when absent) when `change` returned `undefined`. */
  value: T;
  /** The document's ETag after the call (`''` when it is absent). */
  etag: string;
  /** Whether this call wrote (false when `change` returned `undefined`). */
  written: boolean;
}

/**
 * Read–change–write with compare-and-swap, retried when another writer got in between. `change`
 * gets the current value (`null` when absent) and returns the new one, or `undefined` to write
 * nothing. It must be pure: it may run several times. Gives up with CONFLICT after `attempts`.
 *
 * @example
 * ```ts
 * await updateDocument(store, 'config/rules.json', rulesFileSchema, (current) => ({
 *   rules: [...(current?.rules ?? []), rule],
 * }));
 * ```
 */
export async function updateDocument<S extends z.ZodType>(
  store: ObjectStore,
  key: string,
  schema: S,
  change: (current: z.output<S> | null) => z.output<S> | undefined,
  options: { attempts?: number } = {},
): Promise<UpdateOutcome<z.output<S> | null>> {
  const attempts = options.attempts ?? 50;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const current = await readDocument(store, key, schema);
    const next = change(current?.value ?? null);
    if (next === undefined) {
      return { value: current?.value ?? null, etag: current?.etag ?? '', written: false };
    }
    const checked = schema.safeParse(next);
    if (!checked.success) {
      throw new MarketPulseError('VALIDATION_ERROR', `refusing to store an invalid ${key}`, {
        details: { key, issues: checked.error.issues },
      });
    }
    const body = encodeDocument((current?.generation ?? 0) + 1, checked.data);
    try {
      const { etag } = current
        ? await store.put(key, body, { ifMatch: current.etag })
        : await store.put(key, body, { ifNoneMatch: '*' });
      return { value: checked.data, etag, written: true };
    } catch (err) {
      // Someone else wrote first (a missing key may report NOT_FOUND): read again and retry.
      if (!isMarketPulseError(err, 'PRECONDITION_FAILED') && !isMarketPulseError(err, 'NOT_FOUND'))
        throw err;
    }
  }
  throw new MarketPulseError(
    'CONFLICT',
    `${key} kept changing; gave up after ${attempts} attempts`,
    { details: { key } },
  );
}
