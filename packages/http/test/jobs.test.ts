import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp } from './app-fixture.js';

type TestApp = Awaited<ReturnType<typeof openTestApp>>;
let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(() => t.close());

const body = async <T = Record<string, unknown>>(res: Response) => (await res.json()) as T;

describe('jobs', () => {
  it('creates from the desk form, reads, updates with If-Match, toggles, lists fires and next fires, deletes', async () => {
    const created = await t.json('POST', '/api/jobs', {
      name: 'Evening',
      schedule: { time: '18:30', days: ['MON', 'TUE', 'WED', 'THU', 'FRI'] },
      timezone: 'America/New_York',
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const job = await body<{ id: string; version: number; cron: string; deskForm: unknown }>(
      created,
    );
    expect(job.cron).toBe('30 18 * * MON-FRI');
    expect(job.deskForm).toEqual({ time: '18:30', days: ['MON', 'TUE', 'WED', 'THU', 'FRI'] });
    const tag = (await t.request(`/api/jobs/${job.id}`)).headers.get('etag') as string;
    const updated = await t.json(
      'PUT',
      `/api/jobs/${job.id}`,
      { cron: '0 7 * * 1-5' },
      { 'If-Match': tag },
    );
    expect(updated.status).toBe(200);
    expect(
      (await t.json('PUT', `/api/jobs/${job.id}`, { cron: '0 8 * * 1-5' }, { 'If-Match': tag }))
        .status,
    ).toBe(412);
    const toggled = await body<{ active: boolean }>(
      await t.request(`/api/jobs/${job.id}/toggle`, { method: 'POST' }),
    );
    expect(toggled.active).toBe(false);
    const next = await body<{ fires: string[] }>(
      await t.request(`/api/jobs/${job.id}/next?count=3&from=2026-03-13T00:00:00Z`),
    );
    expect(next.fires).toEqual([
      '2026-03-13T11:00:00.000Z',
      '2026-03-16T11:00:00.000Z',
      '2026-03-17T11:00:00.000Z',
    ]);
    expect(
      (await body<{ total: number }>(await t.request(`/api/jobs/${job.id}/fires`))).total,
    ).toBe(0);
    expect((await t.request('/api/fires')).status).toBe(200);
    expect((await t.request('/api/schedule/calendar')).status).toBe(200);
    expect(await body(await t.request('/api/schedule/next-run'))).toEqual({ next: null });
    expect((await t.request(`/api/jobs/${job.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await t.request(`/api/jobs/${job.id}`)).status).toBe(404);
  });

  it('refuses a job with a file source (a server path a remote caller must not choose) naming the field', async () => {
    const res = await t.json('POST', '/api/jobs', {
      name: 'x',
      cron: '0 7 * * *',
      source: { kind: 'file', path: '/etc/passwd' },
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('source');
  });

  it('refuses an impossible crontab with 422', async () => {
    const res = await t.json('POST', '/api/jobs', { name: 'never', cron: '0 0 30 2 *' });
    expect(res.status).toBe(422);
  });

  it('runs a job now, cancelling its next fire; a second request with the same key replays', async () => {
    const job = await body<{ id: string }>(
      await t.json('POST', '/api/jobs', { name: 'Daily', cron: '0 6 * * *' }),
    );
    const headers = { 'Idempotency-Key': 'job-run-1' };
    const res = await t.request(`/api/jobs/${job.id}/run-now?cancel_next=true`, {
      method: 'POST',
      headers,
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const first = await body<{
      run: { id: number; trigger: string };
      cancelledFire: string | null;
    }>(res);
    expect(first.run.trigger).toBe('override');
    expect(first.cancelledFire).not.toBeNull();
    const again = await t.request(`/api/jobs/${job.id}/run-now?cancel_next=true`, {
      method: 'POST',
      headers,
    });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await body<typeof first>(again)).run.id).toBe(first.run.id);
  });

  it('reads and changes schedule settings, and offers presets', async () => {
    const changed = await t.json('PATCH', '/api/schedule/settings', { overlap: 'queue' });
    expect(await body(changed)).toMatchObject({ overlap: 'queue' });
    expect((await t.json('PATCH', '/api/schedule/settings', { latenessMinutes: 999 })).status).toBe(
      422,
    );
    const presets = await body<{ presets: { cron: string }[] }>(
      await t.request('/api/schedule/presets'),
    );
    expect(presets.presets[0]?.cron).toBe('30 18 * * 1-5');
  });
});
