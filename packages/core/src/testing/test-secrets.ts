import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { PasswordHasher } from '../ports/password-hasher.js';
import type { RandomSource } from '../ports/random-source.js';

/**
 * A seeded {@link RandomSource} for tests: the same seed gives the same bytes. Never for real
 * secrets (it is predictable by design).
 */
export function createSeededRandom(seed = 1): RandomSource {
  let state = seed >>> 0 || 1;
  return {
    bytes(length) {
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i++) {
        // xorshift32: enough spread for distinct test secrets.
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        out[i] = state & 0xff;
      }
      return out;
    },
  };
}

/**
 * A fast {@link PasswordHasher} for tests (salted SHA-256 in a PHC-like string, with a `cost`
 * that `needsRehash` compares against `currentCost`). Never for real passwords: the Node adapter's
 * Argon2id is the one to use.
 */
export function createTestHasher(
  options: { cost?: number; random?: RandomSource } = {},
): PasswordHasher {
  const cost = options.cost ?? 1;
  const random = options.random ?? createSeededRandom(7);
  const encoder = new TextEncoder();
  const digest = (salt: string, password: string) =>
    bytesToHex(sha256(encoder.encode(`${salt}:${password}`)));
  return {
    async hash(password) {
      const salt = bytesToHex(random.bytes(8));
      return `$test$c=${cost}$${salt}$${digest(salt, password)}`;
    },
    async verify(hash, password) {
      const match = /^\$test\$c=\d+\$([0-9a-f]+)\$([0-9a-f]{64})$/.exec(hash);
      return match !== null && digest(match[1] as string, password) === match[2];
    },
    needsRehash(hash) {
      const match = /^\$test\$c=(\d+)\$/.exec(hash);
      return match === null || Number(match[1]) < cost;
    },
  };
}
