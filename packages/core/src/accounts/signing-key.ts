import { z } from 'zod';
import { isMarketPulseError, MarketPulseError } from '../errors.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { RandomSource } from '../ports/random-source.js';
import { createDocument, readDocument } from '../store/json-document.js';
import { TOKEN_KEY_DOCUMENT } from '../store/layout.js';

const keySchema = z.object({ hex: z.string().regex(/^[0-9a-f]{64,}$/) });

const fromHex = (hex: string) =>
  Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
const toHex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/**
 * The key access tokens are signed with: the configured one (`configured`, at least 32 bytes as
 * 64+ hex digits — e.g. from a secrets manager), else one generated once and kept in the store,
 * so every replica sharing the store signs and verifies alike. Whoever can read the store can
 * forge tokens: protect it, or configure the key.
 */
export async function tokenSigningKey(
  store: ObjectStore,
  random: RandomSource,
  configured?: string,
): Promise<Uint8Array> {
  if (configured !== undefined) {
    const hex = configured.trim().toLowerCase();
    if (!keySchema.shape.hex.safeParse(hex).success || hex.length % 2 !== 0)
      throw new MarketPulseError(
        'VALIDATION_ERROR',
        'the token signing key must be at least 32 bytes written as 64 or more hex digits (e.g. openssl rand -hex 32)',
      );
    return fromHex(hex);
  }
  const stored = await readDocument(store, TOKEN_KEY_DOCUMENT, keySchema);
  if (stored) return fromHex(stored.value.hex);
  try {
    const hex = toHex(random.bytes(32));
    await createDocument(store, TOKEN_KEY_DOCUMENT, { hex });
    return fromHex(hex);
  } catch (err) {
    // Another process created it first: use theirs.
    if (!isMarketPulseError(err, 'CONFLICT')) throw err;
    const theirs = await readDocument(store, TOKEN_KEY_DOCUMENT, keySchema);
    if (!theirs) throw err;
    return fromHex(theirs.value.hex);
  }
}
