import { describe, expect, it } from 'vitest';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemoryStore } from '../testing/memory-store.js';
import { consumeRateLimit, RATE_LIMITS } from './rate-limits.js';
import { accountsUpkeep } from './upkeep.js';
import { addUser, getUser } from './user-store.js';

describe('accountsUpkeep', () => {
  it('without a permissions file: prunes passed rate-limit counters only', async () => {
    const deps = { store: createMemoryStore(), clock: createManualClock('2026-03-13T09:00:00Z') };
    await consumeRateLimit(deps, RATE_LIMITS.loginPerSource, '10.0.0.1');
    expect(await accountsUpkeep(deps, 'serve')).toEqual({
      permissions: null,
      rateLimitsPruned: 0,
      sessionsPruned: 0,
    });
    deps.clock.advance(2 * RATE_LIMITS.loginPerSource.windowSeconds * 1000 + 1000);
    expect(await accountsUpkeep(deps, 'serve')).toEqual({
      permissions: null,
      rateLimitsPruned: 1,
      sessionsPruned: 0,
    });
  });

  it("follows the permissions file's asset classes for existing accounts", async () => {
    const deps = { store: createMemoryStore(), clock: createManualClock('2026-03-13T09:00:00Z') };
    await addUser(deps, { email: 'a@desk.example.com', name: 'A', role: 'user' }, 'test');
    await deps.store.put(
      'permissions/user_permissions.json',
      new TextEncoder().encode(
        JSON.stringify({ users: [{ username: 'a@desk.example.com', asset_classes: ['US CLO'] }] }),
      ),
    );
    const report = await accountsUpkeep(deps, 'serve:permissions-sync');
    expect(report.permissions?.updated).toEqual([
      { email: 'a@desk.example.com', from: [], to: ['US CLO'] },
    ]);
    expect(await getUser(deps.store, 'a@desk.example.com')).toMatchObject({
      assetClasses: ['US CLO'],
      updatedBy: 'serve:permissions-sync',
    });
  });
});
