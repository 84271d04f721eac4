import { describe, expect, it } from 'vitest';
import {
  createRule,
  getRule,
  importRuleFile,
  setRuleActive,
  updateRule,
} from '../rules/rule-store.js';
import { createJob, deleteJob, getJob, setJobActive, updateJob } from '../schedule/job-store.js';
import { readScheduleSettings, updateScheduleSettings } from '../schedule/settings.js';
import { createDocument } from '../store/json-document.js';
import { jobKey, RULES_DOCUMENT, SCHEDULE_SETTINGS } from '../store/layout.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemoryStore } from '../testing/memory-store.js';

function world() {
  let n = 0;
  return {
    store: createMemoryStore(),
    clock: createManualClock('2026-03-13T09:00:00Z'),
    ids: { nextId: () => `r${++n}` },
  };
}
const ann = { actor: 'user:ann@desk.example' };
const bob = { actor: 'cli:bob' };
const rule = {
  name: 'No valuations',
  active: true,
  when: { field: 'BIAS', op: 'eq', value: 'VALUATION' },
};

describe('every change records its actor', () => {
  it('rules: the creator stays, the last changer is updatedBy; actors a caller slips in are overwritten', async () => {
    const deps = world();
    const created = await createRule(
      deps,
      { ...rule, createdBy: 'mallory', updatedBy: 'mallory' } as typeof rule,
      ann,
    );
    expect(created).toMatchObject({ createdBy: ann.actor, updatedBy: ann.actor });
    deps.clock.advance(60_000);
    const edited = await updateRule(
      deps,
      created.id,
      { ...rule, priority: 3, updatedBy: 'mallory' } as typeof rule,
      bob,
    );
    expect(edited).toMatchObject({
      createdBy: ann.actor,
      updatedBy: bob.actor,
      updatedAt: '2026-03-13T09:01:00.000Z',
    });
    const toggled = await setRuleActive(deps, created.id, false, ann);
    expect(toggled).toMatchObject({ active: false, createdBy: ann.actor, updatedBy: ann.actor });
    expect(await getRule(deps.store, created.id)).toMatchObject({ updatedBy: ann.actor });
  });

  it('an imported rule is created by the importer, whatever actors the file names', async () => {
    const deps = world();
    const { rules } = await importRuleFile(
      deps,
      { rules: [{ ...rule, id: 'x1', createdBy: 'mallory', updatedBy: 'mallory' }] },
      bob,
    );
    expect(rules[0]).toMatchObject({ createdBy: bob.actor, updatedBy: bob.actor });
    expect(await getRule(deps.store, 'x1')).toMatchObject({ createdBy: bob.actor });
  });

  it('jobs: created, changed, toggled by their actors', async () => {
    const deps = world();
    const job = await createJob(
      deps,
      { name: 'Close', cron: '30 18 * * 1-5', timezone: 'UTC' },
      ann,
    );
    expect(job).toMatchObject({ createdBy: ann.actor, updatedBy: ann.actor });
    const changed = await updateJob(
      deps,
      job.id,
      { graceMinutes: 5 },
      { ...bob, expectedVersion: 1 },
    );
    expect(changed).toMatchObject({ version: 2, createdBy: ann.actor, updatedBy: bob.actor });
    expect(await setJobActive(deps, job.id, false, ann)).toMatchObject({ updatedBy: ann.actor });
    expect(await getJob(deps.store, job.id)).toMatchObject({ updatedBy: ann.actor });
    expect(await deleteJob(deps, job.id, bob)).toMatchObject({ id: job.id });
  });

  it('schedule settings: who changed them last, and when', async () => {
    const deps = world();
    const settings = await updateScheduleSettings(deps, { overlap: 'queue' }, bob);
    expect(settings).toMatchObject({
      overlap: 'queue',
      updatedBy: bob.actor,
      updatedAt: '2026-03-13T09:00:00.000Z',
    });
    expect(await readScheduleSettings(deps.store)).toMatchObject({ updatedBy: bob.actor });
  });

  it('documents stored before actors were recorded still read, and take an actor at their next change', async () => {
    const deps = world();
    const at = '2026-01-02T03:04:05.000Z';
    await createDocument(deps.store, RULES_DOCUMENT, {
      rules: [{ ...rule, id: 'old', priority: 100, version: 1, createdAt: at, updatedAt: at }],
    });
    await createDocument(deps.store, jobKey('1'), {
      name: 'Old',
      cron: '0 18 * * 1-5',
      timezone: 'UTC',
      active: true,
      graceMinutes: 60,
      id: '1',
      version: 1,
      createdAt: at,
      updatedAt: at,
      activatedAt: at,
      scheduleChangedAt: at,
    });
    await createDocument(deps.store, SCHEDULE_SETTINGS, {
      overlap: 'skip',
      queueMaxMinutes: 30,
      latenessMinutes: 2,
    });
    const old = await getRule(deps.store, 'old');
    expect(old.createdBy).toBeUndefined();
    expect((await getJob(deps.store, '1')).updatedBy).toBeUndefined();
    expect((await readScheduleSettings(deps.store)).updatedBy).toBeUndefined();

    expect(await setRuleActive(deps, 'old', false, bob)).toMatchObject({ updatedBy: bob.actor });
    const job = await updateJob(deps, '1', { name: 'Old close' }, ann);
    expect(job).toMatchObject({ name: 'Old close', updatedBy: ann.actor });
    expect(job.createdBy).toBeUndefined();
  });
});
