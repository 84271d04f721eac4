import { createHmac, createSign, generateKeyPairSync } from 'node:crypto';
import { createManualClock, createMemoryMailer } from '@market-pulse/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { colorsCsv, openTestApp, TEST_PASSWORD } from './app-fixture.js';

type TestApp = Awaited<ReturnType<typeof openTestApp>>;
let t: TestApp;
let clock: ReturnType<typeof createManualClock>;
let mailer: ReturnType<typeof createMemoryMailer>;
beforeEach(async () => {
  clock = createManualClock('2026-11-29T12:00:00Z');
  mailer = createMemoryMailer();
  t = await openTestApp({ clock, mailer });
});
afterEach(() => t.close());

interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}
const body = async <T = { error: { code: string; message: string } }>(res: Response) =>
  (await res.json()) as T;
const anonymous = (method: string, path: string, payload?: unknown) =>
  t.app.request(path, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
  });
const withToken = (token: string, path = '/api/auth/me', method = 'GET') =>
  t.app.request(path, { method, headers: { authorization: `Bearer ${token}` } });
const login = (email: string, password: string) =>
  anonymous('POST', '/api/auth/login', { email, password });

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');
/** A JWT with any header, claims and signature: the forgeries below are built from it. */
function jwt(header: object, claims: object, sign: (input: string) => string): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${sign(input)}`;
}
const hs256 = (key: Uint8Array | string) => (input: string) =>
  createHmac('sha256', key).update(input).digest('base64url');

describe('sign in, refresh, sign out', () => {
  it('signs in, answers me, and logout refuses the refresh token afterwards', async () => {
    const res = await login('ADMIN@test.example.com ', TEST_PASSWORD);
    expect(res.status).toBe(200);
    const tokens = await body<Tokens>(res);
    expect(tokens.expiresIn).toBe(15 * 60);
    const me = await withToken(tokens.accessToken);
    expect(me.status).toBe(200);
    expect(await body(me)).toMatchObject({
      kind: 'user',
      actor: 'user:admin@test.example.com',
      role: 'admin',
      user: { email: 'admin@test.example.com' },
    });
    expect((await withToken(tokens.accessToken, '/api/auth/logout', 'POST')).status).toBe(200);
    const refresh = await anonymous('POST', '/api/auth/refresh-token', {
      refreshToken: tokens.refreshToken,
    });
    expect(refresh.status).toBe(401);
    expect((await withToken(tokens.accessToken)).status).toBe(401);
  });

  it('rotates the refresh token; presenting a retired one revokes the family, the newest too', async () => {
    const first = await body<Tokens>(await login('admin@test.example.com', TEST_PASSWORD));
    const second = await body<Tokens>(
      await anonymous('POST', '/api/auth/refresh-token', { refreshToken: first.refreshToken }),
    );
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await withToken(second.accessToken)).status).toBe(200);
    const reuse = await anonymous('POST', '/api/auth/refresh-token', {
      refreshToken: first.refreshToken,
    });
    expect(reuse.status).toBe(401);
    const newest = await anonymous('POST', '/api/auth/refresh-token', {
      refreshToken: second.refreshToken,
    });
    expect(newest.status).toBe(401);
    expect((await withToken(second.accessToken)).status).toBe(401);
  });

  it('a password change and a disable end the sessions', async () => {
    const user = await t.signInAs('user');
    // Sessions opened before the change end (one opened in the same millisecond would not).
    clock.advance(1000);
    const change = await t.app.request('/api/auth/change-password', {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${user.accessToken}` },
      body: JSON.stringify({
        currentPassword: TEST_PASSWORD,
        newPassword: 'a new long passphrase 77',
      }),
    });
    expect(change.status, await change.clone().text()).toBe(200);
    clock.advance(1000);
    expect((await withToken(user.accessToken)).status).toBe(401);
    const again = await body<Tokens>(
      await login('user@test.example.com', 'a new long passphrase 77'),
    );
    expect((await withToken(again.accessToken)).status).toBe(200);
    clock.advance(1000);
    const disable = await t.json('PATCH', '/api/admin/users/user@test.example.com', {
      disabled: true,
    });
    expect(disable.status, await disable.clone().text()).toBe(200);
    expect((await withToken(again.accessToken)).status).toBe(401);
    expect(
      (await anonymous('POST', '/api/auth/refresh-token', { refreshToken: again.refreshToken }))
        .status,
    ).toBe(401);
  });
});

