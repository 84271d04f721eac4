import { describe, expect, it } from 'vitest';
import { createMemoryStore } from './memory-store.js';
import { simulateSchedulers } from './scheduler-simulation.js';

describe('exactly once across scheduler instances (in-memory store)', () => {
  it.each([1, 2])(
    'seed %i: 3 instances, ≥ 1,000 fires, random pauses, kills and restarts',
    async (seed) => {
      const report = await simulateSchedulers({ store: createMemoryStore(), seed, fires: 1000 });
      expect(report.violations).toEqual([]);
      expect(report.fires).toBeGreaterThanOrEqual(1000);
      expect(report.kills).toBeGreaterThan(5);
      expect(report.pauses).toBeGreaterThan(5);
      expect(report.statuses.success).toBeGreaterThan(100);
    },
    120_000,
  );
});
