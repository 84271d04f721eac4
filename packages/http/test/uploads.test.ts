import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colorsCsv, openTestApp } from './app-fixture.js';

type TestApp = Awaited<ReturnType<typeof openTestApp>>;
let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(() => t.close());

const body = async <T = Record<string, unknown>>(res: Response) => (await res.json()) as T;
const upload = (
  text: string,
  name = 'colors.csv',
  query = '',
  headers: Record<string, string> = {},
) => {
  const form = new FormData();
  form.append('file', new File([text], name, { type: 'text/csv' }));
  return t.request(`/api/uploads${query}`, { method: 'POST', body: form, headers });
};

describe('upload buffer', () => {
  it("serves an upload's original file from the store, its name percent-encoded", async () => {
    const csv = colorsCsv(5, 31);
    const added = await body<{ id: string }>(await upload(csv, 'desk "close" 📈.csv'));
    const res = await t.request(`/api/uploads/${added.id}/original`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename*=UTF-8''${encodeURIComponent('desk "close" 📈.csv')}`,
    );
    expect(await res.text()).toBe(csv);
    expect((await t.request('/api/uploads/no-such-upload/original')).status).toBe(404);
    await t.request(`/api/uploads/${added.id}/cancel`, { method: 'POST' }); // the next test counts pending ones
  });

  it('uploads once per Idempotency-Key, refuses the same content again, lists, shows, cancels', async () => {
    const csv = colorsCsv(20, 11);
    const res = await upload(csv, 'colors.csv', '', { 'Idempotency-Key': 'u1' });
    expect(res.status, await res.clone().text()).toBe(201);
    const added = await body<{
      id: string;
      rows: number;
      status: { state: string };
      actor: string;
    }>(res);
    expect(added).toMatchObject({
      rows: 20,
      status: { state: 'pending' },
      actor: 'user:admin@test.example.com',
    });
    const replay = await upload(csv, 'colors.csv', '', { 'Idempotency-Key': 'u1' });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await body<{ id: string }>(replay)).id).toBe(added.id);
    const duplicate = await upload(csv);
    expect(duplicate.status).toBe(409);
    expect((await body<{ error: { message: string } }>(duplicate)).error.message).toContain(
      'force=true',
    );
    expect((await upload(csv, 'colors.csv', '?force=true')).status).toBe(201);
    const pending = await body<{ total: number }>(await t.request('/api/uploads?status=pending'));
    expect(pending.total).toBe(2);
    expect((await t.request(`/api/uploads/${added.id}`)).status).toBe(200);
    const cancelled = await t.request(`/api/uploads/${added.id}/cancel`, { method: 'POST' });
    expect(await body(cancelled)).toMatchObject({ status: { state: 'cancelled' } });
    expect((await t.request(`/api/uploads/${added.id}/cancel`, { method: 'POST' })).status).toBe(
      409,
    );
    const cleared = await body<{ cancelled: string[] }>(
      await t.request('/api/uploads/clear', { method: 'POST' }),
    );
    expect(cleared.cancelled).toHaveLength(1);
    expect((await t.request('/api/uploads/no-such-upload')).status).toBe(404);
  });

  it('refuses a file with row errors with the report, and stores the valid rows with ?partial=true', async () => {
    const lines = colorsCsv(5, 3).split('\r\n');
    lines[2] = (lines[2] as string).replace(/^"[^"]*"/, '"not-a-cusip"');
    const broken = lines.join('\r\n');
    const refused = await upload(broken, 'broken.csv');
    expect(refused.status).toBe(422);
    const error = (
      await body<{ error: { message: string; details: { errors: unknown[] } } }>(refused)
    ).error;
    expect(error.message).toContain('partial=true');
    expect(error.details.errors.length).toBeGreaterThan(0);
    const partial = await upload(broken, 'broken.csv', '?partial=true');
    expect(partial.status).toBe(201);
    expect((await body<{ rows: number }>(partial)).rows).toBe(4);
  });

  it('refuses random bytes named .xlsx, a missing file field, and a JSON body', async () => {
    const bytes = await upload('\u0000\u0001garbage', 'x.xlsx');
    expect(bytes.status).toBeGreaterThanOrEqual(400);
    expect(bytes.status).toBeLessThan(500);
    const form = new FormData();
    form.append('file', 'just text');
    expect((await t.request('/api/uploads', { method: 'POST', body: form })).status).toBe(400);
    expect((await t.json('POST', '/api/uploads', { file: 'x' })).status).toBe(415);
  });

  it('serves the templates', async () => {
    const csv = await t.request('/api/uploads/template?format=csv');
    expect(await csv.text()).toContain('CUSIP');
    const xlsx = await t.request('/api/uploads/template');
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
  });
});
