import { describe, expect, it } from 'vitest';
import type { ObjectStore } from '../ports/object-store.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemoryStore } from '../testing/memory-store.js';
import { createAccountReadCache, MAX_ACCOUNT_CACHE_MS } from './account-read-cache.js';

const text = (s: string) => new TextEncoder().encode(s);
const read = async (store: ObjectStore, key: string) => {
  const found = await store.get(key);
  return found === null ? null : new TextDecoder().decode(found.body);
};

/** A store that counts its reads. */
function countingStore() {
  const inner = createMemoryStore();
  const counts = { gets: 0 };
  const store: ObjectStore = {
    get: (key) => {
      counts.gets++;
      return inner.get(key);
    },
    put: (key, body, condition) => inner.put(key, body, condition),
    delete: (key, condition) => inner.delete(key, condition),
    list: (prefix, options) => inner.list(prefix, options),
  };
  return { store, counts };
}

describe('account read cache', () => {
  it('reads an account document once per window, then again', async () => {
    const { store, counts } = countingStore();
    const clock = createManualClock(new Date('2026-03-13T09:00:00Z'));
    await store.put('accounts/users/a.json', text('v1'));
    const cache = createAccountReadCache({ store, clock, windowMs: 1000 });
    counts.gets = 0;
    for (let i = 0; i < 5; i++)
      expect(await read(cache.reader, 'accounts/users/a.json')).toBe('v1');
    expect(counts.gets).toBe(1);
    clock.advance(999);
    await read(cache.reader, 'accounts/users/a.json');
    expect(counts.gets).toBe(1);
    clock.advance(1);
    await read(cache.reader, 'accounts/users/a.json');
    expect(counts.gets).toBe(2);
  });

  it("sees another process's change within the window, and its own writer's change at once", async () => {
    const { store } = countingStore();
    const clock = createManualClock(new Date('2026-03-13T09:00:00Z'));
    await store.put('accounts/entitlements.json', text('v1'));
    const cache = createAccountReadCache({ store, clock, windowMs: 1000 });
    expect(await read(cache.reader, 'accounts/entitlements.json')).toBe('v1');
    // Another process writes the store directly: this one trusts its copy for the window only.
    await store.put('accounts/entitlements.json', text('v2'));
    clock.advance(500);
    expect(await read(cache.reader, 'accounts/entitlements.json')).toBe('v1');
    clock.advance(500);
    expect(await read(cache.reader, 'accounts/entitlements.json')).toBe('v2');
    // This process writes through its writer: the next read sees it.
    await cache.writer.put('accounts/entitlements.json', text('v3'));
    expect(await read(cache.reader, 'accounts/entitlements.json')).toBe('v3');
    await cache.writer.delete('accounts/entitlements.json');
    expect(await read(cache.reader, 'accounts/entitlements.json')).toBeNull();
  });

  it('keeps only account documents, never a missing one, and nothing with a zero window', async () => {
    const { store, counts } = countingStore();
    const clock = createManualClock(new Date('2026-03-13T09:00:00Z'));
    await store.put('runs/1.json', text('r'));
    const cache = createAccountReadCache({ store, clock, windowMs: 1000 });
    counts.gets = 0;
    await read(cache.reader, 'runs/1.json');
    await read(cache.reader, 'runs/1.json');
    await read(cache.reader, 'accounts/sessions/new.json');
    await store.put('accounts/sessions/new.json', text('s'));
    expect(await read(cache.reader, 'accounts/sessions/new.json')).toBe('s');
    expect(counts.gets).toBe(4);
    const none = createAccountReadCache({ store, clock, windowMs: 0 });
    await read(none.reader, 'accounts/sessions/new.json');
    await read(none.reader, 'accounts/sessions/new.json');
    expect(counts.gets).toBe(6);
  });

  it('shares one read among concurrent misses; a write during a read drops it', async () => {
    const { store, counts } = countingStore();
    const clock = createManualClock(new Date('2026-03-13T09:00:00Z'));
    await store.put('accounts/clo-mappings.json', text('v1'));
    const cache = createAccountReadCache({ store, clock, windowMs: 1000 });
    counts.gets = 0;
    const reads = Array.from({ length: 20 }, () =>
      read(cache.reader, 'accounts/clo-mappings.json'),
    );
    await cache.writer.put('accounts/clo-mappings.json', text('v2'));
    expect(new Set(await Promise.all(reads)).size).toBeGreaterThan(0);
    expect(counts.gets).toBe(1);
    expect(await read(cache.reader, 'accounts/clo-mappings.json')).toBe('v2');
  });

  it('keeps a derived value until its oldest document leaves the window, or a write', async () => {
    const { store, counts } = countingStore();
    const clock = createManualClock(new Date('2026-03-13T09:00:00Z'));
    await store.put('accounts/users/a.json', text('v1'));
    const cache = createAccountReadCache({ store, clock, windowMs: 1000 });
    let computed = 0;
    const value = () =>
      cache.remember('a', async (reader) => {
        computed++;
        return read(reader, 'accounts/users/a.json');
      });
    counts.gets = 0;
    await read(cache.reader, 'accounts/users/a.json'); // the document's copy dates from t = 0
    clock.advance(600);
    expect(await value()).toBe('v1');
    expect(await value()).toBe('v1');
    expect(computed).toBe(1);
    expect(counts.gets).toBe(1);
    // Another process changes it: the value goes with its document, at t = 1000 (not 1600).
    await store.put('accounts/users/a.json', text('v2'));
    clock.advance(399);
    expect(await value()).toBe('v1');
    clock.advance(1);
    expect(await value()).toBe('v2');
    expect(computed).toBe(2);
    // This process writes an account document: every derived value is computed again.
    await cache.writer.put('accounts/users/a.json', text('v3'));
    expect(await value()).toBe('v3');
    // Other writes (a rate-limit counter, a run) leave them.
    await cache.writer.put('limits/x.json', text('1'));
    expect(await value()).toBe('v3');
    expect(computed).toBe(3);
  });

  it('refuses a window longer than the bound', () => {
    const { store } = countingStore();
    const clock = createManualClock(new Date('2026-03-13T09:00:00Z'));
    expect(() =>
      createAccountReadCache({ store, clock, windowMs: MAX_ACCOUNT_CACHE_MS + 1 }),
    ).toThrow(/windowMs/);
    expect(() => createAccountReadCache({ store, clock, windowMs: -1 })).toThrow(/windowMs/);
  });
});
