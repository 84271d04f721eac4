import { describe, expect, it } from 'vitest';
import { isMarketPulseError } from '../errors.js';
import { createRule } from '../rules/rule-store.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemoryStore } from '../testing/memory-store.js';
import { claimJobName } from './job-names.js';
import { createJob, deleteJob, getJob, updateJob } from './job-store.js';

function world() {
  const store = createMemoryStore();
  const clock = createManualClock('2026-11-23T12:00:00Z');
  return { store, clock, deps: { store, clock, defaultTimeZone: 'UTC' } };
}
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => 'accepted',
    (err) => (isMarketPulseError(err) ? `${err.code}: ${err.message}` : String(err)),
  );

describe('job names are unique, case-insensitively', () => {
  it('refuses a duplicate on add and rename; a delete or rename frees the name', async () => {
    const { deps } = world();
    const close = await createJob(
      deps,
      { name: 'Close', cron: '30 18 * * *' },
      { actor: 'cli:tester' },
    );
    expect(
      await refusal(
        createJob(deps, { name: ' close ', cron: '0 9 * * *' }, { actor: 'cli:tester' }),
      ),
    ).toBe(
      'VALIDATION_ERROR: the name "close" is used by job 1 ("Close") (names are case-insensitive)',
    );
    const open = await createJob(
      deps,
      { name: 'open', cron: '0 9 * * *' },
      { actor: 'cli:tester' },
    );
    expect(
      await refusal(updateJob(deps, open.id, { name: 'CLOSE' }, { actor: 'cli:tester' })),
    ).toMatch(/used by job 1/);
    // A change of case is the same name: allowed for the job that has it.
    expect((await updateJob(deps, close.id, { name: 'CLOSE' }, { actor: 'cli:tester' })).name).toBe(
      'CLOSE',
    );
    await updateJob(deps, close.id, { name: 'evening' }, { actor: 'cli:tester' });
    expect((await updateJob(deps, open.id, { name: 'close' }, { actor: 'cli:tester' })).name).toBe(
      'close',
    );
    await deleteJob(deps, open.id, { actor: 'cli:tester' });
    expect(
      (await createJob(deps, { name: 'Close', cron: '0 7 * * *' }, { actor: 'cli:tester' })).name,
    ).toBe('Close');
  });

  it('a claim left by a save that died is taken over once stale, not while fresh', async () => {
    const { store, clock, deps } = world();
    await claimJobName(deps, 'close', '99', []); // job 99 was never written
    expect(
      await refusal(createJob(deps, { name: 'close', cron: '0 9 * * *' }, { actor: 'cli:tester' })),
    ).toMatch(/used by job 99/);
    clock.advance(3 * 60_000);
    const job = await createJob(
      { store, clock, defaultTimeZone: 'UTC' },
      { name: 'close', cron: '0 9 * * *' },
      { actor: 'cli:tester' },
    );
    expect(job.name).toBe('close');
  });

  it('concurrent adds of one name: exactly one wins', async () => {
    const { deps } = world();
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () =>
        refusal(createJob(deps, { name: 'close', cron: '0 9 * * *' }, { actor: 'cli:tester' })),
      ),
    );
    expect(outcomes.filter((o) => o === 'accepted')).toHaveLength(1);
  });
});

describe('a job names its source and a rules subset', () => {
  it('stores the source and the rules as ids (given by name or id); unknown rules refused', async () => {
    const { store, clock, deps } = world();
    const rule = await createRule(
      { store, clock, ids: { nextId: () => 'r-1' } },
      { name: 'No DZ', active: true, when: { field: 'SOURCE', op: 'eq', value: 'DZ Bank' } },
      { actor: 'cli:tester' },
    );
    const job = await createJob(
      deps,
      {
        name: 'close',
        cron: '0 9 * * *',
        source: { kind: 'file', path: '/desk/colors.xlsx' },
        rules: ['no dz', rule.id],
      },
      { actor: 'cli:tester' },
    );
    expect(await getJob(store, job.id)).toMatchObject({
      source: { kind: 'file', path: '/desk/colors.xlsx' },
      rules: ['r-1'],
    });
    expect(
      await refusal(updateJob(deps, job.id, { rules: ['No such'] }, { actor: 'cli:tester' })),
    ).toBe('VALIDATION_ERROR: no rule is named "No such" (a job\'s rules are rule names or ids)');
    const cleared = await updateJob(
      deps,
      job.id,
      { source: undefined, rules: undefined },
      { actor: 'cli:tester' },
    );
    expect(cleared.source).toBeUndefined();
    expect(cleared.rules).toBeUndefined();
  });
});
