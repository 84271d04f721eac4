import { LOCAL_PRINCIPAL } from '@market-pulse/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { maskSecrets } from '../src/node-app.js';
import { openTestApp } from './app-fixture.js';

type TestApp = Awaited<ReturnType<typeof openTestApp>>;
let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(() => t.close());

const errorOf = async (res: Response) =>
  ((await res.json()) as { error: { code: string; message: string; details?: unknown } }).error;

describe('conventions', () => {
  it('answers health, echoes a request id and logs it with the duration', async () => {
    const res = await t.request('/api/health', { headers: { 'X-Request-Id': 'abc-123' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('abc-123');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const line = t.logs.find((l) => l.fields.requestId === 'abc-123');
    expect(line?.fields).toMatchObject({ method: 'GET', path: '/api/health', status: 200 });
    expect(typeof line?.fields.durationMs).toBe('number');
  });

  it('gives a request id when none is sent', async () => {
    const res = await t.request('/version');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.json()).toEqual({ name: 'market-pulse', version: '0.0.0-test' });
  });

  it('names the field a request gets wrong (400)', async () => {
    const res = await t.request('/api/runs?limit=abc');
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('VALIDATION_ERROR');
    expect(error.message).toContain('query.limit');
  });

  it('refuses a body of the wrong content type (415) and a body too large (413)', async () => {
    const wrong = await t.request('/api/rules', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(wrong.status).toBe(415);
    expect((await errorOf(wrong)).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const huge = await t.json('POST', '/api/rules', {
      name: 'x'.repeat(2 * 1024 * 1024),
      when: {},
    });
    expect(huge.status).toBe(413);
    expect((await errorOf(huge)).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers malformed JSON with 400 in the error format', async () => {
    const res = await t.request('/api/rules', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('VALIDATION_ERROR');
  });

  it('answers an unknown path with 404 in the error format', async () => {
    const res = await t.request('/api/nothing-here');
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe('NOT_FOUND');
  });

  it('sends no CORS headers when no origin is allowed', async () => {
    const res = await t.request('/api/health', { headers: { Origin: 'http://desk.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS', () => {
  it('answers an allowed origin (preflight included) and says nothing to another', async () => {
    const cors = await openTestApp({ corsOrigins: ['https://desk.example.com'] });
    try {
      const allowed = await cors.request('/api/rules', {
        headers: { Origin: 'https://desk.example.com' },
      });
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://desk.example.com');
      expect(allowed.headers.get('access-control-expose-headers')).toContain('ETag');
      const preflight = await cors.request('/api/rules', {
        method: 'OPTIONS',
        headers: {
          Origin: 'https://desk.example.com',
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type, if-match',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('https://desk.example.com');
      const other = await cors.request('/api/rules', {
        headers: { Origin: 'https://evil.example.com' },
      });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await cors.close();
    }
  });
});

describe('who calls', () => {
  it('asks authenticate for the principal and authorize for each operation by its id (403 when refused)', async () => {
    const asked: string[] = [];
    const guarded = createApp({
      ...t.deps,
      authenticate: async (request) => ({
        ...LOCAL_PRINCIPAL,
        id: 'u1',
        kind: 'user',
        actor: request.headers.get('x-test-user') ?? 'anonymous',
      }),
      authorize: (principal, operationId) => {
        asked.push(`${principal.actor}:${operationId}`);
        return operationId !== 'createRule';
      },
    });
    expect(
      (await guarded.request('/api/rules', { headers: { 'x-test-user': 'ann' } })).status,
    ).toBe(200);
    const refused = await guarded.request('/api/rules', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-user': 'ann' },
      body: JSON.stringify({ name: 'x', when: { field: 'SOURCE', op: 'eq', value: 'X' } }),
    });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    expect(asked).toEqual(['ann:listRules', 'ann:createRule']);
  });
});

describe('readiness', () => {
  it('is ready when the store answers, and 503 in the error-free ready shape when it does not', async () => {
    const ready = await t.request('/api/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      ready: true,
      store: { reachable: true },
      scheduler: { running: 0 },
    });
    const broken = createApp({
      ...t.deps,
      store: {
        ...t.deps.store,
        list: () => {
          throw new Error('disk gone');
        },
      },
    });
    const res = await broken.request('/api/ready');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      ready: false,
      store: { reachable: false, error: 'disk gone' },
    });
  });

  it('masks secrets in the effective configuration', async () => {
    const res = await t.request('/api/admin/system-status');
    const body = (await res.json()) as {
      configuration: { http: unknown };
      status: { lastRuns: unknown };
    };
    expect(body.configuration).toHaveProperty('http');
    expect(
      maskSecrets({ smtp: { host: 'h', password: 'p' }, apiKey: 'k', list: [{ token: 't' }] }),
    ).toEqual({
      smtp: { host: 'h', password: '***' },
      apiKey: '***',
      list: [{ token: '***' }],
    });
  });
});

describe('docs', () => {
  it('serves /docs with every asset from the app itself (no other origin named)', async () => {
    const page = await t.request('/docs');
    const html = await page.text();
    expect(page.headers.get('content-type')).toContain('text/html');
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
    expect(assets.length).toBeGreaterThan(3);
    for (const asset of assets) {
      expect(asset.startsWith('/docs/'), asset).toBe(true);
      const res = await t.request(asset);
      expect(res.status, asset).toBe(200);
      expect((await res.arrayBuffer()).byteLength, asset).toBeGreaterThan(0);
    }
    expect(await (await t.request('/docs/initializer.js')).text()).toContain(
      "url: '/openapi.json'",
    );
    expect((await t.request('/docs/../package.json')).status).toBe(404);
  });
});

describe('rules', () => {
  it('creates, reads with an ETag, answers If-None-Match with 304, updates with If-Match, refuses a stale one with 412', async () => {
    const created = await t.json('POST', '/api/rules', {
      name: 'No test bank',
      when: { field: 'SOURCE', op: 'equal_to', value: 'TEST BANK' },
    });
    expect(created.status).toBe(201);
    const rule = (await created.json()) as { id: string; version: number };
    const read = await t.request(`/api/rules/${rule.id}`);
    const tag = read.headers.get('etag');
    expect(tag).toBe(`"v${rule.version}"`);
    const again = await t.request(`/api/rules/${rule.id}`, {
      headers: { 'If-None-Match': tag as string },
    });
    expect(again.status).toBe(304);
    const body = {
      name: 'No test bank',
      when: { field: 'SOURCE', op: 'equal_to', value: 'TEST BANK 2' },
    };
    const updated = await t.json('PUT', `/api/rules/${rule.id}`, body, {
      'If-Match': tag as string,
    });
    expect(updated.status).toBe(200);
    const stale = await t.json('PUT', `/api/rules/${rule.id}`, body, { 'If-Match': tag as string });
    expect(stale.status).toBe(412);
    expect((await errorOf(stale)).code).toBe('PRECONDITION_FAILED');
    const removed = await t.request(`/api/rules/${rule.id}`, { method: 'DELETE' });
    expect(removed.status).toBe(200);
    expect((await t.request(`/api/rules/${rule.id}`)).status).toBe(404);
  });

  it('refuses a rule on an unknown column with 422 naming it', async () => {
    const res = await t.json('POST', '/api/rules', {
      name: 'bad',
      when: { field: 'NOPE', op: 'equal_to', value: 1 },
    });
    expect(res.status).toBe(422);
    expect((await errorOf(res)).message).toMatch(/NOPE/);
  });

  it('lists with total, and dry-runs rules against rows in the request', async () => {
    const list = (await (await t.request('/api/rules?limit=1')).json()) as {
      total: number;
      items: unknown[];
    };
    expect(list.items).toHaveLength(1);
    expect(list.total).toBeGreaterThan(1);
    const res = await t.json('POST', '/api/rules/dry-run', {
      rules: { name: 'No DZ', when: { field: 'SOURCE', op: 'equal_to', value: 'DZ BANK' } },
      rows: [
        {
          CUSIP: '037833100',
          SOURCE: 'DZ BANK',
          BIAS: 'BID',
          PX: 99.5,
          DATE: '2026-03-12',
          MESSAGE_ID: 1,
          TICKER: 'X',
          SECTOR: 'MM-CLO',
          PRICE_LEVEL: 99.5,
          RANK: 1,
        },
        {
          CUSIP: '037833100',
          SOURCE: 'OTHER',
          BIAS: 'BID',
          PX: 99.5,
          DATE: '2026-03-12',
          MESSAGE_ID: 2,
          TICKER: 'X',
          SECTOR: 'MM-CLO',
          PRICE_LEVEL: 99.5,
          RANK: 1,
        },
      ],
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const result = (await res.json()) as { rows: number; excluded: number; rowErrors: unknown[] };
    expect(result, JSON.stringify(result.rowErrors)).toMatchObject({ excluded: 1 });
  });
});

describe('runs', () => {
  it('runs now once per Idempotency-Key, lists, shows, reads rows, exports, hides and restores', async () => {
    const first = await t.request('/api/runs', {
      method: 'POST',
      headers: { 'Idempotency-Key': 'run-1' },
    });
    expect(first.status).toBe(201);
    const run = (await first.json()) as { record: { id: number; status: string } };
    expect(run.record.status).toBe('success');
    const replay = await t.request('/api/runs', {
      method: 'POST',
      headers: { 'Idempotency-Key': 'run-1' },
    });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(((await replay.json()) as typeof run).record.id).toBe(run.record.id);
    const list = (await (await t.request('/api/runs')).json()) as { total: number };
    expect(list.total).toBe(1);
    const id = run.record.id;
    expect((await t.request(`/api/runs/${id}`)).status).toBe(200);
    const rows = (await (await t.request(`/api/runs/${id}/rows?limit=5`)).json()) as {
      total: number;
      items: unknown[];
    };
    expect(rows.items).toHaveLength(5);
    expect(rows.total).toBeGreaterThan(5);
    const excluded = (await (await t.request(`/api/runs/${id}/excluded`)).json()) as {
      items: { WITNESS?: unknown }[];
    };
    expect(excluded.items[0]?.WITNESS).toBeDefined();
    const csv = await t.request(`/api/exports?run=${id}&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect((await csv.text()).split('\n').length).toBeGreaterThan(rows.total);
    const xlsx = await t.request(`/api/runs/${id}/excluded/export?format=xlsx`);
    expect(new Uint8Array(await xlsx.arrayBuffer()).subarray(0, 2)).toEqual(
      new Uint8Array([0x50, 0x4b]),
    );
    expect(
      (await (await t.request(`/api/runs/${id}/hide`, { method: 'POST' })).json()) as object,
    ).toMatchObject({ hidden: true });
    expect((await t.request(`/api/exports?run=${id}`)).status).toBe(409);
    expect((await t.request(`/api/runs/${id}/restore`, { method: 'POST' })).status).toBe(200);
    expect((await t.request('/api/runs/999')).status).toBe(404);
    expect((await t.request('/api/exports')).status).toBe(422);
  });
});
