import { describe, expect, it } from 'vitest';
import { isMarketPulseError } from '../errors.js';
import { updateDocument } from '../store/json-document.js';
import { sessionKey } from '../store/layout.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemoryStore } from '../testing/memory-store.js';
import { createSeededRandom, createTestHasher } from '../testing/test-secrets.js';
import {
  checkSession,
  openSession,
  pruneSessions,
  refreshSession,
  revokeSession,
  SESSION_POLICY,
  type Session,
  sessionIdOfRefreshToken,
  sessionSchema,
} from './sessions.js';
import { tokenSigningKey } from './signing-key.js';
import { addUser, setPassword, updateUser } from './user-store.js';

const PASSWORD = 'correct horse battery staple';

async function setup() {
  const deps = {
    store: createMemoryStore(),
    clock: createManualClock(new Date('2026-03-13T09:00:00Z')),
    random: createSeededRandom(5),
    hasher: createTestHasher(),
  };
  await addUser(
    deps,
    { email: 'root@desk.example', name: 'Root', role: 'admin', password: PASSWORD },
    'cli:root',
  );
  const bob = await addUser(
    deps,
    { email: 'bob@desk.example', name: 'Bob', role: 'user', password: PASSWORD },
    'cli:root',
  );
  return { deps, bob };
}

async function reason(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (isMarketPulseError(err, 'UNAUTHENTICATED'))
      return (err.details as { reason: string }).reason;
    throw err;
  }
  throw new Error('expected UNAUTHENTICATED');
}

describe('sessions and refresh tokens', () => {
  it('rotate on every use; a reused token revokes the whole family', async () => {
    const { deps, bob } = await setup();
    const opened = await openSession(deps, bob);
    expect(sessionIdOfRefreshToken(opened.refreshToken)).toBe(opened.sessionId);
    const first = await refreshSession(deps, opened.refreshToken);
    const second = await refreshSession(deps, first.refreshToken);
    expect(second.session.retired).toHaveLength(2);
    expect(await reason(refreshSession(deps, opened.refreshToken))).toBe('reuse');
    // The thief's reuse also ends the user's newest token.
    expect(await reason(refreshSession(deps, second.refreshToken))).toBe('revoked (reuse)');
    expect(await reason(checkSession(deps, opened.sessionId))).toBe('revoked (reuse)');
  });

  it('a refresh token nobody issued, or malformed, is refused without touching the session', async () => {
    const { deps, bob } = await setup();
    const opened = await openSession(deps, bob);
    expect(await reason(refreshSession(deps, `mpr_${opened.sessionId}_${'0'.repeat(64)}`))).toBe(
      'unknown token',
    );
    expect(await reason(refreshSession(deps, 'mpr_../x'))).toBe('malformed');
    await expect(refreshSession(deps, opened.refreshToken)).resolves.toBeDefined();
  });

  it('end at logout, after the idle and absolute timeouts, and when the account changes', async () => {
    const { deps, bob } = await setup();
    const loggedOut = await openSession(deps, bob);
    await revokeSession(deps, loggedOut.sessionId, 'logout');
    expect(await reason(refreshSession(deps, loggedOut.refreshToken))).toBe('revoked (logout)');

    const idle = await openSession(deps, bob);
    deps.clock.advance(SESSION_POLICY.idleHours * 3_600_000 + 1);
    expect(await reason(refreshSession(deps, idle.refreshToken))).toBe('idle');

    // Refreshed every 11 hours (never idle) until the absolute timeout passes.
    let token = (await openSession(deps, bob)).refreshToken;
    const refreshes = Math.floor((SESSION_POLICY.absoluteDays * 24) / 11);
    for (let i = 0; i < refreshes; i++) {
      deps.clock.advance(11 * 3_600_000);
      token = (await refreshSession(deps, token)).refreshToken;
    }
    deps.clock.advance(11 * 3_600_000);
    expect(await reason(refreshSession(deps, token))).toBe('expired');

    const beforePassword = await openSession(deps, bob);
    deps.clock.advance(1000);
    const changed = await setPassword(
      deps,
      bob.id,
      'another fine passphrase',
      'user:bob@desk.example',
    );
    expect(await reason(checkSession(deps, beforePassword.sessionId))).toBe(
      'ended by an account change',
    );
    const afterPassword = await openSession(deps, changed);
    await expect(checkSession(deps, afterPassword.sessionId)).resolves.toBeDefined();
    await updateUser(deps, bob.id, { disabled: true }, 'cli:root');
    expect(await reason(checkSession(deps, afterPassword.sessionId))).toBe('account disabled');
  });

  it('sign with one key per store, or the configured one', async () => {
    const { deps } = await setup();
    const a = await tokenSigningKey(deps.store, deps.random);
    const b = await tokenSigningKey(deps.store, createSeededRandom(99));
    expect(a).toEqual(b);
    expect(a).toHaveLength(32);
    expect(await tokenSigningKey(deps.store, deps.random, 'ab'.repeat(32))).toEqual(
      new Uint8Array(32).fill(0xab),
    );
    await expect(tokenSigningKey(deps.store, deps.random, 'abc')).rejects.toThrow(
      /at least 32 bytes/,
    );
  });
});

