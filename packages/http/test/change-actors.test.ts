import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestApp } from './app-fixture.js';

// SPEC §10: the actor recorded with a change is the authenticated principal. Every mutating body
// below also names another actor; those fields are ignored (a document read and sent back with its
// `createdBy`/`updatedBy` is not refused) — no change is ever recorded under a name from the request.
type TestApp = Awaited<ReturnType<typeof openTestApp>>;
let t: TestApp;
beforeEach(async () => {
  t = await openTestApp();
});
afterEach(() => t.close());

const ME = 'user:admin@test.example.com';
const SPOOF = {
  actor: 'mallory',
  by: 'mallory',
  updatedBy: 'mallory',
  createdBy: 'mallory',
  requestedBy: 'mallory',
};
const read = async <T = Record<string, unknown>>(res: Response, status: number) => {
  expect(res.status, await res.clone().text()).toBe(status);
  return (await res.json()) as T;
};

describe('the actor of every change is the signed-in user', () => {
  it('rules: create, update, toggle and import ignore actors in the body', async () => {
    const rule = { name: 'No DZ', when: { field: 'SOURCE', op: 'equal_to', value: 'DZ BANK' } };
    const created = await read(await t.json('POST', '/api/rules', { ...rule, ...SPOOF }), 201);
    expect(created).toMatchObject({ createdBy: ME, updatedBy: ME });
    const updated = await read(
      await t.json('PUT', `/api/rules/${created.id}`, { ...rule, priority: 3, ...SPOOF }),
      200,
    );
    expect(updated).toMatchObject({ createdBy: ME, updatedBy: ME, priority: 3 });
    const toggled = await read(await t.json('POST', `/api/rules/${created.id}/toggle`, SPOOF), 200);
    expect(toggled).toMatchObject({ active: false, updatedBy: ME });
    // A rule file (an export of another store) names its rules' actors: the importer replaces
    // them; a field a rule cannot have (`actor`) refuses that rule, as any unknown field does.
    const imported = await read<{
      rules: Record<string, unknown>[];
      report: { outcome: string; messages: string[] }[];
    }>(
      await t.json('POST', '/api/rules/import', {
        rules: [
          { ...rule, name: 'Other', createdBy: 'mallory', updatedBy: 'mallory' },
          { ...rule, name: 'Third', actor: 'mallory' },
        ],
      }),
      200,
    );
    expect(imported.rules).toHaveLength(1);
    expect(imported.rules[0]).toMatchObject({ name: 'Other', createdBy: ME, updatedBy: ME });
    expect(imported.report[1]).toMatchObject({ outcome: 'refused' });
    expect(imported.report[1]?.messages.join(' ')).toContain('actor');
    const stored = await read(await t.request(`/api/rules/${created.id}`), 200);
    expect(stored).toMatchObject({ updatedBy: ME });
    const all = await read(await t.request('/api/rules?limit=1000'), 200);
    expect(JSON.stringify(all)).not.toContain('mallory');
  });

  it('jobs and schedule settings: actor fields are ignored (strict bodies accept them), the change records the user', async () => {
    const spoofed = await read(
      await t.json('POST', '/api/jobs', { name: 'Spoofed', cron: '30 18 * * 1-5', ...SPOOF }),
      201,
    );
    expect(spoofed).toMatchObject({ createdBy: ME, updatedBy: ME });
    // A job read and sent back whole (with its recorded actors) is a valid change.
    const { id: spoofedId, version, deskForm, ...sentBack } = spoofed as Record<string, unknown>;
    expect(deskForm).toBeDefined();
    const resent = await t.json(
      'PUT',
      `/api/jobs/${spoofedId}`,
      {
        name: sentBack.name,
        cron: sentBack.cron,
        createdBy: sentBack.createdBy,
        updatedBy: 'mallory',
      },
      { 'if-match': `"${version}"` },
    );
    expect(await read(resent, 200)).toMatchObject({ createdBy: ME, updatedBy: ME });
    expect(
      (
        await t.request(`/api/jobs/${spoofedId}`, {
          method: 'DELETE',
          headers: { 'if-match': '"2"' },
        })
      ).status,
    ).toBe(200);
    const spoofedSettings = await read(
      await t.json('PATCH', '/api/schedule/settings', { overlap: 'skip', ...SPOOF }),
      200,
    );
    expect(spoofedSettings).toMatchObject({ overlap: 'skip', updatedBy: ME });
    // A field a job cannot have is still refused, naming it.
    const typo = await read<{ error: { message: string } }>(
      await t.json('POST', '/api/jobs', { name: 'Close', cron: '30 18 * * 1-5', gracMinutes: 5 }),
      400,
    );
    expect(typo.error.message).toContain('gracMinutes');
    expect((await read<{ items: unknown[] }>(await t.request('/api/jobs'), 200)).items).toEqual([]);
    const job = await read(
      await t.json('POST', '/api/jobs', { name: 'Close', cron: '30 18 * * 1-5' }),
      201,
    );
    expect(job).toMatchObject({ createdBy: ME, updatedBy: ME });
    const changed = await read(
      await t.json('PUT', `/api/jobs/${job.id}`, { graceMinutes: 5 }, { 'if-match': '"1"' }),
      200,
    );
    expect(changed).toMatchObject({ version: 2, createdBy: ME, updatedBy: ME });
    const toggled = await read(await t.json('POST', `/api/jobs/${job.id}/toggle`, SPOOF), 200);
    expect(toggled).toMatchObject({ active: false, updatedBy: ME });
    const settings = await read(
      await t.json('PATCH', '/api/schedule/settings', { overlap: 'queue' }),
      200,
    );
    expect(settings).toMatchObject({ overlap: 'queue', updatedBy: ME });
    expect(await read(await t.request('/api/schedule/settings'), 200)).toMatchObject({
      updatedBy: ME,
    });
  });

  it('run now (the pipeline and a job) records who asked, whatever the body says', async () => {
    const run = await read<{ record: { id: number } }>(
      await t.json('POST', '/api/runs', SPOOF),
      201,
    );
    expect(run.record).toMatchObject({ requestedBy: ME });
    expect(await read(await t.request(`/api/runs/${run.record.id}`), 200)).toMatchObject({
      requestedBy: ME,
    });
    const job = await read(
      await t.json('POST', '/api/jobs', { name: 'Close', cron: '30 18 * * 1-5' }),
      201,
    );
    const jobRun = await read<{ run: { id: number } }>(
      await t.json('POST', `/api/jobs/${job.id}/run-now`, SPOOF),
      201,
    );
    expect(jobRun.run).toMatchObject({ trigger: 'override', requestedBy: ME });
  });
});
