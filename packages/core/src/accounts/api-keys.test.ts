import { describe, expect, it } from 'vitest';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemoryStore } from '../testing/memory-store.js';
import { createSeededRandom } from '../testing/test-secrets.js';
import { createApiKey, listApiKeys, revokeApiKey, verifyApiKey } from './api-keys.js';

const deps = () => ({
  store: createMemoryStore(),
  clock: createManualClock(new Date('2026-03-13T09:00:00Z')),
  random: createSeededRandom(3),
});

describe('API keys', () => {
  it('shows the secret once, stores only its hash, verifies and revokes', async () => {
    const d = deps();
    const key = await createApiKey(
      d,
      { name: 'loader', role: 'user', assetClasses: ['CLO'] },
      'cli:root',
    );
    expect(key.token).toMatch(/^mpk_[0-9a-f]{16}_[0-9a-f]{64}$/);
    const stored = new TextDecoder().decode(
      (await d.store.get(`accounts/api-keys/${key.id}.json`))?.body,
    );
    expect(stored).not.toContain(key.token.slice(-64));
    expect(await listApiKeys(d.store)).toEqual([
      expect.not.objectContaining({ token: expect.anything(), secretHash: expect.anything() }),
    ]);
    expect(await verifyApiKey(d.store, key.token)).toMatchObject({ id: key.id, role: 'user' });
    const wrong = `${key.token.slice(0, -1)}${key.token.endsWith('0') ? '1' : '0'}`;
    expect(await verifyApiKey(d.store, wrong)).toBeUndefined();
    expect(await verifyApiKey(d.store, 'mpk_../../x')).toBeUndefined();
    const revoked = await revokeApiKey(d, key.id, 'cli:root');
    expect(revoked).toMatchObject({ revokedAt: '2026-03-13T09:00:00.000Z', revokedBy: 'cli:root' });
    expect(await verifyApiKey(d.store, key.token)).toBeUndefined();
    await expect(revokeApiKey(d, 'ffffffffffffffff', 'cli:root')).rejects.toThrow(/no API key/);
  });
});
