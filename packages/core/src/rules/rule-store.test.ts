import { describe, expect, it } from 'vitest';
import { runAutomation } from '../run/run-automation.js';
import { generateColors } from '../sample/generate-colors.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemoryStore } from '../testing/memory-store.js';
import {
  createRule,
  deleteRule,
  getRule,
  importRuleFile,
  listRules,
  setRuleActive,
  updateRule,
} from './rule-store.js';

function world() {
  let n = 0;
  return {
    store: createMemoryStore(),
    clock: createManualClock('2026-03-13T09:00:00Z'),
    ids: { nextId: () => `r${++n}` },
  };
}
const noValuations = {
  name: 'No valuations',
  active: true,
  priority: 1,
  when: { field: 'BIAS', op: 'eq', value: 'VALUATION' },
};

describe('rule store', () => {
  it('creates, lists, edits with versions, toggles and deletes rules', async () => {
    const deps = world();
    const rule = await createRule(deps, noValuations, { actor: 'cli:tester' });
    expect(rule).toMatchObject({ id: 'r1', version: 1, createdAt: '2026-03-13T09:00:00.000Z' });
    deps.clock.advance(60_000);
    const edited = await updateRule(
      deps,
      rule.id,
      { ...noValuations, priority: 5 },
      { actor: 'cli:tester', expectedVersion: 1 },
    );
    expect(edited).toMatchObject({
      version: 2,
      priority: 5,
      createdAt: rule.createdAt,
      updatedAt: '2026-03-13T09:01:00.000Z',
    });
    await expect(
      updateRule(deps, rule.id, noValuations, { actor: 'cli:tester', expectedVersion: 1 }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { version: 2, expectedVersion: 1 },
    });
    expect(await setRuleActive(deps, rule.id, false, { actor: 'cli:tester' })).toMatchObject({
      active: false,
      version: 3,
    });
    expect(await listRules(deps.store)).toHaveLength(1);
    await expect(
      deleteRule(deps, rule.id, { actor: 'cli:tester', expectedVersion: 2 }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await deleteRule(deps, rule.id, { actor: 'cli:tester', expectedVersion: 3 });
    await expect(getRule(deps.store, rule.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses invalid rules and duplicate names, leaving the stored rules unchanged', async () => {
    const deps = world();
    await createRule(deps, noValuations, { actor: 'cli:tester' });
    await expect(
      createRule(deps, { ...noValuations, name: 'NO VALUATIONS' }, { actor: 'cli:tester' }),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(
      createRule(
        deps,
        {
          ...noValuations,
          name: 'Typo',
          when: { field: 'SORCE', op: 'ne', value: 'JPM' },
        },
        { actor: 'cli:tester' },
      ),
    ).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      message: expect.stringMatching(/unknown field "SORCE"/),
    });
    expect((await listRules(deps.store)).map((r) => r.name)).toEqual(['No valuations']);
  });

  it('an inactive rule can be edited (the original answered 500)', async () => {
    const deps = world();
    const rule = await createRule(
      deps,
      { ...noValuations, active: false },
      { actor: 'cli:tester' },
    );
    expect(
      await updateRule(
        deps,
        rule.id,
        { ...noValuations, active: false, name: 'Renamed' },
        { actor: 'cli:tester' },
      ),
    ).toMatchObject({ name: 'Renamed', active: false });
  });

  it('loses no edit when two processes change different rules at once', async () => {
    const deps = world();
    const a = await createRule(deps, noValuations, { actor: 'cli:tester' });
    const b = await createRule(deps, { ...noValuations, name: 'Other' }, { actor: 'cli:tester' });
    await Promise.all([
      setRuleActive(deps, a.id, false, { actor: 'cli:tester' }),
      setRuleActive(deps, b.id, false, { actor: 'cli:tester' }),
    ]);
    expect((await listRules(deps.store)).map((r) => r.active)).toEqual([false, false]);
  });

  it('imports a legacy file rule by rule with a report, and the run applies the stored active rules', async () => {
    const deps = world();
    await createRule(deps, noValuations, { actor: 'cli:tester' });
    const { rules, report } = await importRuleFile(
      deps,
      {
        rules: [
          {
            id: 7,
            name: 'Remove DZ',
            is_active: true,
            conditions: [{ type: 'where', column: 'SOURCE', operator: 'equals', value: 'DZ Bank' }],
          },
          {
            id: 8,
            name: 'no valuations',
            is_active: true,
            conditions: [{ type: 'where', column: 'BIAS', operator: 'equals', value: 'VALUATION' }],
          },
          {
            id: 9,
            name: 'Broken',
            is_active: true,
            conditions: [{ type: 'where', column: 'BWIC_COVER', operator: 'equals', value: 'x' }],
          },
        ],
      },
      { actor: 'cli:tester' },
    );
    expect(rules.map((r) => r.name)).toEqual(['Remove DZ', 'no valuations (2)']);
    expect(report.map((r) => r.outcome)).toEqual(['imported', 'imported', 'refused']);
    expect(await listRules(deps.store)).toHaveLength(3);
    const records = generateColors({ rows: 500, seed: 4 });
    const run = await runAutomation(deps, {
      trigger: 'cli',
      businessDate: '2026-03-13',
      inputs: [{ origin: 'source', processingType: 'AUTOMATED', records }],
    });
    expect(run.counts.excluded).toBe(
      records.filter((r) => r.BIAS === 'VALUATION' || r.SOURCE === 'DZ BANK').length,
    );
  });
});
