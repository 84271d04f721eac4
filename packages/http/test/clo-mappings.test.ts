import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp } from './app-fixture.js';

type TestApp = Awaited<ReturnType<typeof openTestApp>>;
let t: TestApp;
beforeAll(async () => {
  t = await openTestApp({ rows: 10 });
});
afterAll(() => t.close());

describe('/api/admin/clo-mappings', () => {
  it('reads the defaults, replaces with If-Match (412 when stale), refuses unknown columns by name, resets', async () => {
    const first = await t.request('/api/admin/clo-mappings');
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).toBe('"v0"');
    expect(await first.json()).toMatchObject({
      version: 0,
      defaultColumns: '*',
      types: { EURO_ABS: { columns: '*' }, CLO: { columns: '*' }, USABS: { columns: '*' } },
      alwaysVisible: expect.arrayContaining(['CUSIP', 'SECTOR', 'IS_PARENT']),
    });
    const body = {
      defaultColumns: ['PX'],
      types: { CLO: { columns: ['PX', 'BID'] }, CLO_MEZZ: { parent: 'CLO' } },
    };
    const put = await t.json('PUT', '/api/admin/clo-mappings', body, { 'if-match': '"v0"' });
    expect(put.status).toBe(200);
    expect(put.headers.get('etag')).toBe('"v1"');
    const stale = await t.json('PUT', '/api/admin/clo-mappings', body, { 'if-match': '"v0"' });
    expect(stale.status).toBe(412);
    const unknown = await t.json('PUT', '/api/admin/clo-mappings', {
      defaultColumns: '*',
      types: { CLO: { columns: ['PX', 'COLOUR'] } },
    });
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(
      /CLO: unknown column COLOUR/,
    );
    const reset = await t.request('/api/admin/clo-mappings/reset?type=CLO', { method: 'POST' });
    expect(await reset.json()).toMatchObject({
      version: 2,
      types: { CLO: { columns: '*' }, CLO_MEZZ: { parent: 'CLO' } },
    });
    expect(
      (await t.request('/api/admin/clo-mappings/reset?type=NOPE', { method: 'POST' })).status,
    ).toBe(404);
    const all = await t.request('/api/admin/clo-mappings/reset', { method: 'POST' });
    expect(await all.json()).toMatchObject({ version: 3, defaultColumns: '*' });
  });
});
