// One error for "the store holds something that is not what was written": a reader that finds a
// damaged object says which one (details.key) and never hands its bytes on as data.
import { isMarketPulseError, MarketPulseError } from '../errors.js';
import type { ObjectStore } from '../ports/object-store.js';
import { type ObjectDigest, sha256Hex } from './checksum.js';

/** The details of a damaged-object error: the key, and what is wrong with it. */
export interface DamageDetails {
  key: string;
  reason: string;
  /** A document that fails its schema: the schema's issues. */
  issues?: unknown;
}

/**
 * The error for a stored object that cannot be what was written (a checksum or count mismatch,
 * bytes that do not parse, an object a record names that is missing): INTERNAL, naming the key.
 */
export function damagedObject(
  key: string,
  reason: string,
  cause?: unknown,
  issues?: unknown,
): MarketPulseError<DamageDetails> {
  return new MarketPulseError('INTERNAL', `stored object ${key} is damaged: ${reason}`, {
    details: { key, reason, ...(issues === undefined ? {} : { issues }) },
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * The key a read failed on when `err` says a stored object is damaged or unreadable (an INTERNAL
 * error naming its key); `undefined` for any other failure (the store unreachable, a bug…), which
 * callers let through.
 */
export function damagedKey(err: unknown): string | undefined {
  if (!isMarketPulseError(err, 'INTERNAL')) return undefined;
  const key = (err.details as { key?: unknown } | undefined)?.key;
  return typeof key === 'string' ? key : undefined;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * An object's bytes, checked against the digest a record holds for it (when it holds one): a
 * missing object or one whose SHA-256 differs is a damaged-object error naming the key.
 */
export async function readChecked(
  store: ObjectStore,
  key: string,
  expected?: ObjectDigest,
): Promise<Uint8Array> {
  const stored = await store.get(key);
  if (!stored) throw damagedObject(key, 'it is missing');
  if (expected && (await sha256Hex(stored.body)) !== expected.sha256)
    throw damagedObject(key, 'its checksum does not match the record that names it');
  return stored.body;
}

/** An object's text; bytes that are not UTF-8 are a damaged-object error naming the key. */
export function textOf(key: string, body: Uint8Array): string {
  try {
    return decoder.decode(body);
  } catch (err) {
    throw damagedObject(key, 'it is not UTF-8 text', err);
  }
}

/**
 * The lines of a JSON-lines object, checked against the digest a record holds for it (checksum
 * and line count) when it holds one.
 */
export async function readCheckedLines(
  store: ObjectStore,
  key: string,
  expected?: ObjectDigest,
): Promise<string[]> {
  const lines = textOf(key, await readChecked(store, key, expected))
    .split('\n')
    .filter(Boolean);
  if (expected && lines.length !== expected.count)
    throw damagedObject(key, `it has ${lines.length} lines where ${expected.count} were written`);
  return lines;
}

/** `JSON.parse` of one stored line or document; a parse failure names the key. */
export function parseStored<T>(key: string, text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw damagedObject(key, `it is not valid JSON (${(err as Error).message})`, err);
  }
}

/** What a damaged-object error says (see {@link damagedKey}); `undefined` for any other failure. */
export function damageOf(err: unknown): DamageDetails | undefined {
  const key = damagedKey(err);
  if (key === undefined) return undefined;
  const reason = (err as MarketPulseError<Partial<DamageDetails>>).details?.reason;
  return { key, reason: reason ?? (err as Error).message };
}
