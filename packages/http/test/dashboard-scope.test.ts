// Every dashboard answer applies the reader's scope (SPEC §10): rows by their SECTOR, columns by
// the reader's CLO. Scopes are built by hand here, as the CLO mappings will build them.
import { LOCAL_PRINCIPAL, type ReadScope, UNRESTRICTED_READ_SCOPE } from '@market-pulse/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { openTestApp } from './app-fixture.js';

type TestApp = Awaited<ReturnType<typeof openTestApp>>;
let t: TestApp;
beforeAll(async () => {
  t = await openTestApp({ rows: 400 });
  expect((await t.request('/api/runs', { method: 'POST' })).status).toBe(201);
});
afterAll(() => t.close());

function scopeOf(sectors: string[], hidden: string[]): ReadScope {
  const upper = new Set(sectors.map((s) => s.toUpperCase()));
  return {
    rows: {
      all: false,
      sectors: upper,
      allows: (s) => typeof s === 'string' && upper.has(s.trim().toUpperCase()),
    },
    columns:
      hidden.length === 0
        ? UNRESTRICTED_READ_SCOPE.columns
        : { all: false, visible: new Set(), allows: (c) => !hidden.includes(c) },
  };
}

/** The app as a reader of `scope` sees it (same store, same resident index). */
const as = (scope: ReadScope) => {
  // Who reads does not matter here, only what they may see.
  const app = createApp({
    ...t.deps,
    authenticate: async () => LOCAL_PRINCIPAL,
    scopeOf: async () => scope,
  });
  return async (path: string) => {
    const res = await app.request(path);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
};

type Row = Record<string, unknown> & { children?: Row[] };
const rowsOf = (body: Record<string, unknown>) =>
  (body.items as Row[]).flatMap((r) => [r, ...(r.children ?? [])]);

describe('dashboard scoping', () => {
  it("two readers never see each other's sectors or hidden columns; no entitlement sees nothing", async () => {
    const all = await as(UNRESTRICTED_READ_SCOPE)('/api/dashboard/stats');
    const [first, second] = all.body.sectors as string[];
    expect(second).toBeDefined();
    const a = as(scopeOf([first as string], ['PX', 'SOURCE']));
    const b = as(scopeOf([second as string], ['TICKER']));
    for (const hierarchy of ['true', 'false']) {
      const pageA = await a(`/api/dashboard/colors?view=history&limit=500&hierarchy=${hierarchy}`);
      const pageB = await b(`/api/dashboard/colors?view=history&limit=500&hierarchy=${hierarchy}`);
      expect(pageA.status).toBe(200);
      expect(rowsOf(pageA.body).length).toBeGreaterThan(0);
      for (const row of rowsOf(pageA.body)) {
        expect(row.SECTOR).toBe(first);
        expect(row).not.toHaveProperty('PX');
        expect(row).not.toHaveProperty('SOURCE');
        expect(row).toHaveProperty('TICKER');
      }
      for (const row of rowsOf(pageB.body)) {
        expect(row.SECTOR).toBe(second);
        expect(row).not.toHaveProperty('TICKER');
        expect(row).toHaveProperty('PX');
      }
    }
    const statsA = (await a('/api/dashboard/stats')).body as {
      sectors: string[];
      output: { rows: number };
      today: { rows: number };
    };
    expect(statsA.sectors).toEqual([first]);
    const flatA = (await a('/api/dashboard/colors?hierarchy=false&limit=1')).body;
    expect(statsA.output.rows).toBe(flatA.total);
    expect(statsA.output.rows).toBeLessThan((all.body.output as { rows: number }).rows);

    const none = as(scopeOf([], []));
    expect((await none('/api/dashboard/colors?view=history')).body.total).toBe(0);
    expect((await none('/api/dashboard/stats')).body).toMatchObject({
      sectors: [],
      output: { rows: 0, parents: 0, cusips: 0 },
      today: { rows: 0 },
    });
    // Filtering or sorting on a hidden column would show its values: refused.
    const sorted = await a('/api/dashboard/colors?sort=PX');
    expect(sorted.status).toBe(403);
    expect(sorted.body).toMatchObject({ error: { code: 'FORBIDDEN' } });
  });
});
