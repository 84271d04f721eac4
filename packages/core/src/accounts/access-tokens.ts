import { decodeJwt, jwtVerify, SignJWT } from 'jose';
import { MarketPulseError } from '../errors.js';
import type { Clock } from '../ports/clock.js';

/**
 * Access tokens (SPEC §10): short-lived JWTs signed with HMAC-SHA-256. The algorithm is pinned
 * (a token naming another — `none`, an RS/ES algorithm — is refused), and issuer, audience,
 * expiry and not-before are checked. A token says only who (`sub`) and which session (`sid`): the
 * role, asset classes and whether the account may still sign in are read from the account on
 * every request, so a change takes effect at once.
 */
export const ACCESS_TOKEN = Object.freeze({
  algorithm: 'HS256',
  issuer: 'market-pulse',
  audience: 'market-pulse-api',
  /** Minutes an access token lives; the client refreshes it with its refresh token. */
  lifetimeMinutes: 15,
});

/** What a verified access token says. */
export interface AccessClaims {
  /** The account's id. */
  userId: string;
  /** The session (refresh-token family) it was issued in. */
  sessionId: string;
  /** When it was issued (ms since the epoch, whole seconds). */
  issuedAtMs: number;
}

const unauthenticated = (reason: string) =>
  new MarketPulseError('UNAUTHENTICATED', 'sign in again: the access token is not valid', {
    details: { reason },
  });

/** Signs an access token for a session. `key`: at least 32 random bytes (see `tokenSigningKey`). */
export async function issueAccessToken(
  claims: { userId: string; sessionId: string },
  key: Uint8Array,
  clock: Clock,
): Promise<{ token: string; expiresAt: string }> {
  const nowSeconds = Math.floor(clock.now().getTime() / 1000);
  const expires = nowSeconds + ACCESS_TOKEN.lifetimeMinutes * 60;
  const token = await new SignJWT({ sid: claims.sessionId })
    .setProtectedHeader({ alg: ACCESS_TOKEN.algorithm, typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer(ACCESS_TOKEN.issuer)
    .setAudience(ACCESS_TOKEN.audience)
    .setIssuedAt(nowSeconds)
    .setNotBefore(nowSeconds)
    .setExpirationTime(expires)
    .sign(key);
  return { token, expiresAt: new Date(expires * 1000).toISOString() };
}

/**
 * Verifies an access token: UNAUTHENTICATED (with `details.reason`, never shown to the client as
 * more than "sign in again") for any token that is malformed, signed otherwise, expired, not yet
 * valid, or for another issuer or audience.
 */
export async function verifyAccessToken(
  token: string,
  key: Uint8Array,
  clock: Clock,
): Promise<AccessClaims> {
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: [ACCESS_TOKEN.algorithm],
      issuer: ACCESS_TOKEN.issuer,
      audience: ACCESS_TOKEN.audience,
      currentDate: clock.now(),
      requiredClaims: ['sub', 'iat', 'nbf', 'exp', 'sid'],
    });
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string')
      throw unauthenticated('claims');
    return { userId: payload.sub, sessionId: payload.sid, issuedAtMs: (payload.iat ?? 0) * 1000 };
  } catch (err) {
    if (err instanceof MarketPulseError) throw err;
    throw unauthenticated((err as { code?: string }).code ?? 'invalid');
  }
}

/**
 * When an access token expires (ms since the epoch), read without checking its signature — for a
 * token already verified, so a principal kept for it (a per-process cache) is not used past it.
 * Undefined when the token has no readable expiry.
 */
export function accessTokenExpiryMs(token: string): number | undefined {
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