describe('access tokens', () => {
  const claimsNow = (overrides: object = {}) => {
    const now = Math.floor(clock.now().getTime() / 1000);
    return {
      sub: t.admin.principal.id,
      sid: t.admin.principal.sessionId,
      iss: 'market-pulse',
      aud: 'market-pulse-api',
      iat: now,
      nbf: now,
      exp: now + 900,
      ...overrides,
    };
  };
  const expect401 = async (token: string) => {
    const res = await withToken(token);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
  };

  it('accepts a well-formed token (so the forgeries below fail for their one flaw)', async () => {
    const token = jwt({ alg: 'HS256', typ: 'JWT' }, claimsNow(), hs256(t.auth.signingKey));
    expect((await withToken(token)).status).toBe(200);
  });

  it('refuses expired, not yet valid, wrong audience and issuer, alg none and a tampered signature', async () => {
    const key = hs256(t.auth.signingKey);
    const now = Math.floor(clock.now().getTime() / 1000);
    await expect401(
      jwt({ alg: 'HS256' }, claimsNow({ iat: now - 2000, nbf: now - 2000, exp: now - 1000 }), key),
    );
    await expect401(jwt({ alg: 'HS256' }, claimsNow({ nbf: now + 600 }), key));
    await expect401(jwt({ alg: 'HS256' }, claimsNow({ aud: 'another-api' }), key));
    await expect401(jwt({ alg: 'HS256' }, claimsNow({ iss: 'someone-else' }), key));
    await expect401(jwt({ alg: 'none' }, claimsNow(), () => ''));
    const good = jwt({ alg: 'HS256' }, claimsNow(), key);
    // A character inside the signature (the last one also carries padding bits).
    const at = good.length - 10;
    const flipped = good[at] === 'A' ? 'B' : 'A';
    await expect401(`${good.slice(0, at)}${flipped}${good.slice(at + 1)}`);
    // The real token expires with the clock too.
    clock.advance(16 * 60_000);
    await expect401(t.admin.accessToken);
  });

  it('refuses HS/RS confusion both ways', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rs256 = (input: string) =>
      createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url');
    await expect401(jwt({ alg: 'RS256' }, claimsNow(), rs256));
    // HS256 keyed with an RSA public key (the classic confusion): not the server's secret.
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await expect401(jwt({ alg: 'HS256' }, claimsNow(), hs256(pem)));
    // RS256 whose "public key" would be the HS secret: refused for its algorithm alone.
    await expect401(jwt({ alg: 'RS256' }, claimsNow(), hs256(t.auth.signingKey)));
  });

  it('non-public operations need credentials: 401 with WWW-Authenticate; a malformed header too', async () => {
    const res = await t.app.request('/api/rules');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="market-pulse"');
    expect((await body(res)).error.code).toBe('UNAUTHENTICATED');
    const basic = await t.app.request('/api/rules', { headers: { authorization: 'Basic eDp5' } });
    expect(basic.status).toBe(401);
    expect((await t.app.request('/api/health')).status).toBe(200);
  });
});

describe('brute force', () => {
  it('100 wrong passwords from one source: 429 with Retry-After, the right one refused until the window passes', async () => {
    await t.signInAs('user'); // the account exists
    const statuses: number[] = [];
    let retryAfter = 0;
    for (let i = 0; i < 100; i++) {
      const res = await login('user@test.example.com', `wrong ${i}`);
      statuses.push(res.status);
      if (res.status === 429) retryAfter = Number(res.headers.get('retry-after'));
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    const right = await login('user@test.example.com', TEST_PASSWORD);
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    clock.advance((Number(right.headers.get('retry-after')) + 1) * 1000);
    expect((await login('user@test.example.com', TEST_PASSWORD)).status).toBe(200);
  });

  it('an unknown email and a wrong password get the same status and body', async () => {
    const unknown = await login('nobody@test.example.com', 'whatever it is 1');
    const wrong = await login('admin@test.example.com', 'whatever it is 1');
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(unknown.status);
    expect(await wrong.text()).toBe(await unknown.text());
  });

  it('per source: addresses come from the socket, not from X-Forwarded-For (MP_TRUST_PROXY off)', async () => {
    const from = (address: string, forwarded: string) =>
      t.app.request(
        '/api/auth/login',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': forwarded },
          body: JSON.stringify({ email: `x${forwarded}@test.example.com`, password: 'nope nope' }),
        },
        { incoming: { socket: { remoteAddress: address } } },
      );
    // 50 failures per source in the window: a rotating X-Forwarded-For does not escape it.
    for (let i = 0; i < 50; i++) expect((await from('10.0.0.9', `192.0.2.${i}`)).status).toBe(401);
    expect((await from('10.0.0.9', '198.51.100.1')).status).toBe(429);
    expect((await from('10.0.0.10', '198.51.100.1')).status).toBe(401);
  });
});

