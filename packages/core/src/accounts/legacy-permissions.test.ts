import { describe, expect, it } from 'vitest';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemoryStore } from '../testing/memory-store.js';
import { syncLegacyPermissions } from './legacy-permissions.js';
import { addUser, getUser, listUsers } from './user-store.js';

const FILE = 'permissions/user_permissions.json';

async function setup(file: unknown) {
  const deps = {
    store: createMemoryStore(),
    clock: createManualClock(new Date('2026-03-13T09:00:00Z')),
  };
  await deps.store.put(
    FILE,
    new TextEncoder().encode(typeof file === 'string' ? file : JSON.stringify(file)),
  );
  await addUser(
    deps,
    { email: 'root@desk.example', name: 'Root', role: 'admin', assetClasses: ['*'] },
    'cli:root',
  );
  await addUser(
    deps,
    { email: 'user_a@company.com', name: 'A', role: 'user', assetClasses: ['EU CLO'] },
    'cli:root',
  );
  await addUser(
    deps,
    { email: 'user_c@company.com', name: 'C', role: 'user', assetClasses: ['US RMBS'] },
    'cli:root',
  );
  return deps;
}

const FIRST_IMPLEMENTATION = {
  users: [
    { username: 'User_A@company.com', asset_classes: ['US CLO'], full_name: 'User A' },
    { username: 'user_b@company.com', asset_classes: ['EU CLO'], full_name: 'User B' },
    { username: 'root@desk.example', asset_classes: ['US CLO'] },
    { username: 'user_c@company.com', asset_classes: ['US RMBS'], team: 'extra fields are fine' },
    { username: 'not an email', asset_classes: [] },
    { username: 'user_b@company.com', asset_classes: ['US RMBS'] },
  ],
};

describe('the first implementation’s permissions file', () => {
  it('sets listed accounts’ asset classes, reports the rest, and changes nothing on a dry run', async () => {
    const deps = await setup(FIRST_IMPLEMENTATION);
    const dry = await syncLegacyPermissions(deps, 'cli:ann', { dryRun: true, createMissing: true });
    expect(dry).toEqual({
      created: ['user_b@company.com'],
      updated: [{ email: 'user_a@company.com', from: ['EU CLO'], to: ['US CLO'] }],
      unchanged: ['user_c@company.com'],
      keptAllSectors: ['root@desk.example'],
      missing: [],
      refused: [
        { index: 4, username: 'not an email', reason: 'username: not an email address' },
        {
          index: 5,
          username: 'user_b@company.com',
          reason: 'listed again (the first entry counts)',
        },
      ],
    });
    expect((await getUser(deps.store, 'user_a@company.com')).assetClasses).toEqual(['EU CLO']);
    expect((await listUsers(deps.store)).length).toBe(3);

    const real = await syncLegacyPermissions(deps, 'sync:permissions', { createMissing: true });
    expect(real).toEqual(dry);
    expect(await getUser(deps.store, 'user_a@company.com')).toMatchObject({
      assetClasses: ['US CLO'],
      updatedBy: 'sync:permissions',
    });
    expect(await getUser(deps.store, 'user_b@company.com')).toMatchObject({
      role: 'viewer',
      hasPassword: false,
      name: 'User B',
      assetClasses: ['EU CLO'],
    });
    // Run again (a periodic sync): nothing left to do.
    const again = await syncLegacyPermissions(deps, 'sync:permissions', { createMissing: true });
    expect(again.updated).toEqual([]);
    expect(again.created).toEqual([]);
  });

  it('without createMissing, lists the addresses that have no account', async () => {
    const deps = await setup(FIRST_IMPLEMENTATION);
    expect((await syncLegacyPermissions(deps, 'cli:ann')).missing).toEqual(['user_b@company.com']);
    expect((await listUsers(deps.store)).length).toBe(3);
  });

  it('refuses a file that is not JSON or has no users list, naming the key', async () => {
    await expect(syncLegacyPermissions(await setup('{"users": [oops'), 'cli:ann')).rejects.toThrow(
      /permissions\/user_permissions.json is not valid UTF-8 JSON/,
    );
    await expect(syncLegacyPermissions(await setup({ people: [] }), 'cli:ann')).rejects.toThrow(
      /has no "users" list/,
    );
    const none = { store: createMemoryStore(), clock: createManualClock(new Date()) };
    await expect(syncLegacyPermissions(none, 'cli:ann')).rejects.toThrow(
      /has no permissions\/user_permissions.json/,
    );
  });
});
