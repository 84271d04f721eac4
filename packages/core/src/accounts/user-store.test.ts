import { describe, expect, it } from 'vitest';
import { isMarketPulseError } from '../errors.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemoryStore } from '../testing/memory-store.js';
import { createTestHasher } from '../testing/test-secrets.js';
import { ensureFirstAdmin } from './first-admin.js';
import {
  addUser,
  changeOwnPassword,
  findUser,
  getUser,
  listUsers,
  removeUser,
  setPassword,
  updateUser,
  verifyPassword,
} from './user-store.js';

const PASSWORD = 'correct horse battery staple';

async function setup() {
  const deps = {
    store: createMemoryStore(),
    clock: createManualClock(new Date('2026-03-13T09:00:00Z')),
    hasher: createTestHasher(),
  };
  const decoy = await deps.hasher.hash('decoy password that matches nothing');
  const admin = await addUser(
    deps,
    {
      email: ' Ann@Desk.Example ',
      name: 'Ann',
      role: 'admin',
      assetClasses: ['*'],
      password: PASSWORD,
    },
    'cli:root',
  );
  return { deps, decoy, admin };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (isMarketPulseError(err)) return `${err.code}: ${err.message}`;
    throw err;
  }
  throw new Error('expected an error');
}

describe('accounts', () => {
  it('creates one account per email (case-insensitive), never showing the hash', async () => {
    const { deps, admin } = await setup();
    expect(admin).toMatchObject({
      email: 'ann@desk.example',
      role: 'admin',
      hasPassword: true,
      createdBy: 'cli:root',
    });
    expect(admin).not.toHaveProperty('passwordHash');
    expect(await getUser(deps.store, 'ANN@desk.example')).toEqual(admin);
    expect(await getUser(deps.store, admin.id)).toEqual(admin);
    expect(
      await codeOf(
        addUser(deps, { email: 'ann@DESK.example', name: 'Other', role: 'viewer' }, 'cli:root'),
      ),
    ).toBe('CONFLICT: ann@desk.example already has an account');
    expect((await listUsers(deps.store)).map((u) => u.email)).toEqual(['ann@desk.example']);
  });

  it('refuses passwords the policy refuses, and stores nothing', async () => {
    const { deps } = await setup();
    const add = (password: string) =>
      codeOf(
        addUser(
          deps,
          { email: 'bob@desk.example', name: 'Bob Smith', role: 'user', password },
          'cli:root',
        ),
      );
    expect(await add('short')).toMatch(/is 5 characters long; use at least 8/);
    expect(await add('password123')).toMatch(/one of the most common passwords/);
    expect(await add('bob@desk.example!')).toMatch(/contains your email, your name/);
    expect(await add('x'.repeat(129))).toMatch(/use at most 128/);
    expect((await listUsers(deps.store)).length).toBe(1);
    await expect(findUser(deps.store, 'bob@desk.example')).resolves.toBeNull();
  });

  it('verifies passwords with one answer for unknown, disabled and wrong', async () => {
    const { deps, decoy } = await setup();
    await addUser(
      deps,
      { email: 'bob@desk.example', name: 'Bob', role: 'user', password: PASSWORD },
      'cli:root',
    );
    expect(await verifyPassword(deps, 'BOB@desk.example', PASSWORD, decoy)).toMatchObject({
      email: 'bob@desk.example',
    });
    expect(
      await verifyPassword(deps, 'bob@desk.example', 'wrong password here', decoy),
    ).toBeUndefined();
    expect(await verifyPassword(deps, 'nobody@desk.example', PASSWORD, decoy)).toBeUndefined();
    expect(await verifyPassword(deps, 'not an email', PASSWORD, decoy)).toBeUndefined();
    await updateUser(deps, 'bob@desk.example', { disabled: true }, 'user:ann@desk.example');
    expect(await verifyPassword(deps, 'bob@desk.example', PASSWORD, decoy)).toBeUndefined();
  });

  it('upgrades a hash made with weaker parameters at the next login', async () => {
    const { deps, decoy } = await setup();
    const stronger = { ...deps, hasher: createTestHasher({ cost: 2 }) };
    const before = (await findUser(deps.store, 'ann@desk.example'))?.passwordHash;
    expect(await verifyPassword(stronger, 'ann@desk.example', PASSWORD, decoy)).toBeDefined();
    const after = (await findUser(deps.store, 'ann@desk.example'))?.passwordHash;
    expect(before).toMatch(/^\$test\$c=1\$/);
    expect(after).toMatch(/^\$test\$c=2\$/);
    expect(await verifyPassword(stronger, 'ann@desk.example', PASSWORD, decoy)).toBeDefined();
  });

  it('ends sessions when the password changes or the account is disabled', async () => {
    const { deps, admin } = await setup();
    const bob = await addUser(
      deps,
      { email: 'bob@desk.example', name: 'Bob', role: 'user' },
      'cli:root',
    );
    expect(bob.hasPassword).toBe(false);
    deps.clock.advance(60_000);
    const changed = await setPassword(deps, bob.id, PASSWORD, 'cli:root');
    expect(changed).toMatchObject({
      hasPassword: true,
      version: 2,
      sessionsValidFrom: '2026-03-13T09:01:00.000Z',
    });
    deps.clock.advance(60_000);
    const renamed = await updateUser(deps, bob.id, { name: 'Robert' }, `user:${admin.email}`);
    expect(renamed.sessionsValidFrom).toBe('2026-03-13T09:01:00.000Z');
    deps.clock.advance(60_000);
    const disabled = await updateUser(deps, bob.id, { disabled: true }, `user:${admin.email}`);
    expect(disabled).toMatchObject({
      disabled: true,
      sessionsValidFrom: '2026-03-13T09:03:00.000Z',
      updatedBy: 'user:ann@desk.example',
    });
  });

  it('refuses a stale version and keeps the last enabled admin', async () => {
    const { deps, admin } = await setup();
    expect(await codeOf(updateUser(deps, admin.id, { role: 'user' }, 'cli:root'))).toMatch(
      /CONFLICT: .*last enabled admin/,
    );
    expect(await codeOf(updateUser(deps, admin.id, { disabled: true }, 'cli:root'))).toMatch(
      /last enabled admin/,
    );
    expect(await codeOf(removeUser(deps, admin.id))).toMatch(/last enabled admin/);
    const bob = await addUser(
      deps,
      { email: 'bob@desk.example', name: 'Bob', role: 'admin' },
      'cli:root',
    );
    expect(
      await codeOf(updateUser(deps, bob.id, { name: 'B' }, 'cli:root', { expectedVersion: 7 })),
    ).toMatch(/CONFLICT: account bob@desk.example is at version 1, not 7/);
    await updateUser(deps, admin.id, { role: 'viewer' }, 'cli:root');
    expect(await codeOf(removeUser(deps, bob.id))).toMatch(/last enabled admin/);
    await removeUser(deps, admin.id);
    expect(await codeOf(getUser(deps.store, admin.id))).toMatch(/^NOT_FOUND/);
    expect(await codeOf(getUser(deps.store, '../etc/passwd'))).toMatch(/^NOT_FOUND/);
  });

  it('refuses invalid fields naming them', async () => {
    const { deps } = await setup();
    expect(
      await codeOf(addUser(deps, { email: 'not-an-email', name: 'X', role: 'user' }, 'cli:root')),
    ).toMatch(/VALIDATION_ERROR: invalid account: email: not an email address/);
    expect(
      await codeOf(
        addUser(deps, { email: 'x@desk.example', name: 'X', role: 'owner' as 'user' }, 'cli:root'),
      ),
    ).toMatch(/role/);
  });
});

