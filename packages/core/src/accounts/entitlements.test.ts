import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemoryStore } from '../testing/memory-store.js';
import { readEntitlements, sectorScope, setAssetClass } from './entitlements.js';

describe('entitlements', () => {
  it('stores asset classes and removes one given no sectors', async () => {
    const store = createMemoryStore();
    const deps = { store, clock: createManualClock(new Date('2026-03-13T09:00:00Z')) };
    expect(await readEntitlements(store)).toEqual({ assetClasses: {} });
    await setAssetClass(deps, 'CLO', ['MM-CLO', ' BSL ', 'MM-CLO'], 'cli:root');
    await setAssetClass(deps, 'ABS', ['Auto'], 'cli:root');
    expect(await readEntitlements(store)).toEqual({
      assetClasses: { CLO: ['MM-CLO', 'BSL'], ABS: ['Auto'] },
      updatedAt: '2026-03-13T09:00:00.000Z',
      updatedBy: 'cli:root',
    });
    await setAssetClass(deps, 'ABS', [], 'cli:root');
    expect((await readEntitlements(store)).assetClasses).toEqual({ CLO: ['MM-CLO', 'BSL'] });
    await expect(setAssetClass(deps, '*', ['X'], 'cli:root')).rejects.toThrow(
      /stands for every sector/,
    );
  });

  it('a principal sees exactly the sectors of its asset classes, in any case; nothing without one', () => {
    const sector = fc.string({ minLength: 1, maxLength: 8 }).filter((s) => s.trim() !== '');
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('CLO', 'ABS', 'RMBS'), fc.array(sector, { maxLength: 5 })),
        fc.subarray(['CLO', 'ABS', 'RMBS', 'UNDEFINED']),
        sector,
        (assetClasses, mine, probe) => {
          const scope = sectorScope({ assetClasses: mine }, { assetClasses });
          const expected = mine.some((c) =>
            (assetClasses[c] ?? []).some(
              (s) => s.trim().toUpperCase() === probe.trim().toUpperCase(),
            ),
          );
          expect(scope.allows(probe)).toBe(expected);
          expect(scope.allows(probe.toLowerCase())).toBe(scope.allows(probe.toUpperCase()));
          if (mine.length === 0) expect(scope.allows(probe)).toBe(false);
        },
      ),
    );
    expect(sectorScope({ assetClasses: ['*'] }, { assetClasses: {} }).allows('anything')).toBe(
      true,
    );
    expect(
      sectorScope({ assetClasses: ['CLO'] }, { assetClasses: { CLO: ['X'] } }).allows(null),
    ).toBe(false);
  });
});
