import { describe, expect, it } from 'vitest';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemoryStore } from '../testing/memory-store.js';
import {
  columnsOfClo,
  DEFAULT_CLO_MAPPINGS,
  readCloMappings,
  replaceCloMappings,
  resetCloMappings,
} from './clo-mappings.js';

const setup = () => {
  const store = createMemoryStore();
  return { store, clock: createManualClock(new Date('2026-11-29T09:00:00Z')) };
};

describe('CLO mappings', () => {
  it('are the defaults (version 0) until an admin replaces them; subtypes inherit unless overridden', async () => {
    const deps = setup();
    expect(await readCloMappings(deps.store)).toEqual(DEFAULT_CLO_MAPPINGS);
    const stored = await replaceCloMappings(
      deps,
      {
        defaultColumns: ['px', 'CUSIP'],
        types: {
          clo: { columns: ['PX', 'BID', 'ASK'] },
          CLO_MEZZ: { parent: 'CLO' },
          CLO_BSL: { parent: 'clo', columns: ['PX'] },
          USABS: { columns: '*' },
        },
      },
      'user:admin@desk.example',
      0,
    );
    expect(stored).toMatchObject({
      version: 1,
      defaultColumns: ['PX', 'CUSIP'],
      updatedBy: 'user:admin@desk.example',
      updatedAt: '2026-11-29T09:00:00.000Z',
    });
    expect(await readCloMappings(deps.store)).toEqual(stored);
    expect(columnsOfClo(stored, 'clo_mezz')).toEqual(['PX', 'BID', 'ASK']);
    expect(columnsOfClo(stored, 'CLO_BSL')).toEqual(['PX']);
    expect(columnsOfClo(stored, 'USABS')).toBe('*');
    expect(columnsOfClo(stored, null)).toEqual(['PX', 'CUSIP']);
    expect(columnsOfClo(stored, 'EURO_ABS')).toBeNull();
  });

  it('refuses unknown columns naming them, a broken hierarchy, and a stale version — storing nothing', async () => {
    const deps = setup();
    await expect(
      replaceCloMappings(
        deps,
        { defaultColumns: '*', types: { CLO: { columns: ['PX', 'PRICE', 'Colour'] } } },
        'a',
      ),
    ).rejects.toThrow(/CLO: unknown columns PRICE, COLOUR \(the columns are RUN_ID, /);
    await expect(
      replaceCloMappings(
        deps,
        { defaultColumns: '*', types: { A: { parent: 'NOPE' }, B: {}, C: { parent: 'A' } } },
        'a',
      ),
    ).rejects.toThrow(
      /A: its parent NOPE is not a type; B: a main type needs its columns.*; C: its parent A is itself a subtype/,
    );
    await expect(
      replaceCloMappings(deps, { defaultColumns: '*', types: {}, extra: 1 }, 'a'),
    ).rejects.toThrow(/invalid CLO mappings/);
    await replaceCloMappings(deps, { defaultColumns: '*', types: {} }, 'a', 0);
    await expect(
      replaceCloMappings(deps, { defaultColumns: ['PX'], types: {} }, 'a', 0),
    ).rejects.toMatchObject({ code: 'CONFLICT', details: { version: 1, expectedVersion: 0 } });
    expect(await readCloMappings(deps.store)).toMatchObject({ version: 1, defaultColumns: '*' });
  });

  it('reset: a subtype inherits again, a default type gets its default columns, or everything', async () => {
    const deps = setup();
    await replaceCloMappings(
      deps,
      {
        defaultColumns: ['PX'],
        types: { CLO: { columns: ['PX'] }, CLO_MEZZ: { parent: 'CLO', columns: ['BID'] } },
      },
      'a',
    );
    const sub = await resetCloMappings(deps, 'b', { type: 'clo_mezz' });
    expect(sub.types.CLO_MEZZ).toEqual({ parent: 'CLO' });
    const main = await resetCloMappings(deps, 'b', { type: 'CLO', expectedVersion: 2 });
    expect(main.types.CLO).toEqual({ columns: '*' });
    await expect(resetCloMappings(deps, 'b', { type: 'NOPE' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const all = await resetCloMappings(deps, 'b');
    expect(all).toMatchObject({
      version: 4,
      defaultColumns: '*',
      types: DEFAULT_CLO_MAPPINGS.types,
    });
  });
});
