import { MarketPulseError } from '../errors.js';
import {
  isValidKey,
  type ObjectListing,
  type ObjectStore,
  type PutCondition,
  type StoredObject,
} from '../ports/object-store.js';

interface Entry {
  body: Uint8Array;
  etag: string;
}

/** FNV-1a over the bytes: like S3's MD5 ETags, identical bytes give identical ETags. */
function contentEtag(body: Uint8Array): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ body.length;
  for (let i = 0; i < body.length; i++) {
    h1 = Math.imul(h1 ^ (body[i] as number), 0x01000193);
    h2 = Math.imul(h2 ^ (body[i] as number), 0x5bd1e995);
  }
  return `${(h1 >>> 0).toString(16).padStart(8, '0')}${(h2 >>> 0).toString(16).padStart(8, '0')}-${body.length}`;
}

function checkKey(key: string): void {
  if (!isValidKey(key)) {
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `invalid store key "${key}": use [A-Za-z0-9._-] segments separated by /`,
    );
  }
}

/** An `ifMatch` condition fails on a missing key (NOT_FOUND) or a different ETag (PRECONDITION_FAILED). */
function checkMatch(key: string, current: Entry | undefined, ifMatch: string | undefined): void {
  if (ifMatch === undefined) return;
  if (!current)
    throw new MarketPulseError('NOT_FOUND', `${key} does not exist`, { details: { key } });
  if (current.etag !== ifMatch) {
    throw new MarketPulseError('PRECONDITION_FAILED', `${key} has changed`, { details: { key } });
  }
}

/** An in-memory {@link ObjectStore} with the same conditional-write semantics as the real stores. */
export function createMemoryStore(): ObjectStore & { readonly size: number } {
  const entries = new Map<string, Entry>();
  // Yield once per call so concurrent callers interleave as they would on a real store.
  const tick = () => Promise.resolve();
  return {
    get size() {
      return entries.size;
    },
    async get(key: string): Promise<StoredObject | null> {
      checkKey(key);
      await tick();
      const entry = entries.get(key);
      return entry ? { body: entry.body.slice(), etag: entry.etag } : null;
    },
    async put(key: string, body: Uint8Array, condition: PutCondition = {}) {
      checkKey(key);
      const copy = body.slice();
      await tick();
      const current = entries.get(key);
      if (condition.ifNoneMatch === '*' && current) {
        throw new MarketPulseError('PRECONDITION_FAILED', `${key} already exists`, {
          details: { key },
        });
      }
      checkMatch(key, current, condition.ifMatch);
      const etag = contentEtag(copy);
      entries.set(key, { body: copy, etag });
      return { etag };
    },
    async delete(key: string, condition: { ifMatch?: string } = {}) {
      checkKey(key);
      await tick();
      const current = entries.get(key);
      checkMatch(key, current, condition.ifMatch);
      entries.delete(key);
    },
    async *list(
      prefix: string,
      options: { after?: string; limit?: number } = {},
    ): AsyncIterable<ObjectListing> {
      await tick();
      const keys = [...entries.keys()]
        .filter((k) => k.startsWith(prefix) && (options.after === undefined || k > options.after))
        .sort();
      const limit = options.limit ?? Number.POSITIVE_INFINITY;
      let yielded = 0;
      for (const key of keys) {
        if (yielded >= limit) return;
        const entry = entries.get(key);
        if (!entry) continue; // deleted while listing
        yielded++;
        yield { key, etag: entry.etag, size: entry.body.length };
      }
    },
  };
}
