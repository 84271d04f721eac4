import { describe, expect, it } from 'vitest';
import type { ReadScope } from '../accounts/read-scope.js';
import { UNRESTRICTED_READ_SCOPE } from '../accounts/read-scope.js';
import { isinOfCusip } from '../cusip.js';
import { runAutomation } from '../run/run-automation.js';
import { generateColors } from '../sample/generate-colors.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemoryStore } from '../testing/memory-store.js';
import { searchCurrentView } from './search-view.js';

async function storeWithRun() {
  let n = 0;
  const deps = {
    store: createMemoryStore(),
    clock: createManualClock('2026-03-13T22:30:00Z'),
    ids: { nextId: () => `id-${++n}` },
  };
  const records = generateColors({ rows: 300, seed: 31 });
  await runAutomation(deps, {
    trigger: 'cli',
    businessDate: '2026-03-13',
    inputs: [{ origin: 'source', processingType: 'AUTOMATED', records, contentHash: 'h' }],
  });
  return { store: deps.store, records };
}

const sectorOnly = (sector: string): ReadScope => ({
  rows: { all: false, sectors: new Set([sector]), allows: (s) => s === sector },
  columns: UNRESTRICTED_READ_SCOPE.columns,
});

describe('searchCurrentView', () => {
  it('finds a CUSIP, its ISIN, a MESSAGE_ID and ticker text, each with the whole CUSIP group', async () => {
    const { store } = await storeWithRun();
    const byCusip = await searchCurrentView(
      store,
      generateColors({ rows: 1, seed: 31 })[0]?.CUSIP.toLowerCase() as string,
    );
    const cusip = byCusip.cusips[0] as string;
    expect(byCusip.cusips).toEqual([cusip]);
    expect(byCusip.rows.filter((r) => r.IS_PARENT)).toHaveLength(1);
    expect(byCusip.rows.every((r) => r.CUSIP === cusip)).toBe(true);

    const byIsin = await searchCurrentView(store, isinOfCusip(cusip), undefined, { kind: 'isin' });
    expect(byIsin.rows).toEqual(byCusip.rows);

    const child = byCusip.rows.find((r) => !r.IS_PARENT) ?? byCusip.rows[0];
    const byMessage = await searchCurrentView(store, String(child?.MESSAGE_ID), undefined, {
      kind: 'message_id',
    });
    expect(byMessage.cusips).toContain(cusip);
    const onlyMatched = await searchCurrentView(store, String(child?.MESSAGE_ID), undefined, {
      kind: 'message_id',
      expand: false,
    });
    expect(onlyMatched.rows.every((r) => r.MESSAGE_ID === child?.MESSAGE_ID)).toBe(true);

    const ticker = String(byCusip.rows[0]?.TICKER).slice(0, 5).toLowerCase();
    const byTicker = await searchCurrentView(store, ticker, undefined, { kind: 'ticker' });
    expect(byTicker.cusips).toContain(cusip);
    // A CUSIP is not ticker text: the kind decides what is compared.
    expect((await searchCurrentView(store, cusip, undefined, { kind: 'ticker' })).rows).toEqual([]);
  });

  it('refuses an empty identifier and a malformed ISIN with what to write instead', async () => {
    const { store } = await storeWithRun();
    await expect(searchCurrentView(store, '  ')).rejects.toThrow(/give a CUSIP, ISIN/);
    await expect(
      searchCurrentView(store, 'US0378331006', undefined, { kind: 'isin' }),
    ).rejects.toThrow(/not an ISIN: give 12 characters/);
  });

  it('shows only the sectors and columns of the reader', async () => {
    const { store, records } = await storeWithRun();
    const sectors = [...new Set(records.map((r) => r.SECTOR))];
    expect(sectors.length).toBeGreaterThan(1);
    const [mine, other] = sectors as [string, string];
    const otherCusip = records.find((r) => r.SECTOR === other)?.CUSIP as string;
    const everything = await searchCurrentView(store, otherCusip);
    expect(everything.rows.length).toBeGreaterThan(0);
    const scoped = await searchCurrentView(store, otherCusip, sectorOnly(mine));
    expect(scoped.rows.every((r) => r.SECTOR === mine)).toBe(true);

    const noTicker: ReadScope = {
      rows: UNRESTRICTED_READ_SCOPE.rows,
      columns: {
        all: false,
        visible: new Set(['CUSIP', 'PX']),
        allows: (c) => c === 'CUSIP' || c === 'PX',
      },
    };
    const projected = await searchCurrentView(store, otherCusip, noTicker);
    expect(projected.rows.length).toBe(everything.rows.length);
    expect(projected.rows.every((r) => !('TICKER' in r) && 'PX' in r)).toBe(true);
    const ticker = String(everything.rows[0]?.TICKER);
    expect((await searchCurrentView(store, ticker, noTicker, { kind: 'ticker' })).rows).toEqual([]);
  });
});