describe('a password change ends the sessions of its own millisecond', () => {
  it('a session opened in the same millisecond as the change, or by a sign-in that checked the old password, ends; the next one lives', async () => {
    const { deps, bob } = await setup();
    // The manual clock stands still: session and change share one millisecond.
    const sameInstant = await openSession(deps, bob);
    const changed = await setPassword(deps, bob.id, 'another fine passphrase', 'cli:root');
    expect(changed.updatedAt).toBe(changed.sessionsValidFrom);
    expect(await reason(checkSession(deps, sameInstant.sessionId))).toBe(
      'ended by an account change',
    );
    // A sign-in that verified the old password, its session written after the change.
    const late = await openSession(deps, bob);
    expect(await reason(checkSession(deps, late.sessionId))).toBe('ended by an account change');
    const fresh = await openSession(deps, changed);
    await expect(checkSession(deps, fresh.sessionId)).resolves.toBeDefined();
    // A second change in that same millisecond ends the fresh one as well.
    await setPassword(deps, bob.id, 'yet another fine passphrase', 'cli:root');
    expect(await reason(checkSession(deps, fresh.sessionId))).toBe('ended by an account change');
  });

  it('a session stored before generations is ended by a change at its own millisecond', async () => {
    const { deps, bob } = await setup();
    deps.clock.advance(1); // after the account's creation, which set `sessionsValidFrom`
    const opened = await openSession(deps, bob);
    // As stored before this version: no generation.
    await updateDocument(deps.store, sessionKey(opened.sessionId), sessionSchema, (current) => {
      const { generation: _g, ...legacy } = current as Session;
      return legacy;
    });
    await expect(checkSession(deps, opened.sessionId)).resolves.toBeDefined();
    await setPassword(deps, bob.id, 'another fine passphrase', 'cli:root');
    expect(await reason(checkSession(deps, opened.sessionId))).toBe('ended by an account change');
  });
});

describe('pruneSessions', () => {
  it('removes revoked, idle and expired sessions and keeps the usable ones', async () => {
    const { deps, bob } = await setup();
    const revoked = await openSession(deps, bob);
    await revokeSession(deps, revoked.sessionId, 'logout');
    const idle = await openSession(deps, bob);
    deps.clock.advance((SESSION_POLICY.idleHours - 1) * 3_600_000);
    const live = await openSession(deps, bob);
    expect(await pruneSessions(deps)).toBe(1);
    deps.clock.advance(2 * 3_600_000); // `idle` now idle past the limit, `live` not
    expect(await pruneSessions(deps)).toBe(1);
    await expect(checkSession(deps, idle.sessionId)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    await expect(checkSession(deps, live.sessionId)).resolves.toBeDefined();
    expect(await pruneSessions(deps)).toBe(0);
  });
});
