import { describe, expect, it } from 'vitest';
import type { ProcessProbe } from '../ports/process-probe.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemoryStore } from '../testing/memory-store.js';
import { createLeases, type LeaseHolder, type LeaseOptions } from './lease.js';

const KEY = 'locks/pipeline.json';
const TTL = 60_000;

function setup() {
  const store = createMemoryStore();
  const clock = createManualClock('2026-03-13T18:30:00Z');
  /** A process `id` with its own observer; `self` overrides who it says it is. */
  const manager = (id: string, extra: Partial<LeaseOptions> & { self?: LeaseHolder } = {}) => {
    const { self, ...options } = extra;
    const leases = createLeases({ store, clock, ttlMs: TTL, ...options });
    return { tryAcquire: (key: string) => leases.tryAcquire(key, self ?? { id }) };
  };
  return { store, clock, manager };
}

function probe(overrides: Partial<ProcessProbe> & { alive?: number[] }): ProcessProbe {
  const alive = new Set(overrides.alive ?? []);
  return {
    host: 'desk-1',
    pid: 100,
    bootId: 'boot-a',
    isAlive: (pid) => alive.has(pid),
    ...overrides,
  };
}

describe('leases', () => {
  it('gives a free lease to exactly one of 10 concurrent processes', async () => {
    const { manager } = setup();
    const attempts = await Promise.all(
      Array.from({ length: 10 }, (_, i) => manager(`p${i}`).tryAcquire(KEY)),
    );
    expect(attempts.filter((a) => a.acquired)).toHaveLength(1);
  });

  it('keeps a renewed lease forever, and expires one left alone after the TTL on the observer’s clock', async () => {
    const { clock, manager } = setup();
    const first = await manager('holder').tryAcquire(KEY);
    if (!first.acquired) throw new Error('expected the lease');
    const observer = manager('observer');
    for (let i = 0; i < 40; i++) {
      expect((await observer.tryAcquire(KEY)).acquired).toBe(false);
      clock.advance(15_000);
      await first.lease.renew();
    }
    expect(await observer.tryAcquire(KEY)).toMatchObject({ acquired: false, expiresInMs: TTL });
    clock.advance(TTL - 1);
    expect(await observer.tryAcquire(KEY)).toMatchObject({ acquired: false, expiresInMs: 1 });
    clock.advance(1);
    const taken = await observer.tryAcquire(KEY);
    expect(taken).toMatchObject({ acquired: true, tookOverFrom: { id: 'holder' } });
    await expect(first.lease.renew()).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { reason: 'lease-lost' },
    });
  });

  it('counts expiry from when the observer first saw the lease, never from the holder’s timestamps', async () => {
    const { clock, manager } = setup();
    await manager('holder').tryAcquire(KEY);
    clock.advance(10 * TTL); // the holder's renewedAt is long past, but this observer has not watched it yet
    const late = manager('late');
    expect(await late.tryAcquire(KEY)).toMatchObject({ acquired: false, expiresInMs: TTL });
    clock.advance(TTL);
    expect((await late.tryAcquire(KEY)).acquired).toBe(true);
  });

  it('loses the takeover race when the holder renews between observation and takeover', async () => {
    const { clock, manager } = setup();
    const first = await manager('holder').tryAcquire(KEY);
    if (!first.acquired) throw new Error('expected the lease');
    const observer = manager('observer');
    await observer.tryAcquire(KEY);
    clock.advance(TTL);
    await first.lease.renew(); // just in time
    expect((await observer.tryAcquire(KEY)).acquired).toBe(false);
    await first.lease.renew();
  });

  it('breaks at once the lease of a dead process on the same host, or of a host that rebooted', async () => {
    const { manager } = setup();
    const dead = await manager('crashed-run', {
      self: { id: 'crashed-run', host: 'desk-1', pid: 200, bootId: 'boot-a' },
    }).tryAcquire(KEY);
    expect(dead.acquired).toBe(true);
    const next = manager('next-run', { probe: probe({ alive: [] }) });
    expect(await next.tryAcquire(KEY)).toMatchObject({
      acquired: true,
      tookOverFrom: { id: 'crashed-run', pid: 200 },
    });

    const { manager: m2 } = setup();
    await m2('before-reboot', {
      self: { id: 'before-reboot', host: 'desk-1', pid: 200, bootId: 'boot-a' },
    }).tryAcquire(KEY);
    expect(
      (await m2('after', { probe: probe({ bootId: 'boot-b', alive: [200] }) }).tryAcquire(KEY))
        .acquired,
    ).toBe(true);
  });

  it('never breaks by PID the lease of a live process or of another host', async () => {
    const { manager } = setup();
    await manager('alive', {
      self: { id: 'alive', host: 'desk-1', pid: 200, bootId: 'boot-a' },
    }).tryAcquire(KEY);
    expect((await manager('a', { probe: probe({ alive: [200] }) }).tryAcquire(KEY)).acquired).toBe(
      false,
    );
    expect(
      (await manager('b', { probe: probe({ host: 'desk-2', alive: [] }) }).tryAcquire(KEY))
        .acquired,
    ).toBe(false);
  });

  it('takes overlapping renewals of one holder (a heartbeat timer and the run) one at a time', async () => {
    const { manager } = setup();
    const attempt = await manager('holder').tryAcquire(KEY);
    if (!attempt.acquired) throw new Error('expected the lease');
    await Promise.all([
      attempt.lease.renew(),
      attempt.lease.renew({ purpose: 'run:7' }),
      attempt.lease.renew(),
    ]);
    await attempt.lease.renew(); // still ours: none of the three looked like a lost race
    expect(attempt.lease.holder.purpose).toBe('run:7');
  });

  it('inspect tells who holds a lease and when this observer may take it over', async () => {
    const { store, clock, manager } = setup();
    const observer = createLeases({ store, clock, ttlMs: TTL });
    expect(await observer.inspect(KEY)).toBeNull();
    const attempt = await manager('holder', {
      self: { id: 'holder', fire: { jobId: '1', nominal: 'x' } },
    }).tryAcquire(KEY);
    if (!attempt.acquired) throw new Error('expected the lease');
    expect(await observer.inspect(KEY)).toMatchObject({
      holder: { id: 'holder', fire: { jobId: '1' } },
      expiresInMs: TTL,
    });
    clock.advance(TTL);
    expect((await observer.inspect(KEY))?.expiresInMs).toBe(0);
  });

  it('is free again at once after release', async () => {
    const { manager } = setup();
    const first = await manager('one').tryAcquire(KEY);
    if (!first.acquired) throw new Error('expected the lease');
    await first.lease.release();
    await first.lease.release();
    expect((await manager('two').tryAcquire(KEY)).acquired).toBe(true);
  });
});
