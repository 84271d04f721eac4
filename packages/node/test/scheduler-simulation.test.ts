import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateSchedulers } from '@market-pulse/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileStore } from '../src/file-store.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('exactly once across scheduler instances (filesystem store)', () => {
  it('3 instances on one data folder, ≥ 1,000 fires, random pauses, kills and restarts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mp-sim-'));
    dirs.push(dir);
    const report = await simulateSchedulers({
      store: createFileStore({ dir, durable: false, retireAfterMs: 1000 }),
      seed: 3,
      fires: 1000,
    });
    expect(report.violations).toEqual([]);
    expect(report.fires).toBeGreaterThanOrEqual(1000);
    expect(report.kills).toBeGreaterThan(5);
    expect(report.pauses).toBeGreaterThan(5);
    expect(report.statuses.success).toBeGreaterThan(100);
  }, 300_000);
});
