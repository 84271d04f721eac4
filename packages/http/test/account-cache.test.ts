// Issue 12's steady state reads no account document per request: each process keeps the session,
// account, entitlements and CLO mappings for MP_ACCOUNTS_CACHE_MS (1000 ms here). A revocation or
// scope change made in one process applies there at once, and in another `serve` on the same store
// once the window has passed (the manual clock moves it; nothing sleeps).
import { join } from 'node:path';
import { setAssetClass } from '@market-pulse/core';
import {
  createManualClock,
  createSeededRandom,
  createTestHasher,
  type ManualClock,
} from '@market-pulse/core/testing';
import { loadConfig, openNodeHost } from '@market-pulse/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { appDependenciesOf } from '../src/node-app.js';
import { openTestApp, TEST_PASSWORD } from './app-fixture.js';

type TestApp = Awaited<ReturnType<typeof openTestApp>>;
type App = TestApp['app'];
let t: TestApp;
let clock: ManualClock;
/** Another `serve` over the same data folder: its own caches, the same store. */
let other: App;
beforeEach(async () => {
  clock = createManualClock('2026-03-13T12:00:00Z');
  t = await openTestApp({ clock, rows: 300 });
  const config = loadConfig({ MP_DATA_DIR: t.dataDir, MP_SOURCE: join(t.dir, 'colors.csv') });
  expect(config.accounts.cacheMs).toBe(1000);
  const host = openNodeHost({ config, dataDir: t.dataDir, cwd: t.dir });
  other = createApp(
    appDependenciesOf({
      host,
      config,
      version: '0.0.0-test',
      hasher: createTestHasher(),
      random: createSeededRandom(12),
      clock,
    }),
  );
});
afterEach(() => t.close());

const EMAIL = 'user@test.example.com';
const get = (app: App, token: string, path = '/api/auth/me') =>
  app.request(path, { headers: { authorization: `Bearer ${token}` } });
