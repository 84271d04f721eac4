import { describe, expect, it } from 'vitest';
import type { ColumnInput } from '../columns/column-config.js';
import { DEFAULT_COLUMNS } from '../columns/default-columns.js';
import { isMarketPulseError } from '../errors.js';
import { createRule, listRules } from '../rules/rule-store.js';
import { runAutomation } from '../run/run-automation.js';
import { generateColors } from '../sample/generate-colors.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemoryStore } from '../testing/memory-store.js';
import {
  readColumnConfig,
  readColumnDocument,
  resetColumnConfig,
  saveColumnConfig,
} from './column-store.js';

const ISIN: ColumnInput = {
  name: 'ISIN',
  displayName: 'ISIN',
  type: 'text',
  headerRequired: false,
  allowEmpty: true,
  aliases: ['isin code'],
};
const withIsin = [...DEFAULT_COLUMNS, ISIN];

function world() {
  let n = 0;
  return {
    store: createMemoryStore(),
    clock: createManualClock('2026-03-13T22:30:00Z'),
    ids: { nextId: () => `id-${++n}` },
  };
}
const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return err as Error & { code: string; details: Record<string, unknown> };
  }
  throw new Error('expected a refusal');
};

describe('column store', () => {
  it('uses the defaults (version 0) in a store without the document, then the saved versions', async () => {
    const deps = world();
    const before = await readColumnDocument(deps.store);
    expect(before).toMatchObject({ version: 0, isDefault: true, updatedBy: null });
    const saved = await saveColumnConfig(deps, withIsin, { actor: 'ops', expectedVersion: 0 });
    expect(saved).toMatchObject({ version: 1, isDefault: false, updatedBy: 'ops' });
    expect((await readColumnConfig(deps.store)).resolve('ISIN code')?.name).toBe('ISIN');
    expect((await readColumnDocument(deps.store)).version).toBe(1);
    const reset = await resetColumnConfig(deps, { actor: 'ops', expectedVersion: 1 });
    expect(reset).toMatchObject({ version: 2, isDefault: true });
    expect((await readColumnConfig(deps.store)).byName('ISIN')).toBeUndefined();
  });

  it('refuses a stale version, a changed core column and a broken header mapping, writing nothing', async () => {
    const deps = world();
    await saveColumnConfig(deps, withIsin, { actor: 'ops' });
    const stale = await refusal(
      saveColumnConfig(deps, withIsin, { actor: 'x', expectedVersion: 0 }),
    );
    expect(stale.code).toBe('CONFLICT');
    expect(stale.details).toMatchObject({ version: 1, expectedVersion: 0 });
    const retyped = DEFAULT_COLUMNS.map((c) =>
      c.name === 'BIAS' ? { ...c, type: 'id' as const } : c,
    );
    expect((await refusal(saveColumnConfig(deps, retyped, { actor: 'x' }))).message).toMatch(
      /core column BIAS must keep type text/,
    );
    const optionalCusip = DEFAULT_COLUMNS.map((c) =>
      c.name === 'CUSIP' ? { ...c, headerRequired: false } : c,
    );
    expect((await refusal(saveColumnConfig(deps, optionalCusip, { actor: 'x' }))).message).toMatch(
      /core column CUSIP must keep headerRequired true/,
    );
    const clashingAlias = DEFAULT_COLUMNS.map((c) =>
      c.name === 'PX' ? { ...c, aliases: ['Ticker'] } : c,
    );
    const clash = await refusal(saveColumnConfig(deps, clashingAlias, { actor: 'x' }));
    expect(isMarketPulseError(clash, 'VALIDATION_ERROR')).toBe(true);
    expect(clash.message).toMatch(/would name both TICKER and PX/);
    expect((await readColumnDocument(deps.store)).version).toBe(1);
    // A core column's display name and aliases may change.
    const relabelled = withIsin.map((c) =>
      c.name === 'PX' ? { ...c, displayName: 'Price used', aliases: ['RANKING PRICE'] } : c,
    );
    expect((await saveColumnConfig(deps, relabelled, { actor: 'x' })).version).toBe(2);
  });

  it('refuses a change that would break a stored rule, naming it; the rules and a run use the stored columns', async () => {
    const deps = world();
    await saveColumnConfig(deps, withIsin, { actor: 'ops' });
    const rule = await createRule(
      deps,
      {
        name: 'No ISIN XS',
        active: true,
        priority: 1,
        when: { field: 'isin code', op: 'starts_with', value: 'XS' },
      },
      { actor: 'cli:tester' },
    );
    expect((await listRules(deps.store)).map((r) => r.name)).toEqual(['No ISIN XS']);
    const removal = await refusal(saveColumnConfig(deps, DEFAULT_COLUMNS, { actor: 'x' }));
    expect(removal.code).toBe('CONFLICT');
    expect(removal.message).toMatch(/would break rule "No ISIN XS" \(id-1, active\)/);
    expect(removal.details.rules).toEqual([expect.objectContaining({ id: rule.id })]);
    expect((await refusal(resetColumnConfig(deps, { actor: 'x' }))).code).toBe('CONFLICT');
    expect((await readColumnDocument(deps.store)).version).toBe(1);

    const records = generateColors({ rows: 50, seed: 5 }).map((r, i) => ({
      ...r,
      ISIN: i < 10 ? `XS${String(i).padStart(10, '0')}` : null,
    }));
    const run = await runAutomation(deps, {
      trigger: 'cli',
      businessDate: '2026-03-13',
      inputs: [{ origin: 'source', processingType: 'AUTOMATED', records, contentHash: 'h' }],
    });
    expect(run.counts.excludedByRule[rule.id]).toBe(10);
  });
});