describe('password reset', () => {
  it('mails a one-time link to an account, answers alike for an unknown address, and the link sets the password once', async () => {
    const forgot = (email: string) => anonymous('POST', '/api/auth/forgot-password', { email });
    const known = await forgot('admin@test.example.com');
    const unknown = await forgot('nobody@test.example.com');
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(await known.text()).toBe(await unknown.text());
    await vi.waitFor(() => expect(mailer.sent.length).toBeGreaterThan(0), { timeout: 10_000 });
    const mail = mailer.sent.at(-1);
    expect(mail?.to).toEqual(['admin@test.example.com']);
    const token = /token=([^\s]+)/.exec(mail?.text ?? '')?.[1];
    expect(token).toBeDefined();
    clock.advance(1000);
    const reset = (password: string) =>
      anonymous('POST', '/api/auth/reset-password', {
        token: decodeURIComponent(token as string),
        newPassword: password,
      });
    expect((await reset('a brand new passphrase 9')).status).toBe(200);
    expect((await reset('another new passphrase 10')).status).toBe(401);
    expect((await login('admin@test.example.com', 'a brand new passphrase 9')).status).toBe(200);
    expect((await withToken(t.admin.accessToken)).status).toBe(401);
  });
});

describe('administration', () => {
  it('creates, edits under If-Match, lists and removes accounts; the actor is the admin', async () => {
    const created = await t.json('POST', '/api/admin/users', {
      email: 'Bob@Desk.example.com',
      name: 'Bob',
      role: 'viewer',
      assetClasses: ['CLO'],
      password: 'bobs long passphrase 1',
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const account = await body<Record<string, unknown>>(created);
    expect(account).toMatchObject({
      email: 'bob@desk.example.com',
      createdBy: 'user:admin@test.example.com',
      version: 1,
    });
    expect(JSON.stringify(account)).not.toMatch(/passwordHash|\$test\$/);
    const stale = await t.json(
      'PATCH',
      '/api/admin/users/bob@desk.example.com',
      { role: 'user' },
      { 'if-match': '"v9"' },
    );
    expect(stale.status).toBe(412);
    const changed = await t.json(
      'PATCH',
      '/api/admin/users/bob@desk.example.com',
      { role: 'user', updatedBy: 'mallory' },
      { 'if-match': '"v1"' },
    );
    expect(changed.status).toBe(400); // an unknown field is refused, not recorded
    const ok = await t.json(
      'PATCH',
      '/api/admin/users/bob@desk.example.com',
      { role: 'user' },
      { 'if-match': '"v1"' },
    );
    expect(await body(ok)).toMatchObject({
      role: 'user',
      updatedBy: 'user:admin@test.example.com',
    });
    const list = await body<{ total: number }>(await t.request('/api/admin/users'));
    expect(list.total).toBe(2);
    expect(
      (await t.request('/api/admin/users/bob@desk.example.com', { method: 'DELETE' })).status,
    ).toBe(204);
    expect((await t.request('/api/admin/users/bob@desk.example.com')).status).toBe(404);
  });

  it('API keys: the token is shown once, authenticates as Bearer, and is refused once revoked', async () => {
    const res = await t.json('POST', '/api/admin/api-keys', { name: 'loader', role: 'user' });
    expect(res.status).toBe(201);
    const key = await body<{ id: string; token: string; createdBy: string }>(res);
    expect(key.token).toMatch(/^mpk_/);
    expect(key.createdBy).toBe('user:admin@test.example.com');
    const me = await withToken(key.token);
    expect(await body(me)).toMatchObject({ kind: 'api-key', role: 'user' });
    expect((await withToken(key.token, '/api/admin/users')).status).toBe(403);
    const listed = await (await t.request('/api/admin/api-keys')).text();
    expect(listed).not.toContain(key.token.slice(-20));
    expect((await t.request(`/api/admin/api-keys/${key.id}`, { method: 'DELETE' })).status).toBe(
      200,
    );
    expect((await withToken(key.token)).status).toBe(401);
  });

  it('entitlements: set, list and remove an asset class', async () => {
    const set = await t.json('PUT', '/api/admin/entitlements/CLO', {
      sectors: ['CLO Mezz', 'CLO Senior'],
    });
    expect(set.status).toBe(200);
    expect(await body(set)).toMatchObject({
      assetClasses: { CLO: ['CLO Mezz', 'CLO Senior'] },
      updatedBy: 'user:admin@test.example.com',
    });
    await t.request('/api/admin/entitlements/CLO', { method: 'DELETE' });
    expect(await body(await t.request('/api/admin/entitlements'))).toMatchObject({
      assetClasses: {},
    });
  });

  it('register is admin-only', async () => {
    const viewer = await t.signInAs('viewer');
    const res = await t.app.request('/api/auth/register', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${viewer.accessToken}`,
      },
      body: JSON.stringify({ email: 'eve@x.example.com', name: 'Eve', role: 'admin' }),
    });
    expect(res.status).toBe(403);
    expect(
      (
        await anonymous('POST', '/api/auth/register', {
          email: 'eve@x.example.com',
          name: 'Eve',
          role: 'admin',
        })
      ).status,
    ).toBe(401);
  });
});

describe('expensive actions', () => {
  it('are limited per principal with Retry-After (exports: 60 per 10 minutes), kept in the store; refused requests do not count', async () => {
    const run = await t.request('/api/runs', { method: 'POST' });
    expect(run.status, await run.clone().text()).toBe(201); // run 1
    const user = await t.signInAs('user');
    const viewer = await t.signInAs('viewer');
    const as = (token: string, path: string) =>
      t.app.request(path, { headers: { authorization: `Bearer ${token}` } });
    // Malformed or missing: refused, nothing counted.
    for (let i = 0; i < 70; i++)
      expect((await as(user.accessToken, '/api/runs/999/rows/export')).status).toBe(404);
    for (let i = 0; i < 60; i++)
      expect((await as(user.accessToken, '/api/runs/1/rows/export?format=csv')).status).toBe(200);
    const limited = await as(user.accessToken, '/api/runs/1/rows/export?format=csv');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await body(limited)).error.code).toBe('RATE_LIMITED');
    // The legacy-free other export shares the count; another principal has its own.
    expect((await as(user.accessToken, '/api/exports?run=1&format=csv')).status).toBe(429);
    expect((await as(viewer.accessToken, '/api/runs/1/rows/export?format=csv')).status).toBe(200);
    clock.advance((Number(limited.headers.get('retry-after')) + 1) * 1000);
    const fresh = await t.signInAs('user'); // the first access token expired meanwhile
    expect((await as(fresh.accessToken, '/api/runs/1/rows/export?format=csv')).status).toBe(200);
  });
});

describe('the actor of a change', () => {
  it('is the authenticated principal; body fields naming another actor are ignored', async () => {
    const user = await t.signInAs('user');
    const form = new FormData();
    form.append('file', new File([colorsCsv(5, 21)], 'colors.csv', { type: 'text/csv' }));
    for (const field of ['actor', 'by', 'updatedBy']) form.append(field, 'mallory');
    const res = await t.app.request('/api/uploads', {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${user.accessToken}` },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const upload = await body<{ id: string; actor: string }>(res);
    expect(upload.actor).toBe('user:user@test.example.com');
    const cancelled = await t.app.request(`/api/uploads/${upload.id}/cancel`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.accessToken}` },
    });
    expect(JSON.stringify(await body(cancelled))).not.toContain('mallory');
    expect(JSON.stringify(await body(await t.request(`/api/uploads/${upload.id}`)))).toContain(
      'user:user@test.example.com',
    );
  });
});