describe('ensureFirstAdmin', () => {
  it('creates the configured admin once, never over an existing admin', async () => {
    const deps = {
      store: createMemoryStore(),
      clock: createManualClock(new Date('2026-03-13T09:00:00Z')),
      hasher: createTestHasher(),
    };
    const first = await ensureFirstAdmin(
      deps,
      { email: 'ops@desk.example', password: PASSWORD },
      'env:MP_ADMIN_EMAIL',
    );
    expect(first).toMatchObject({
      email: 'ops@desk.example',
      role: 'admin',
      assetClasses: ['*'],
      createdBy: 'env:MP_ADMIN_EMAIL',
    });
    expect(
      await ensureFirstAdmin(
        deps,
        { email: 'other@desk.example', password: PASSWORD },
        'env:MP_ADMIN_EMAIL',
      ),
    ).toBeUndefined();
    expect((await listUsers(deps.store)).map((u) => u.email)).toEqual(['ops@desk.example']);
    await expect(
      ensureFirstAdmin(
        { ...deps, store: createMemoryStore() },
        { email: 'ops@desk.example', password: 'password1' },
        'env',
      ),
    ).rejects.toThrow(/most common passwords/);
  });
});

describe('changeOwnPassword', () => {
  it('needs the current password, then sets the new one and ends sessions', async () => {
    const { deps, admin } = await setup();
    expect(
      await codeOf(changeOwnPassword(deps, admin.id, 'not it at all', 'a new passphrase here')),
    ).toBe('UNAUTHENTICATED: the current password is wrong');
    deps.clock.advance(1000);
    const changed = await changeOwnPassword(deps, admin.id, PASSWORD, 'a new passphrase here');
    expect(changed).toMatchObject({
      updatedBy: 'user:ann@desk.example',
      sessionsValidFrom: '2026-03-13T09:00:01.000Z',
    });
    expect(
      await codeOf(changeOwnPassword(deps, admin.id, 'a new passphrase here', 'short')),
    ).toMatch(/^VALIDATION_ERROR/);
  });
});
