/**
 * Password hashing (SPEC §10: Argon2id with current OWASP parameters). Hashes are PHC strings
 * (`$argon2id$v=19$m=19456,t=2,p=1$…`) so the parameters travel with each hash and can be raised:
 * `needsRehash` says a stored hash was made with weaker ones, and the next successful login
 * upgrades it.
 */
export interface PasswordHasher {
  /** A PHC string for `password`, with a fresh salt. */
  hash(password: string): Promise<string>;
  /** Whether `password` matches the PHC string `hash` (false, never a throw, for a malformed hash). */
  verify(hash: string, password: string): Promise<boolean>;
  /** Whether `hash` was made with parameters weaker than the current ones. */
  needsRehash(hash: string): boolean;
}
