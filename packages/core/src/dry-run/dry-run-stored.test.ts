import { describe, expect, it } from 'vitest';
import { initializeStore } from '../init/initialize-store.js';
import { listRules } from '../rules/rule-store.js';
import { runAutomation } from '../run/run-automation.js';
import { generateColors } from '../sample/generate-colors.js';
import { REALISTIC_RULES } from '../sample/index.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemoryStore } from '../testing/memory-store.js';
import { dryRunStoredRun } from './dry-run-stored.js';

async function world() {
  let n = 0;
  const deps = {
    store: createMemoryStore(),
    clock: createManualClock('2026-03-13T22:30:00Z'),
    ids: { nextId: () => `id-${++n}` },
  };
  await initializeStore(deps.store, { rules: REALISTIC_RULES });
  const records = generateColors({ rows: 600, seed: 41, businessDate: '2026-03-13' });
  const run = await runAutomation(deps, {
    trigger: 'cli',
    businessDate: '2026-03-13',
    inputs: [
      {
        origin: 'source',
        processingType: 'AUTOMATED',
        records: records.slice(0, 400),
        contentHash: 'a',
      },
      {
        origin: 'upload:u1',
        processingType: 'MANUAL',
        records: records.slice(400),
        contentHash: 'b',
      },
    ],
  });
  return { ...deps, run };
}

describe('dryRunStoredRun', () => {
  it('gives the counts the run recorded when tried with the rules the run applied', async () => {
    const { store, run, clock } = await world();
    expect(run.counts.excluded).toBeGreaterThan(0);
    const result = await dryRunStoredRun(store, {
      runId: run.id,
      rules: await listRules(store),
      processedAt: clock.now().toISOString(),
    });
    expect(result.counts).toEqual(run.counts);
    expect(result.recorded).toEqual(run.counts);
    expect(result.excludedSamples).toHaveLength(5);
    for (const sample of result.excludedSamples) {
      expect(result.ruleNames[sample.EXCLUDED_BY as string]).toBeTruthy();
      expect((sample.WITNESS as unknown[]).length).toBeGreaterThan(0);
      expect(sample.RUN_ID).toBeNull();
    }
    expect(result.keptSamples).toHaveLength(5);
  });

  it('tries candidate rules, active or not, and stores nothing', async () => {
    const { store, run, clock } = await world();
    const before = JSON.stringify(await store.list(''));
    const result = await dryRunStoredRun(store, {
      runId: run.id,
      rules: [
        {
          id: 'c1',
          name: 'No BWIC talk',
          active: false,
          priority: 1,
          when: { field: 'BIAS', op: 'eq', value: 'BWIC TALK' },
        },
      ],
      use: 'all',
      processedAt: clock.now().toISOString(),
    });
    expect(result.counts.input).toBe(run.counts.input);
    expect(result.counts.excludedByRule.c1).toBe(result.counts.excluded);
    expect(result.excludedSamples.every((r) => r.BIAS === 'BWIC TALK')).toBe(true);
    expect(JSON.stringify(await store.list(''))).toBe(before);
  });

  it("counts only the reader's sectors and hides the reader's hidden columns", async () => {
    const { store, run, clock } = await world();
    const result = await dryRunStoredRun(store, {
      runId: run.id,
      rules: await listRules(store),
      processedAt: clock.now().toISOString(),
      scope: {
        rows: { all: false, sectors: new Set(['MM-CLO']), allows: (s) => s === 'MM-CLO' },
        columns: { all: false, visible: new Set(['CUSIP']), allows: (c) => c === 'CUSIP' },
      },
    });
    expect(result.counts.input).toBeGreaterThan(0);
    expect(result.counts.input).toBeLessThan(run.counts.input);
    for (const row of [...result.excludedSamples, ...result.keptSamples]) {
      expect(row.PX).toBeUndefined();
      expect(row.CUSIP).toBeDefined();
    }
  });

  it('refuses a run that never committed', async () => {
    const { store, clock } = await world();
    await expect(
      dryRunStoredRun(store, { runId: 99, rules: [], processedAt: clock.now().toISOString() }),
    ).rejects.toThrow(/run 99 has not committed/);
  });
});
