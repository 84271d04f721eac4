import { describe, expect, it } from 'vitest';
import { isMarketPulseError } from '../errors.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemoryStore } from '../testing/memory-store.js';
import { withIdempotencyKey } from './idempotency-keys.js';

const setup = () => ({
  store: createMemoryStore(),
  clock: createManualClock('2026-03-13T12:00:00Z'),
});

describe('withIdempotencyKey', () => {
  it('works once per key and replays the first answer', async () => {
    const deps = setup();
    let calls = 0;
    const work = async () => ({ status: 201, body: { run: ++calls } });
    const first = await withIdempotencyKey(deps, 'run-now', 'k1', '', work);
    const second = await withIdempotencyKey(deps, 'run-now', 'k1', '', work);
    expect(first).toEqual({ status: 201, body: { run: 1 }, replayed: false });
    expect(second).toEqual({ status: 201, body: { run: 1 }, replayed: true });
    expect(calls).toBe(1);
    expect((await withIdempotencyKey(deps, 'run-now', 'k2', '', work)).body).toEqual({ run: 2 });
  });

  it('of concurrent requests with one key, exactly one works; a repeat while it works is refused', async () => {
    const deps = setup();
    let calls = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started: () => void = () => undefined;
    const working = new Promise<void>((resolve) => {
      started = resolve;
    });
    const work = async () => {
      calls++;
      started();
      await gate;
      return { status: 201, body: 'done' };
    };
    const attempts = Array.from({ length: 5 }, () =>
      withIdempotencyKey(deps, 'upload', 'same', 'f', work).catch((err: unknown) => err),
    );
    await working;
    await expect(withIdempotencyKey(deps, 'upload', 'same', 'f', work)).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { reason: 'in-progress' },
    });
    release();
    const outcomes = await Promise.all(attempts);
    expect(calls).toBe(1);
    for (const outcome of outcomes)
      if (!isMarketPulseError(outcome, 'CONFLICT')) expect(outcome).toMatchObject({ body: 'done' });
  });

  it('refuses a key reused for another request, and releases the key when the work fails', async () => {
    const deps = setup();
    await withIdempotencyKey(deps, 'upload', 'k', 'file-a', async () => ({ status: 201, body: 1 }));
    await expect(
      withIdempotencyKey(deps, 'upload', 'k', 'file-b', async () => ({ status: 201, body: 2 })),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR', details: { reason: 'key-reused' } });
    await expect(
      withIdempotencyKey(deps, 'run-now', 'x', '', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const retried = await withIdempotencyKey(deps, 'run-now', 'x', '', async () => ({
      status: 201,
      body: 'ok',
    }));
    expect(retried).toEqual({ status: 201, body: 'ok', replayed: false });
  });
});
