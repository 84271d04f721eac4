import { describe, expect, it } from 'vitest';
import { isMarketPulseError } from '../errors.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemoryStore } from '../testing/memory-store.js';
import { createSeededRandom, createTestHasher } from '../testing/test-secrets.js';
import { createApiKey, revokeApiKey } from './api-keys.js';
import { authenticate, refreshSignIn, signIn, signOut } from './sign-in.js';
import { tokenSigningKey } from './signing-key.js';
import { addUser, setPassword, updateUser } from './user-store.js';

const PASSWORD = 'correct horse battery staple';

async function setup() {
  const store = createMemoryStore();
  const random = createSeededRandom(9);
  const hasher = createTestHasher();
  const deps = {
    store,
    clock: createManualClock(new Date('2026-03-13T09:00:00Z')),
    hasher,
    random,
    signingKey: await tokenSigningKey(store, random),
    decoyHash: await hasher.hash('nothing'),
  };
  await addUser(
    deps,
    {
      email: 'root@desk.example',
      name: 'Root',
      role: 'admin',
      assetClasses: ['*'],
      password: PASSWORD,
    },
    'cli:root',
  );
  await addUser(
    deps,
    {
      email: 'ann@desk.example',
      name: 'Ann',
      role: 'user',
      assetClasses: ['CLO'],
      clo: 'USABS',
      password: PASSWORD,
    },
    'cli:root',
  );
  return deps;
}

async function refusal(
  promise: Promise<unknown>,
): Promise<{ code: string; message: string; details?: unknown }> {
  try {
    await promise;
  } catch (err) {
    if (isMarketPulseError(err))
      return { code: err.code, message: err.message, details: err.details };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('signing in', () => {
  it('gives tokens whose principal is read from the account; refresh rotates; logout ends the session', async () => {
    const deps = await setup();
    const signed = await signIn(
      deps,
      { email: ' ANN@desk.example', password: PASSWORD },
      '10.0.0.1',
    );
    expect(signed.principal).toMatchObject({
      kind: 'user',
      actor: 'user:ann@desk.example',
      role: 'user',
      assetClasses: ['CLO'],
      clo: 'USABS',
    });
    expect(await authenticate(deps, `  ${signed.accessToken} `)).toEqual(signed.principal);
    await updateUser(deps, 'ann@desk.example', { role: 'viewer' }, 'user:root@desk.example');
    expect((await authenticate(deps, signed.accessToken)).role).toBe('viewer');
    const refreshed = await refreshSignIn(deps, signed.refreshToken, '10.0.0.1');
    expect(refreshed.refreshToken).not.toBe(signed.refreshToken);
    await signOut(deps, await authenticate(deps, refreshed.accessToken));
    expect((await refusal(refreshSignIn(deps, refreshed.refreshToken, '10.0.0.1'))).code).toBe(
      'UNAUTHENTICATED',
    );
    expect((await refusal(authenticate(deps, refreshed.accessToken))).code).toBe('UNAUTHENTICATED');
  });

  it('answers an unknown email, a wrong password and a disabled account identically', async () => {
    const deps = await setup();
    const unknown = await refusal(
      signIn(deps, { email: 'nobody@desk.example', password: PASSWORD }, 's1'),
    );
    const wrong = await refusal(
      signIn(deps, { email: 'ann@desk.example', password: 'not the password' }, 's2'),
    );
    await updateUser(deps, 'ann@desk.example', { disabled: true }, 'cli:root');
    const disabled = await refusal(
      signIn(deps, { email: 'ann@desk.example', password: PASSWORD }, 's3'),
    );
    expect(unknown).toEqual({
      code: 'UNAUTHENTICATED',
      message: 'the email or password is wrong',
      details: undefined,
    });
    expect(wrong).toEqual(unknown);
    expect(disabled).toEqual(unknown);
  });

  it('after 100 wrong passwords from one source, refuses even the right one until the wait passes', async () => {
    const deps = await setup();
    const answers: string[] = [];
    let retryAfter = 0;
    for (let i = 0; i < 100; i++) {
      const r = await refusal(
        signIn(deps, { email: 'ann@desk.example', password: `wrong ${i}` }, '10.9.9.9'),
      );
      answers.push(r.code);
      if (r.code === 'RATE_LIMITED')
        retryAfter = (r.details as { retryAfterSeconds: number }).retryAfterSeconds;
    }
    expect(answers.filter((c) => c === 'UNAUTHENTICATED')).toHaveLength(10);
    expect(answers.slice(10).every((c) => c === 'RATE_LIMITED')).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    const right = await refusal(
      signIn(deps, { email: 'ann@desk.example', password: PASSWORD }, '10.9.9.9'),
    );
    expect(right.code).toBe('RATE_LIMITED');
    // The account is locked from other sources too (the per-account limit).
    expect(
      (await refusal(signIn(deps, { email: 'ann@desk.example', password: PASSWORD }, '10.1.1.1')))
        .code,
    ).toBe('RATE_LIMITED');
    deps.clock.advance(retryAfter * 1000);
    await expect(
      signIn(deps, { email: 'ann@desk.example', password: PASSWORD }, '10.9.9.9'),
    ).resolves.toBeDefined();
  });

  it('ends every session of an account whose password changes or that is disabled', async () => {
    const deps = await setup();
    const signed = await signIn(deps, { email: 'ann@desk.example', password: PASSWORD }, 's');
    deps.clock.advance(1000);
    await setPassword(deps, 'ann@desk.example', 'a brand new passphrase', 'user:ann@desk.example');
    expect((await refusal(authenticate(deps, signed.accessToken))).code).toBe('UNAUTHENTICATED');
    expect((await refusal(refreshSignIn(deps, signed.refreshToken, 's'))).code).toBe(
      'UNAUTHENTICATED',
    );
    const again = await signIn(
      deps,
      { email: 'ann@desk.example', password: 'a brand new passphrase' },
      's',
    );
    await updateUser(deps, 'ann@desk.example', { disabled: true }, 'cli:root');
    expect((await refusal(authenticate(deps, again.accessToken))).code).toBe('UNAUTHENTICATED');
  });

  it('authenticates API keys until revoked', async () => {
    const deps = await setup();
    const key = await createApiKey(
      deps,
      { name: 'loader', role: 'user', assetClasses: ['CLO'] },
      'cli:root',
    );
    expect(await authenticate(deps, key.token)).toEqual({
      kind: 'api-key',
      id: key.id,
      actor: `apikey:${key.id}`,
      role: 'user',
      assetClasses: ['CLO'],
      clo: null,
    });
    await revokeApiKey(deps, key.id, 'cli:root');
    expect(await refusal(authenticate(deps, key.token))).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'the API key is not valid',
    });
    expect((await refusal(authenticate(deps, 'garbage'))).code).toBe('UNAUTHENTICATED');
  });
});
