import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp } from './app-fixture.js';

type TestApp = Awaited<ReturnType<typeof openTestApp>>;
let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
  expect((await t.request('/api/runs', { method: 'POST' })).status).toBe(201);
});
afterAll(() => t.close());

interface Page {
  total: number;
  dataVersion: number;
  items: {
    CUSIP: string;
    IS_PARENT: boolean;
    SECTOR: string;
    RUN_ID: number;
    children?: { CUSIP: string }[];
  }[];
}
const page = async (query: string) => {
  const res = await t.request(`/api/dashboard/colors${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return { res, body: (await res.json()) as Page };
};

describe('dashboard', () => {
  it('pages parents with their children, filters and answers If-None-Match by data version', async () => {
    const { res, body } = await page('?limit=3');
    expect(body.items).toHaveLength(3);
    expect(body.total).toBeGreaterThan(3);
    expect(body.items.every((p) => p.IS_PARENT && Array.isArray(p.children))).toBe(true);
    for (const p of body.items)
      for (const child of p.children ?? []) expect(child.CUSIP).toBe(p.CUSIP);
    const tag = res.headers.get('etag') as string;
    expect(tag).toMatch(new RegExp(`^"d${body.dataVersion}-[0-9a-f]{16}"$`));
    expect(res.headers.get('vary')).toMatch(/Authorization/);
    expect(
      (await t.request('/api/dashboard/colors?limit=3', { headers: { 'If-None-Match': tag } }))
        .status,
    ).toBe(304);

    const flat = (await page('?hierarchy=false&limit=1000')).body;
    const sector = flat.items[0]?.SECTOR as string;
    const filtered = (
      await page(`?hierarchy=false&limit=1000&sector=${encodeURIComponent(sector.toLowerCase())}`)
    ).body;
    expect(filtered.total).toBe(flat.items.filter((r) => r.SECTOR === sector).length);

    // Hiding the run changes the visible data: a new data version, a new ETag, an empty view.
    expect((await t.request('/api/runs/1/hide', { method: 'POST' })).status).toBe(200);
    const after = await t.request('/api/dashboard/colors?limit=3', {
      headers: { 'If-None-Match': tag },
    });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(tag);
    expect(((await after.json()) as Page).total).toBe(0);
    expect((await t.request('/api/runs/1/restore', { method: 'POST' })).status).toBe(200);
  });

  it('reads the run and business-date views, and refuses a run view without its run', async () => {
    const run = (await page('?view=run&run=1&hierarchy=false&limit=1')).body;
    expect(run.total).toBeGreaterThan(0);
    expect((await t.request('/api/dashboard/colors?view=run')).status).toBe(422);
    expect((await t.request('/api/dashboard/colors?view=date&date=2001-01-01')).status).toBe(200);
  });

  it("gives today's and monthly counts, the output stats and the sectors", async () => {
    const stats = (await (await t.request('/api/dashboard/stats')).json()) as {
      monthly: unknown[];
      output: { rows: number; parents: number; cusips: number };
      sectors: string[];
    };
    expect(stats.monthly).toHaveLength(12);
    expect(stats.output.rows).toBeGreaterThan(0);
    expect(stats.output.parents).toBe(stats.output.cusips);
    expect(stats.sectors.length).toBeGreaterThan(0);
  });
});
