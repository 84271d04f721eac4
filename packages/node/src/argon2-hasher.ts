import { randomBytes } from 'node:crypto';
import type { PasswordHasher, RandomSource } from '@market-pulse/core';
import { hash, parseOptions, verify } from '@node-rs/argon2';

/** Argon2id parameters (OWASP's minimum: 19 MiB, 2 passes, 1 lane — ~50 ms a hash here). */
export interface Argon2Parameters {
  /** Memory in KiB (default 19,456 = 19 MiB). */
  memoryCost: number;
  /** Passes (default 2). */
  timeCost: number;
  /** Lanes (default 1). */
  parallelism: number;
}

/** OWASP's recommended minimum for Argon2id (Password Storage Cheat Sheet). */
export const DEFAULT_ARGON2: Readonly<Argon2Parameters> = Object.freeze({
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
});

// `Algorithm.Argon2id` is a const enum, which isolated modules cannot read: its value is 2.
const ARGON2ID = 2;

/**
 * Core's `PasswordHasher` with Argon2id (`@node-rs/argon2`, a prebuilt binary from npm). Raise the
 * parameters and every stored hash made with weaker ones is upgraded at its account's next login.
 */
export function argon2Hasher(parameters: Partial<Argon2Parameters> = {}): PasswordHasher {
  const current = { ...DEFAULT_ARGON2, ...parameters };
  return {
    hash: (password) => hash(password, { ...current, algorithm: ARGON2ID }),
    async verify(stored, password) {
      try {
        return await verify(stored, password);
      } catch {
        return false; // a malformed stored hash matches nothing
      }
    },
    needsRehash(stored) {
      try {
        const used = parseOptions(stored);
        return (
          used.algorithm !== ARGON2ID ||
          used.memoryCost < current.memoryCost ||
          used.timeCost < current.timeCost ||
          used.parallelism < current.parallelism
        );
      } catch {
        return true;
      }
    },
  };
}

/** Core's `RandomSource` from the operating system's CSPRNG. */
export const systemRandom: RandomSource = {
  bytes: (length) => new Uint8Array(randomBytes(length)),
};
