import { describe, expect, it } from 'vitest';
import { isMarketPulseError } from '../errors.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemoryStore } from '../testing/memory-store.js';
import {
  IDEMPOTENCY_KEY_RETENTION_MS,
  type IdempotentAnswer,
  pruneIdempotencyKeys,
  withIdempotencyKey,
} from './idempotency-keys.js';

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

describe('idempotency key retention', () => {
  const DAY_MS = IDEMPOTENCY_KEY_RETENTION_MS;

  it('replays within the retention and treats the key as new after it', async () => {
    const deps = setup();
    let calls = 0;
    const work = async () => ({ status: 201, body: { run: ++calls } });
    await withIdempotencyKey(deps, 'run-now', 'k', '', work);
    deps.clock.advance(DAY_MS - 1);
    expect(await withIdempotencyKey(deps, 'run-now', 'k', '', work)).toMatchObject({
      body: { run: 1 },
      replayed: true,
    });
    deps.clock.advance(1);
    expect(await withIdempotencyKey(deps, 'run-now', 'k', '', work)).toMatchObject({
      body: { run: 2 },
      replayed: false,
    });
    // The new record starts a new retention.
    expect(await withIdempotencyKey(deps, 'run-now', 'k', '', work)).toMatchObject({
      body: { run: 2 },
      replayed: true,
    });
  });

  it('releases a claim left pending by a process that died, once the retention has passed', async () => {
    const deps = setup();
    const never = new Promise<IdempotentAnswer>(() => undefined);
    void withIdempotencyKey(deps, 'upload', 'stuck', 'f', () => never);
    await expect
      .poll(async () => {
        const keys: string[] = [];
        for await (const item of deps.store.list('idempotency/')) keys.push(item.key);
        return keys.length;
      })
      .toBe(1);
    await expect(
      withIdempotencyKey(deps, 'upload', 'stuck', 'f', async () => ({ status: 201, body: 1 })),
    ).rejects.toMatchObject({ code: 'CONFLICT', details: { reason: 'in-progress' } });
    deps.clock.advance(DAY_MS);
    expect(
      await withIdempotencyKey(deps, 'upload', 'stuck', 'f', async () => ({
        status: 201,
        body: 1,
      })),
    ).toMatchObject({ body: 1, replayed: false });
  });

  it('prunes the records past the retention and keeps the others', async () => {
    const deps = setup();
    const work = async () => ({ status: 201, body: 'x' });
    await withIdempotencyKey(deps, 'run-now', 'old', '', work);
    deps.clock.advance(DAY_MS / 2);
    await withIdempotencyKey(deps, 'run-now', 'young', '', work);
    expect(await pruneIdempotencyKeys(deps)).toBe(0);
    deps.clock.advance(DAY_MS / 2);
    expect(await pruneIdempotencyKeys(deps)).toBe(1);
    expect(await withIdempotencyKey(deps, 'run-now', 'young', '', work)).toMatchObject({
      replayed: true,
    });
    const keys: string[] = [];
    for await (const item of deps.store.list('idempotency/')) keys.push(item.key);
    expect(keys).toHaveLength(1);
  });
});
