// Big dashboard answers are cheap to send again: kept serialised and compressed per accepted
// encoding, tagged by data version and reader scope, and marked as varying by the token.
import { promisify } from 'node:util';
import { brotliDecompress, gunzip } from 'node:zlib';
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

const PAGE = '/api/dashboard/colors?limit=50';
const bytesOf = async (res: Response) => new Uint8Array(await res.arrayBuffer());

describe('dashboard answers', () => {
  it('sends the same page compressed as the client accepts (br, gzip, none), the same JSON each way', async () => {
    const plain = await t.request(PAGE);
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-encoding')).toBeNull();
    const json = await plain.text();
    expect(JSON.parse(json).items.length).toBeGreaterThan(0);

    const br = await t.request(PAGE, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    const brBytes = await bytesOf(br);
    expect(brBytes.byteLength).toBeLessThan(json.length / 3);
    expect((await promisify(brotliDecompress)(brBytes)).toString('utf8')).toBe(json);
    expect(br.headers.get('content-length')).toBe(String(brBytes.byteLength));

    const gz = await t.request(PAGE, { headers: { 'accept-encoding': 'gzip;q=1, br;q=0' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect((await promisify(gunzip)(await bytesOf(gz))).toString('utf8')).toBe(json);

    // Asked again: the very bytes kept (no new compression), and the same weak validator.
    const again = await t.request(PAGE, { headers: { 'accept-encoding': 'br' } });
    expect(await bytesOf(again)).toEqual(brBytes);
    expect(again.headers.get('etag')).toBe(br.headers.get('etag'));
    expect(br.headers.get('etag')).toBe(`W/${plain.headers.get('etag')}`);
    for (const res of [plain, br, gz]) expect(res.headers.get('vary')).toMatch(/Authorization/);

    // A validator of either form answers 304.
    const tag = br.headers.get('etag') as string;
    const notModified = await t.request(PAGE, { headers: { 'if-none-match': tag } });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get('vary')).toMatch(/Authorization/);
  });

  it('sends every child, none, or the first N with their count (children=all|none|N)', async () => {
    type Parent = { CUSIP: string; children: { CUSIP: string }[]; childCount?: number };
    const items = async (query: string) => {
      const res = await t.request(`${PAGE}${query}`);
      expect(res.status).toBe(200);
      return ((await res.json()) as { items: Parent[] }).items;
    };
    const all = await items('');
    expect(all.some((p) => p.children.length > 1)).toBe(true);
    expect(all.every((p) => p.childCount === undefined)).toBe(true);
    expect(await items('&children=all')).toEqual(all);
    const none = await items('&children=none');
    const one = await items('&children=1');
    all.forEach((parent, i) => {
      expect(none[i]).toEqual({ ...parent, children: [], childCount: parent.children.length });
      expect(one[i]).toEqual({
        ...parent,
        children: parent.children.slice(0, 1),
        childCount: parent.children.length,
      });
    });
    const bad = await t.request(`${PAGE}&children=some`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/children/);
  });

  it("tags answers by scope: one reader's ETag is not another's at the same data version", async () => {
    const as = (scope: ReadScope) =>
      createApp({
        ...t.deps,
        authenticate: async () => LOCAL_PRINCIPAL,
        scopeOf: async () => scope,
      });
    const everything = as(UNRESTRICTED_READ_SCOPE);
    const sectors = (
      (await (await everything.request('/api/dashboard/stats')).json()) as {
        sectors: string[];
      }
    ).sectors;
    const one = new Set([(sectors[0] as string).toUpperCase()]);
    const narrow = as({
      rows: {
        all: false,
        sectors: one,
        allows: (s) => typeof s === 'string' && one.has(s.toUpperCase()),
      },
      columns: UNRESTRICTED_READ_SCOPE.columns,
    });
    const wide = await everything.request(PAGE);
    const tag = wide.headers.get('etag') as string;
    const scoped = await narrow.request(PAGE, { headers: { 'if-none-match': tag } });
    expect(scoped.status).toBe(200);
    expect(scoped.headers.get('etag')).not.toBe(tag);
    expect(((await scoped.json()) as { total: number }).total).toBeLessThan(
      ((await wide.json()) as { total: number }).total,
    );
    const stats = await narrow.request('/api/dashboard/stats');
    expect(stats.headers.get('vary')).toMatch(/Authorization/);
  });
});
