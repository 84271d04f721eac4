import { IDEMPOTENCY_KEY_RETENTION_MS, type Timers, withIdempotencyKey } from '@market-pulse/core';
import { createManualClock, createMemoryStore } from '@market-pulse/core/testing';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { startAccountsUpkeep } from '../src/serve-accounts.js';

/** Timers whose callbacks run only when the test says so. */
function heldTimers() {
  const pending: Array<() => void> = [];
  const timers: Timers = {
    setTimeout: (callback) => {
      pending.push(callback);
      return pending.length;
    },
    clearTimeout: () => undefined,
  };
  return { timers, pending };
}

async function idempotencyRecords(store: ReturnType<typeof createMemoryStore>) {
  const keys: string[] = [];
  for await (const item of store.list('idempotency/')) keys.push(item.key);
  return keys.length;
}

describe('serve upkeep', () => {
  it('removes idempotency records once their retention has passed, round after round', async () => {
    const store = createMemoryStore();
    const clock = createManualClock('2026-03-13T12:00:00Z');
    const answer = async () => ({ status: 201, body: 'ok' });
    await withIdempotencyKey({ store, clock }, 'run-now', 'first', '', answer);
    const { timers, pending } = heldTimers();
    const upkeep = startAccountsUpkeep({
      store,
      clock,
      timers,
      seconds: 300,
      log: pino({ level: 'silent' }),
    });
    try {
      // The first round runs at start: the record is young, so it stays.
      await expect.poll(() => pending.length).toBe(1);
      expect(await idempotencyRecords(store)).toBe(1);
      clock.advance(IDEMPOTENCY_KEY_RETENTION_MS);
      pending.shift()?.();
      await expect.poll(() => idempotencyRecords(store)).toBe(0);
    } finally {
      upkeep.stop();
    }
  });
});
