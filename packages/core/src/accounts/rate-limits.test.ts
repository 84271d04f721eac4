import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemoryStore } from '../testing/memory-store.js';
import {
  consumeRateLimit,
  peekRateLimit,
  pruneRateLimits,
  type RateLimit,
  resetRateLimit,
} from './rate-limits.js';

const LOGIN: RateLimit = { name: 'login-account', limit: 10, windowSeconds: 900 };

describe('rate limits', () => {
  it('allow `limit` events, then refuse with the wait until one more fits — and that wait is right', async () => {
    const deps = {
      store: createMemoryStore(),
      clock: createManualClock(new Date('2026-03-13T09:00:00Z')),
    };
    const states = [];
    for (let i = 0; i < 100; i++)
      states.push(await consumeRateLimit(deps, LOGIN, 'ann@desk.example'));
    expect(states.filter((s) => s.allowed)).toHaveLength(10);
    const refused = states.at(-1);
    expect(refused).toMatchObject({ allowed: false, remaining: 0 });
    const wait = refused?.retryAfterSeconds ?? 0;
    // One second early: still refused. At the wait: allowed again.
    deps.clock.advance((wait - 1) * 1000);
    expect((await peekRateLimit(deps, LOGIN, 'ann@desk.example')).allowed).toBe(false);
    deps.clock.advance(1000);
    expect((await consumeRateLimit(deps, LOGIN, 'ann@desk.example')).allowed).toBe(true);
    // Another subject has its own count.
    expect((await peekRateLimit(deps, LOGIN, 'bob@desk.example')).remaining).toBe(10);
    await resetRateLimit(deps, LOGIN, 'ann@desk.example');
    expect((await peekRateLimit(deps, LOGIN, 'ann@desk.example')).remaining).toBe(10);
  });

  it('lets at most twice the limit through in any window-long span, and never allows an event a second or more before a refusal said to retry', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 120 }),
        fc.array(fc.integer({ min: 0, max: 90_000 }), { minLength: 1, maxLength: 60 }),
        async (limit, windowSeconds, gaps) => {
          const rule = { name: 'p', limit, windowSeconds };
          const deps = {
            store: createMemoryStore(),
            clock: createManualClock(new Date('2026-03-13T00:00:00Z')),
          };
          const allowedAt: number[] = [];
          let notBefore = 0;
          for (const gap of gaps) {
            deps.clock.advance(gap);
            const now = deps.clock.now().getTime();
            const state = await consumeRateLimit(deps, rule, 's');
            if (state.allowed) {
              expect(now).toBeGreaterThanOrEqual(notBefore);
              allowedAt.push(now);
            } else notBefore = Math.max(notBefore, now + (state.retryAfterSeconds - 1) * 1000);
          }
          // The sliding estimate never under-counts: within any span of one window, ≤ 2 × limit
          // (the fixed-window worst case is the bound a sliding counter halves in practice).
          for (const start of allowedAt) {
            const inSpan = allowedAt.filter((t) => t >= start && t < start + windowSeconds * 1000);
            expect(inSpan.length).toBeLessThanOrEqual(limit * 2);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('removes counters whose windows have passed', async () => {
    const deps = {
      store: createMemoryStore(),
      clock: createManualClock(new Date('2026-03-13T09:00:00Z')),
    };
    await consumeRateLimit(deps, LOGIN, 'a');
    await consumeRateLimit(deps, LOGIN, 'b');
    expect(await pruneRateLimits(deps, [LOGIN])).toBe(0);
    deps.clock.advance(2 * 900_000);
    await consumeRateLimit(deps, LOGIN, 'c');
    expect(await pruneRateLimits(deps, [LOGIN])).toBe(2);
    expect((await peekRateLimit(deps, LOGIN, 'c')).remaining).toBe(9);
  });
});