const send = (app: App, method: string, path: string, token: string | null, body?: unknown) =>
  app.request(path, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const login = async () => {
  await t.signInAs('user', ['MM']);
  const res = await send(t.app, 'POST', '/api/auth/login', null, {
    email: EMAIL,
    password: TEST_PASSWORD,
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { accessToken: string; refreshToken: string };
};

/**
 * Signs in, has both processes answer (the other one now holds the documents), applies `change`
 * in this process, and checks the token is refused here at once and by the other process within
 * the window, not before.
 */
async function expectRevoked(
  change: (tokens: { accessToken: string; refreshToken: string }) => Promise<string>,
) {
  const tokens = await login();
  const token = await change(tokens);
  // Later than the session's opening (a password change ends sessions opened before it).
  clock.advance(1);
  // `change` may hand back a newer token of the same session (refresh) to probe with.
  expect((await get(other, token)).status).toBe(200);
  expect((await get(t.app, token)).status).toBe(200);
  return async (revoke: () => Promise<void>) => {
    await revoke();
    expect((await get(t.app, token)).status).toBe(401);
    clock.advance(999);
    expect((await get(other, token)).status).toBe(200);
    clock.advance(1);
    expect((await get(other, token)).status).toBe(401);
  };
}

describe('account documents kept per process for MP_ACCOUNTS_CACHE_MS', () => {
  it('logout: refused at once here, within the window in another process', async () => {
    let access = '';
    const then = await expectRevoked(async (tokens) => (access = tokens.accessToken));
    await then(async () => {
      expect((await send(t.app, 'POST', '/api/auth/logout', access)).status).toBe(200);
    });
  });

  it('password change', async () => {
    let access = '';
    const then = await expectRevoked(async (tokens) => (access = tokens.accessToken));
    await then(async () => {
      const res = await send(t.app, 'PUT', '/api/auth/change-password', access, {
        currentPassword: TEST_PASSWORD,
        newPassword: 'a brand new passphrase 2026',
      });
      expect(res.status).toBe(200);
    });
  });

  it('refresh token reuse revokes the session', async () => {
    let first = '';
    const then = await expectRevoked(async (tokens) => {
      first = tokens.refreshToken;
      const res = await send(t.app, 'POST', '/api/auth/refresh-token', null, {
        refreshToken: first,
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { accessToken: string }).accessToken;
    });
    await then(async () => {
      const reuse = await send(t.app, 'POST', '/api/auth/refresh-token', null, {
        refreshToken: first,
      });
      expect(reuse.status).toBe(401);
    });
  });

  it('a disabled account', async () => {
    const then = await expectRevoked(async (tokens) => tokens.accessToken);
    await then(async () => {
      const res = await t.json('PATCH', `/api/admin/users/${EMAIL}`, { disabled: true });
      expect(res.status).toBe(200);
    });
  });

  it('a revoked API key', async () => {
    const created = await t.json('POST', '/api/admin/api-keys', { name: 'feed', role: 'viewer' });
    expect(created.status).toBe(201);
    const key = (await created.json()) as { id: string; token: string };
    expect((await get(other, key.token)).status).toBe(200);
    expect((await get(t.app, key.token)).status).toBe(200);
    expect((await t.request(`/api/admin/api-keys/${key.id}`, { method: 'DELETE' })).status).toBe(
      200,
    );
    expect((await get(t.app, key.token)).status).toBe(401);
    clock.advance(999);
    expect((await get(other, key.token)).status).toBe(200);
    clock.advance(1);
    expect((await get(other, key.token)).status).toBe(401);
  });

  it('entitlements and CLO mappings change what is seen: here at once, elsewhere within the window', async () => {
    expect((await t.request('/api/runs', { method: 'POST' })).status).toBe(201);
    const sectors = (
      (await (await t.request('/api/dashboard/stats')).json()) as { sectors: string[] }
    ).sectors;
    const [first, second] = sectors as [string, string];
    await setAssetClass(t.auth, 'MM', [first], 'test-setup');
    // Stored (the defaults are not a document, and a missing document is never kept).
    expect(
      (await t.json('PUT', '/api/admin/clo-mappings', { defaultColumns: '*', types: {} })).status,
    ).toBe(200);
    const { accessToken } = await login();
    const seen = async (app: App) => {
      const stats = (await (await get(app, accessToken, '/api/dashboard/stats')).json()) as {
        sectors: string[];
      };
      const page = (await (
        await get(app, accessToken, '/api/dashboard/colors?limit=1&hierarchy=false')
      ).json()) as { items: Record<string, unknown>[] };
      return { sectors: stats.sectors, px: page.items[0] ? 'PX' in page.items[0] : undefined };
    };
    expect(await seen(t.app)).toEqual({ sectors: [first], px: true });
    expect(await seen(other)).toEqual({ sectors: [first], px: true });

    expect((await t.json('PUT', '/api/admin/entitlements/MM', { sectors: [second] })).status).toBe(
      200,
    );
    const mappings = await t.json('PUT', '/api/admin/clo-mappings', {
      defaultColumns: ['CUSIP'],
      types: {},
    });
    expect(mappings.status).toBe(200);
    expect(await seen(t.app)).toEqual({ sectors: [second], px: false });
    clock.advance(999);
    expect(await seen(other)).toEqual({ sectors: [first], px: true });
    clock.advance(1);
    expect(await seen(other)).toEqual({ sectors: [second], px: false });
  });

  it('a kept principal never outlives its access token', async () => {
    const { accessToken } = await login();
    // Asked just before the token expires: the session and account are read and kept for 1 s.
    clock.advance(15 * 60_000 - 300);
    expect((await get(t.app, accessToken)).status).toBe(200);
    // The token's expiry passes inside that second: refused all the same.
    clock.advance(400);
    expect((await get(t.app, accessToken)).status).toBe(401);
  });
});
