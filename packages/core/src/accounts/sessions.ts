import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { isMarketPulseError, MarketPulseError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { RandomSource } from '../ports/random-source.js';
import { createDocument, readDocument, updateDocument } from '../store/json-document.js';
import { SESSIONS_PREFIX, sessionKey } from '../store/layout.js';
import { type User, userSchema } from './user.js';
import { findUser } from './user-store.js';

/**
 * Sessions and their refresh tokens (SPEC §10, ASVS V7): a sign-in opens a session, a family of
 * opaque refresh tokens of which only the newest is valid. Using it rotates it (a new one is
 * returned, the old one retired); presenting a retired one again means it was copied, so the
 * whole family is revoked — the thief and the user both sign in again. Tokens are stored hashed.
 */
export const SESSION_POLICY = Object.freeze({
  /** A session not refreshed for this long ends (idle timeout). */
  idleHours: 12,
  /** A session ends this long after sign-in, whatever its use (absolute timeout). */
  absoluteDays: 7,
  /** Retired tokens remembered per family, to recognise a reuse. */
  retiredKept: 50,
});

/** A stored session (a refresh-token family). */
export const sessionSchema = z.object({
  id: z.string().regex(/^[0-9a-f]{32}$/),
  userId: userSchema.shape.id,
  createdAt: z.string(),
  refreshedAt: z.string(),
  /** SHA-256 of the one valid refresh token. */
  current: z.string().regex(/^[0-9a-f]{64}$/),
  /** SHA-256 of the retired tokens, newest first. */
  retired: z.array(z.string()),
  revokedAt: z.string().nullable(),
  revokedReason: z.enum(['logout', 'reuse', 'admin']).nullable(),
  /** The account's `sessionGeneration` when the session opened (absent in older sessions). */
  generation: z.number().int().nonnegative().optional(),
});
/** A stored session. */
export type Session = z.infer<typeof sessionSchema>;

/** What the session functions need. */
export interface SessionDependencies {
  store: ObjectStore;
  clock: Clock;
  random: RandomSource;
}

const TOKEN_FORMAT = /^mpr_([0-9a-f]{32})_([0-9a-f]{64})$/;
const hashOf = (secret: string) => bytesToHex(sha256(new TextEncoder().encode(secret)));

const refused = (reason: string) =>
  new MarketPulseError('UNAUTHENTICATED', 'sign in again: the session has ended', {
    details: { reason },
  });

function newSecret(random: RandomSource): { secret: string; hash: string } {
  const secret = bytesToHex(random.bytes(32));
  return { secret, hash: hashOf(secret) };
}

/**
 * Opens a session for an account that just signed in — `user` as its credentials were checked
 * against: a change that ended its sessions since (a new password) ends this one too. Returns the
 * session's id and first refresh token.
 */
export async function openSession(
  deps: SessionDependencies,
  user: Pick<User, 'id' | 'sessionGeneration'>,
): Promise<{ sessionId: string; refreshToken: string }> {
  const userId = user.id;
  const id = bytesToHex(deps.random.bytes(16));
  const { secret, hash } = newSecret(deps.random);
  const now = deps.clock.now().toISOString();
  await createDocument(deps.store, sessionKey(id), {
    id,
    userId,
    createdAt: now,
    refreshedAt: now,
    current: hash,
    retired: [],
    revokedAt: null,
    revokedReason: null,
    generation: user.sessionGeneration ?? 0,
  } satisfies Session);
  return { sessionId: id, refreshToken: `mpr_${id}_${secret}` };
}

/** Why a stored session can no longer be used, or undefined. */
function sessionProblem(
  deps: Pick<SessionDependencies, 'clock'>,
  session: Session,
  user: User | null,
): string | undefined {
  if (session.revokedAt !== null) return `revoked (${session.revokedReason})`;
  const now = deps.clock.now().getTime();
  if (now - Date.parse(session.refreshedAt) > SESSION_POLICY.idleHours * 3_600_000) return 'idle';
  if (now - Date.parse(session.createdAt) > SESSION_POLICY.absoluteDays * 86_400_000)
    return 'expired';
  if (!user) return 'no account';
  if (user.disabled) return 'account disabled';
  if (endedByAccountChange(session, user)) return 'ended by an account change';
  return undefined;
}

/**
 * Whether a change to the account (a new password, a disable) ended the session after it opened.
 * Generations are compared, not instants: a change in the session's own millisecond ends it too.
 * A session from before generations were recorded falls back to the instant, counting a change at
 * the very millisecond it opened as after it (signing in again is the safe side).
 */
function endedByAccountChange(session: Session, user: User): boolean {
  if (session.generation !== undefined) return session.generation !== (user.sessionGeneration ?? 0);
  return Date.parse(session.createdAt) <= Date.parse(user.sessionsValidFrom);
}

/**
 * Whether a session may still be used (for every request with an access token): UNAUTHENTICATED
 * when it was revoked, timed out, or its account was disabled, removed or had its password changed
 * since the session opened. Returns the session with its account (read once, for the caller).
 */
export async function checkSession(
  deps: Pick<SessionDependencies, 'store' | 'clock'>,
  sessionId: string,
): Promise<{ session: Session; user: User }> {
  const stored = /^[0-9a-f]{32}$/.test(sessionId)
    ? await readDocument(deps.store, sessionKey(sessionId), sessionSchema)
    : null;
  if (!stored) throw refused('unknown session');
  const user = await findUser(deps.store, stored.value.userId);
  const problem = sessionProblem(deps, stored.value, user);
  if (problem !== undefined || !user) throw refused(problem ?? 'no account');
  return { session: stored.value, user };
}

/**
 * Rotates a refresh token: the new token and the session, or UNAUTHENTICATED. A retired token
 * presented again revokes the whole session (reuse detection).
 */
export async function refreshSession(
  deps: SessionDependencies,
  refreshToken: string,
): Promise<{ session: Session; user: User; refreshToken: string }> {
  const match = TOKEN_FORMAT.exec(refreshToken.trim());
  if (!match) throw refused('malformed');
  const [, id, secret] = match as unknown as [string, string, string];
  const presented = hashOf(secret);
  const { session, user } = await checkSession(deps, id);
  if (session.retired.includes(presented)) {
    await revokeSession(deps, id, 'reuse');
    throw refused('reuse');
  }
  if (session.current !== presented) throw refused('unknown token');
  const next = newSecret(deps.random);
  const now = deps.clock.now().toISOString();
  let reused = false;
  const outcome = await updateDocument(deps.store, sessionKey(id), sessionSchema, (current) => {
    if (current === null || current.revokedAt !== null) throw refused('revoked');
    // Another refresh with this token got in first: this one is a reuse.
    if (current.current !== presented) {
      reused = true;
      return { ...current, revokedAt: now, revokedReason: 'reuse' as const };
    }
    return {
      ...current,
      current: next.hash,
      retired: [presented, ...current.retired].slice(0, SESSION_POLICY.retiredKept),
      refreshedAt: now,
    };
  });
  if (reused) throw refused('reuse');
  return { session: outcome.value as Session, user, refreshToken: `mpr_${id}_${next.secret}` };
}

/** Ends a session (logout, or an admin's revocation); idempotent. */
export async function revokeSession(
  deps: Pick<SessionDependencies, 'store' | 'clock'>,
  sessionId: string,
  reason: 'logout' | 'reuse' | 'admin',
): Promise<void> {
  if (!/^[0-9a-f]{32}$/.test(sessionId)) return;
  const now = deps.clock.now().toISOString();
  try {
    await updateDocument(deps.store, sessionKey(sessionId), sessionSchema, (current) =>
      current === null || current.revokedAt !== null
        ? undefined
        : { ...current, revokedAt: now, revokedReason: reason },
    );
  } catch (err) {
    if (!isMarketPulseError(err, 'NOT_FOUND')) throw err;
  }
}

/** The session a refresh token names (for logout with the refresh token), if it is well-formed. */
export function sessionIdOfRefreshToken(refreshToken: string): string | undefined {
  return TOKEN_FORMAT.exec(refreshToken.trim())?.[1];
}

/**
 * Removes the sessions that can no longer be used — revoked, idle past
 * {@link SESSION_POLICY}.idleHours or older than its absolute lifetime — so the store does not
 * keep every sign-in forever. A removed session refuses its tokens exactly as a revoked one does
 * (an unknown session is refused). Returns how many were removed; a session refreshed meanwhile
 * is kept (the delete is conditional on the version read).
 */
export async function pruneSessions(
  deps: Pick<SessionDependencies, 'store' | 'clock'>,
): Promise<number> {
  const now = deps.clock.now().getTime();
  let removed = 0;
  for await (const { key } of deps.store.list(SESSIONS_PREFIX)) {
    if (!key.endsWith('.json')) continue;
    const stored = await readDocument(deps.store, key, sessionSchema).catch(() => null);
    if (!stored) continue;
    const session = stored.value;
    const usable =
      session.revokedAt === null &&
      now - Date.parse(session.refreshedAt) <= SESSION_POLICY.idleHours * 3_600_000 &&
      now - Date.parse(session.createdAt) <= SESSION_POLICY.absoluteDays * 86_400_000;
    if (usable) continue;
    try {
      await deps.store.delete(key, { ifMatch: stored.etag });
      removed++;
    } catch (err) {
      if (!isMarketPulseError(err, 'NOT_FOUND') && !isMarketPulseError(err, 'PRECONDITION_FAILED'))
        throw err;
    }
  }
  return removed;
}
