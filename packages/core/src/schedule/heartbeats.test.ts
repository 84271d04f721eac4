import { describe, expect, it } from 'vitest';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemoryStore } from '../testing/memory-store.js';
import { listHeartbeats, markHeartbeatStopped, writeHeartbeat } from './heartbeats.js';
import { createScheduler } from './scheduler.js';

describe('scheduler heartbeats', () => {
  it('running while fresh, not running after three missed beats (at least a minute), stopped when marked', async () => {
    const store = createMemoryStore();
    const t0 = Date.parse('2026-11-23T12:00:00Z');
    await writeHeartbeat(store, {
      instanceId: 'a',
      at: new Date(t0).toISOString(),
      everyMs: 15_000,
    });
    await writeHeartbeat(store, {
      instanceId: 'b',
      at: new Date(t0).toISOString(),
      everyMs: 60_000,
    });
    const states = async (ms: number) =>
      Object.fromEntries(
        (await listHeartbeats(store, t0 + ms)).map((b) => [b.instanceId, b.state]),
      );
    expect(await states(59_000)).toEqual({ a: 'running', b: 'running' });
    expect(await states(61_000)).toEqual({ a: 'not-running', b: 'running' });
    expect(await states(181_000)).toEqual({ a: 'not-running', b: 'not-running' });
    await markHeartbeatStopped(store, 'a', new Date(t0 + 1000).toISOString());
    expect(await states(181_000)).toEqual({ a: 'stopped', b: 'not-running' });
  });

  it('a clean stop marks the heartbeat stopped; busy() tells whether a stop waits for a run', async () => {
    const store = createMemoryStore();
    const clock = createManualClock('2026-11-23T12:00:00Z');
    const scheduler = createScheduler({
      store,
      clock,
      ids: { nextId: () => 'x' },
      timers: { setTimeout: () => 0, clearTimeout: () => undefined },
      runner: () => Promise.reject(new Error('no fires here')),
      instanceId: 's1',
    });
    scheduler.start();
    await scheduler.tick();
    expect((await listHeartbeats(store, clock.now().getTime()))[0]?.state).toBe('running');
    expect(scheduler.busy()).toBe(false);
    await scheduler.stop();
    const [beat] = await listHeartbeats(store, clock.now().getTime());
    expect(beat).toMatchObject({
      instanceId: 's1',
      state: 'stopped',
      stoppedAt: expect.any(String),
    });
  });
});
