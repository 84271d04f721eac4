import { isinOfCusip, type ReadScope, UNRESTRICTED_READ_SCOPE } from '@market-pulse/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { openTestApp } from './app-fixture.js';

type TestApp = Awaited<ReturnType<typeof openTestApp>>;
let t: TestApp;
interface Row {
  CUSIP: string;
  IS_PARENT: boolean;
  SECTOR: string;
  MESSAGE_ID: string;
  TICKER?: string;
  PX?: number;
}
interface Page {
  identifier: string;
  cusips: string[];
  total: number;
  items: Row[];
}
let sample: Row;
beforeAll(async () => {
  t = await openTestApp();
  expect((await t.request('/api/runs', { method: 'POST' })).status).toBe(201);
  const view = (await (
    await t.request('/api/dashboard/colors?hierarchy=false&limit=1000')
  ).json()) as { items: Row[] };
  sample = view.items.find((r) => !r.IS_PARENT) as Row;
});
afterAll(() => t.close());

const search = async (query: string, app = t.app) => {
  const res = await app.request(`/api/search?${query}`, {
    headers: { authorization: t.adminAuthorization },
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Page;
};

describe('search over HTTP', () => {
  it('finds a CUSIP, its ISIN, a MESSAGE_ID and ticker text with the whole CUSIP group, paginated', async () => {
    const byCusip = await search(`identifier=${sample.CUSIP.toLowerCase()}`);
    expect(byCusip.cusips).toEqual([sample.CUSIP]);
    expect(byCusip.items.filter((r) => r.IS_PARENT)).toHaveLength(1);
    expect(byCusip.total).toBe(byCusip.items.length);
    expect(byCusip.total).toBeGreaterThan(1);

    const byIsin = await search(`identifier=${isinOfCusip(sample.CUSIP)}&kind=isin`);
    expect(byIsin.items).toEqual(byCusip.items);

    const byMessage = await search(`identifier=${sample.MESSAGE_ID}&kind=message_id`);
    expect(byMessage.cusips).toContain(sample.CUSIP);
    const onlyRows = await search(`identifier=${sample.MESSAGE_ID}&kind=message_id&expand=false`);
    expect(onlyRows.items.every((r) => r.MESSAGE_ID === sample.MESSAGE_ID)).toBe(true);

    const ticker = String(sample.TICKER).slice(0, 4);
    const byTicker = await search(`identifier=${encodeURIComponent(ticker)}&kind=ticker`);
    expect(byTicker.cusips).toContain(sample.CUSIP);

    const page = await search(`identifier=${sample.CUSIP}&skip=1&limit=1`);
    expect(page.total).toBe(byCusip.total);
    expect(page.items).toEqual(byCusip.items.slice(1, 2));

    // The first implementation's path answers the same.
    const legacy = await t.request(`/api/search/by-identifier?identifier=${sample.CUSIP}`);
    expect(((await legacy.json()) as Page).items).toEqual(byCusip.items);
  });

  it('exports the rows found as csv and xlsx', async () => {
    const csv = await t.request(`/api/search/export?identifier=${sample.CUSIP}&format=csv`);
    expect(csv.status).toBe(200);
    const lines = (await csv.text()).trim().split(/\r?\n/);
    const found = await search(`identifier=${sample.CUSIP}`);
    expect(lines).toHaveLength(found.total + 1);
    expect(lines[0]).toContain('CUSIP');
    expect(csv.headers.get('x-row-count')).toBe(String(found.total));
    const xlsx = await t.request(`/api/search/export?identifier=${sample.CUSIP}`);
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    expect(new Uint8Array(await xlsx.arrayBuffer()).slice(0, 2)).toEqual(
      new Uint8Array([0x50, 0x4b]),
    );
  });

  it('refuses bad input with what to fix', async () => {
    const cases: [string, RegExp][] = [
      ['identifier=%20%20', /identifier/],
      ['', /identifier/],
      ['identifier=US0378331006&kind=isin', /not an ISIN/],
      ['identifier=X&kind=figi', /kind/],
      ['identifier=X&expand=maybe', /expand/],
      [`identifier=${'9'.repeat(500)}`, /identifier/],
    ];
    for (const [query, message] of cases) {
      const res = await t.request(`/api/search?${query}`);
      const body = (await res.json()) as { error: { message: string; details?: unknown } };
      expect([400, 422], query).toContain(res.status);
      expect(`${body.error.message} ${JSON.stringify(body.error.details)}`, query).toMatch(message);
    }
  });

  it("applies the reader's scope: other sectors' rows and hidden columns never show", async () => {
    const scope: ReadScope = {
      rows: {
        all: false,
        sectors: new Set(['NO SUCH SECTOR']),
        allows: (s) => s === 'NO SUCH SECTOR',
      },
      columns: UNRESTRICTED_READ_SCOPE.columns,
    };
    const scoped = createApp({ ...t.deps, scopeOf: async () => scope });
    expect((await search(`identifier=${sample.CUSIP}`, scoped)).total).toBe(0);
    const noPx = createApp({
      ...t.deps,
      scopeOf: async () => ({
        rows: UNRESTRICTED_READ_SCOPE.rows,
        columns: { all: false, visible: new Set(['CUSIP']), allows: (c: string) => c === 'CUSIP' },
      }),
    });
    const projected = await search(`identifier=${sample.CUSIP}`, noPx);
    expect(projected.total).toBeGreaterThan(0);
    expect(projected.items.every((r) => r.PX === undefined)).toBe(true);
  });
});
