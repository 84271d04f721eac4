/**
 * Where secret random bytes come from (API keys, reset tokens, refresh tokens); core never calls a
 * random source itself. Adapters must use a cryptographically secure generator (Node:
 * `crypto.randomBytes`); the testing kit's is seeded and for tests only.
 */
export interface RandomSource {
  /** `length` cryptographically random bytes. */
  bytes(length: number): Uint8Array;
}
