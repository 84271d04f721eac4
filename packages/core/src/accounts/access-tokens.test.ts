import { generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { isMarketPulseError } from '../errors.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createSeededRandom } from '../testing/test-secrets.js';
import { ACCESS_TOKEN, issueAccessToken, verifyAccessToken } from './access-tokens.js';

const key = createSeededRandom(11).bytes(32);
const claims = { userId: 'a'.repeat(32), sessionId: 'b'.repeat(32) };
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function refusal(token: string, clock = createManualClock(new Date('2026-03-13T09:00:00Z'))) {
  try {
    await verifyAccessToken(token, key, clock);
  } catch (err) {
    if (isMarketPulseError(err, 'UNAUTHENTICATED'))
      return (err.details as { reason: string }).reason;
    throw err;
  }
  throw new Error('expected the token to be refused');
}

describe('access tokens', () => {
  it('verify within their lifetime and say who and which session', async () => {
    const clock = createManualClock(new Date('2026-03-13T09:00:00Z'));
    const { token, expiresAt } = await issueAccessToken(claims, key, clock);
    expect(expiresAt).toBe('2026-03-13T09:15:00.000Z');
    expect(await verifyAccessToken(token, key, clock)).toEqual({
      ...claims,
      issuedAtMs: Date.parse('2026-03-13T09:00:00Z'),
    });
    clock.advance(ACCESS_TOKEN.lifetimeMinutes * 60_000 + 1000);
    expect(await refusal(token, clock)).toBe('ERR_JWT_EXPIRED');
  });

  it('are refused when not yet valid, for another audience or issuer, tampered or signed with another key', async () => {
    const clock = createManualClock(new Date('2026-03-13T09:00:00Z'));
    const future = await issueAccessToken(
      claims,
      key,
      createManualClock(new Date('2026-03-13T10:00:00Z')),
    );
    expect(await refusal(future.token, clock)).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
    const sign = (mutate: (jwt: SignJWT) => SignJWT) =>
      mutate(
        new SignJWT({ sid: claims.sessionId })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject(claims.userId)
          .setIssuedAt(Math.floor(clock.now().getTime() / 1000))
          .setNotBefore(Math.floor(clock.now().getTime() / 1000))
          .setExpirationTime('10m'),
      );
    const otherAudience = await sign((j) =>
      j.setIssuer('market-pulse').setAudience('elsewhere'),
    ).sign(key);
    expect(await refusal(otherAudience, clock)).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
    const otherIssuer = await sign((j) => j.setIssuer('evil').setAudience('market-pulse-api')).sign(
      key,
    );
    expect(await refusal(otherIssuer, clock)).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
    const otherKey = await sign((j) =>
      j.setIssuer('market-pulse').setAudience('market-pulse-api'),
    ).sign(createSeededRandom(12).bytes(32));
    expect(await refusal(otherKey, clock)).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    const { token } = await issueAccessToken(claims, key, clock);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const tampered = `${header}.${encode({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: 'c'.repeat(32) })}.${signature}`;
    expect(await refusal(tampered, clock)).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    expect(await refusal('not.a.token', clock)).toMatch(/^ERR_JW/);
  });

  it('refuse alg none and an RS256 token (no algorithm confusion)', async () => {
    const clock = createManualClock(new Date('2026-03-13T09:00:00Z'));
    const now = Math.floor(clock.now().getTime() / 1000);
    const body = {
      sub: claims.userId,
      sid: claims.sessionId,
      iss: 'market-pulse',
      aud: 'market-pulse-api',
      iat: now,
      nbf: now,
      exp: now + 600,
    };
    expect(await refusal(`${encode({ alg: 'none', typ: 'JWT' })}.${encode(body)}.`, clock)).toBe(
      'ERR_JOSE_ALG_NOT_ALLOWED',
    );
    const { privateKey } = await generateKeyPair('RS256');
    const rs = await new SignJWT({ sid: claims.sessionId })
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject(claims.userId)
      .setIssuer('market-pulse')
      .setAudience('market-pulse-api')
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + 600)
      .sign(privateKey);
    expect(await refusal(rs, clock)).toBe('ERR_JOSE_ALG_NOT_ALLOWED');
  });
});
