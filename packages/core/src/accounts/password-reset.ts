import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { MarketPulseError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Mailer } from '../ports/mailer.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { PasswordHasher } from '../ports/password-hasher.js';
import type { RandomSource } from '../ports/random-source.js';
import { encodeDocument, readDocument, updateDocument } from '../store/json-document.js';
import { passwordResetKey } from '../store/layout.js';
import { passwordProblem } from './password-policy.js';
import { consumeRateLimit, RATE_LIMITS, rateLimited } from './rate-limits.js';
import { normalizeEmail } from './user.js';
import { findUser, setPassword } from './user-store.js';

/** How long a reset link works. */
export const RESET_TOKEN_MINUTES = 30;

const resetSchema = z.object({
  secretHash: z.string().regex(/^[0-9a-f]{64}$/),
  expiresAt: z.string(),
  usedAt: z.string().nullable(),
});

const TOKEN_FORMAT = /^mprt_([0-9a-f]{32})_([0-9a-f]{64})$/;
const hashOf = (secret: string) => bytesToHex(sha256(new TextEncoder().encode(secret)));

/** What the reset functions need. */
export interface PasswordResetDependencies {
  store: ObjectStore;
  clock: Clock;
  random: RandomSource;
  mailer: Mailer;
}

/**
 * "Forgot password": mails a one-time link (valid {@link RESET_TOKEN_MINUTES} minutes; a newer
 * request replaces it) to an enabled account. Resolves the same way whether or not the address
 * has an account — the caller answers "if the address has an account, a link was sent" — and is
 * limited per address and per source (RATE_LIMITED past them). Hosts should answer without
 * waiting for the mail, so the time of the answer says nothing either.
 */
export async function requestPasswordReset(
  deps: PasswordResetDependencies,
  email: string,
  source: string,
  linkOf: (token: string) => string,
): Promise<void> {
  const address = normalizeEmail(email);
  for (const [rule, subject] of [
    [RATE_LIMITS.forgotPasswordPerSource, source],
    [RATE_LIMITS.forgotPasswordPerAccount, address],
  ] as const) {
    const state = await consumeRateLimit(deps, rule, subject);
    if (!state.allowed) throw rateLimited(state, 'password reset requests');
  }
  const user = address.includes('@') ? await findUser(deps.store, address) : null;
  if (!user || user.disabled) return;
  const secret = bytesToHex(deps.random.bytes(32));
  const expiresAt = new Date(
    deps.clock.now().getTime() + RESET_TOKEN_MINUTES * 60_000,
  ).toISOString();
  await deps.store.put(
    passwordResetKey(user.id),
    encodeDocument(1, { secretHash: hashOf(secret), expiresAt, usedAt: null }),
  );
  const link = linkOf(`mprt_${user.id}_${secret}`);
  await deps.mailer.send({
    to: [user.email],
    subject: 'Market Pulse: reset your password',
    text: [
      `Someone (hopefully you) asked to reset the Market Pulse password of ${user.email}.`,
      '',
      `Choose a new password here within ${RESET_TOKEN_MINUTES} minutes (the link works once):`,
      link,
      '',
      'If you did not ask, ignore this mail: your password stays as it is.',
    ].join('\n'),
  });
}

const invalidLink = () =>
  new MarketPulseError(
    'UNAUTHENTICATED',
    'the reset link is not valid (it may have expired or been used): ask for a new one',
  );

/**
 * Sets a new password with a reset token: once (two uses of one link cannot both succeed), before
 * it expires, policy-checked (VALIDATION_ERROR naming the problem, the link still usable); every
 * session of the account ends.
 */
export async function resetPassword(
  deps: Pick<PasswordResetDependencies, 'store' | 'clock'> & { hasher: PasswordHasher },
  token: string,
  newPassword: string,
): Promise<void> {
  const match = TOKEN_FORMAT.exec(token.trim());
  if (!match) throw invalidLink();
  const [, userId, secret] = match as unknown as [string, string, string];
  const stored = await readDocument(deps.store, passwordResetKey(userId), resetSchema);
  const now = deps.clock.now();
  if (
    !stored ||
    stored.value.usedAt !== null ||
    Date.parse(stored.value.expiresAt) <= now.getTime() ||
    stored.value.secretHash !== hashOf(secret)
  )
    throw invalidLink();
  const user = await findUser(deps.store, userId);
  if (!user || user.disabled) throw invalidLink();
  // A password the policy refuses leaves the link usable for another try.
  const problem = await passwordProblem(newPassword, user);
  if (problem !== undefined)
    throw new MarketPulseError('VALIDATION_ERROR', `the password ${problem}`, {
      details: { field: 'password', reason: problem },
    });
  // Claim the token first (compare-and-swap), so two uses of one link cannot both succeed.
  const claimed = await updateDocument(
    deps.store,
    passwordResetKey(userId),
    resetSchema,
    (current) =>
      current && current.usedAt === null && current.secretHash === stored.value.secretHash
        ? { ...current, usedAt: now.toISOString() }
        : undefined,
  );
  if (!claimed.written) throw invalidLink();
  await setPassword(deps, userId, newPassword, `user:${user.email}`);
}
