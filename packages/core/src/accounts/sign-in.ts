import { MarketPulseError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { PasswordHasher } from '../ports/password-hasher.js';
import type { RandomSource } from '../ports/random-source.js';
import { issueAccessToken, verifyAccessToken } from './access-tokens.js';
import { verifyApiKey } from './api-keys.js';
import type { Principal } from './principal.js';
import {
  consumeRateLimit,
  peekRateLimit,
  RATE_LIMITS,
  rateLimited,
  resetRateLimit,
} from './rate-limits.js';
import { checkSession, openSession, refreshSession, revokeSession } from './sessions.js';
import { normalizeEmail } from './user.js';
import { verifyPassword } from './user-store.js';

/** What signing in and authenticating need (a host builds it once at start). */
export interface AuthDependencies {
  store: ObjectStore;
  clock: Clock;
  hasher: PasswordHasher;
  random: RandomSource;
  /** The access tokens' key (`tokenSigningKey`). */
  signingKey: Uint8Array;
  /** A hash of nothing made with the current parameters, verified when there is no account. */
  decoyHash: string;
}

/** What a successful sign-in or refresh returns to the client. */
export interface SignedIn {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  principal: Principal;
}

const WRONG = 'the email or password is wrong';

/**
 * Signs in with an email and password from a source (the client's address). Failures are one
 * answer — UNAUTHENTICATED "the email or password is wrong" — for an unknown email, a disabled
 * account and a wrong password alike, at the same cost; past the limits (per account and per
 * source, counted in the store) RATE_LIMITED with the wait, **without trying the password**, so
 * even the right one is refused until the wait passes. A success clears the account's count.
 */
export async function signIn(
  deps: AuthDependencies,
  credentials: { email: string; password: string },
  source: string,
): Promise<SignedIn> {
  const email = normalizeEmail(credentials.email);
  for (const [rule, subject] of [
    [RATE_LIMITS.loginPerSource, source],
    [RATE_LIMITS.loginPerAccount, email],
  ] as const) {
    const state = await peekRateLimit(deps, rule, subject);
    if (!state.allowed) throw rateLimited(state, 'sign-in attempts');
  }
  const user = await verifyPassword(deps, email, credentials.password, deps.decoyHash);
  if (!user) {
    await consumeRateLimit(deps, RATE_LIMITS.loginPerSource, source);
    await consumeRateLimit(deps, RATE_LIMITS.loginPerAccount, email);
    throw new MarketPulseError('UNAUTHENTICATED', WRONG);
  }
  await resetRateLimit(deps, RATE_LIMITS.loginPerAccount, email);
  const { sessionId, refreshToken } = await openSession(deps, user);
  const access = await issueAccessToken(
    { userId: user.id, sessionId },
    deps.signingKey,
    deps.clock,
  );
  return {
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
    refreshToken,
    principal: principalOfUser(user, sessionId),
  };
}

function principalOfUser(
  user: {
    id: string;
    email: string;
    role: Principal['role'];
    assetClasses: readonly string[];
    clo: string | null;
  },
  sessionId: string,
): Principal {
  return {
    kind: 'user',
    id: user.id,
    actor: `user:${user.email}`,
    role: user.role,
    assetClasses: user.assetClasses,
    clo: user.clo,
    sessionId,
  };
}

/** Rotates a refresh token into a new access token and refresh token (see `refreshSession`). */
export async function refreshSignIn(
  deps: AuthDependencies,
  refreshToken: string,
  source: string,
): Promise<SignedIn> {
  const state = await consumeRateLimit(deps, RATE_LIMITS.refreshPerSource, source);
  if (!state.allowed) throw rateLimited(state, 'token refreshes');
  const rotated = await refreshSession(deps, refreshToken);
  const user = rotated.user;
  const access = await issueAccessToken(
    { userId: user.id, sessionId: rotated.session.id },
    deps.signingKey,
    deps.clock,
  );
  return {
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
    refreshToken: rotated.refreshToken,
    principal: principalOfUser(user, rotated.session.id),
  };
}

/** Ends the session of an authenticated principal (logout); its refresh token is refused after. */
export async function signOut(
  deps: Pick<AuthDependencies, 'store' | 'clock'>,
  principal: Principal,
): Promise<void> {
  if (principal.sessionId) await revokeSession(deps, principal.sessionId, 'logout');
}

/**
 * Who a bearer token belongs to: an access token (checked, then its session and account read —
 * so a disabled account, a changed password or a logout take effect at once) or an API key
 * (`mpk_…`). UNAUTHENTICATED, with one message, for anything else.
 */
export async function authenticate(
  deps: Pick<AuthDependencies, 'store' | 'clock' | 'signingKey'>,
  bearer: string,
): Promise<Principal> {
  const token = bearer.trim();
  if (token.startsWith('mpk_')) {
    const key = await verifyApiKey(deps.store, token);
    if (!key) throw new MarketPulseError('UNAUTHENTICATED', 'the API key is not valid');
    return {
      kind: 'api-key',
      id: key.id,
      actor: `apikey:${key.id}`,
      role: key.role,
      assetClasses: key.assetClasses,
      clo: key.clo,
    };
  }
  const claims = await verifyAccessToken(token, deps.signingKey, deps.clock);
  // One read of the session and one of its account: the account's state is checked there.
  const { session, user } = await checkSession(deps, claims.sessionId);
  if (session.userId !== claims.userId)
    throw new MarketPulseError('UNAUTHENTICATED', 'sign in again: the access token is not valid');
  return principalOfUser(user, session.id);
}
