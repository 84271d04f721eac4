import { describe, expect, it } from 'vitest';
import { MarketPulseError } from '../errors.js';
import type { ColorRecord } from '../parse/record.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { ProcessProbe } from '../ports/process-probe.js';
import { generateColors } from '../sample/generate-colors.js';
import { PIPELINE_LEASE, RULES_DOCUMENT, runKeys } from '../store/layout.js';
import { createLeases } from '../store/lease.js';
import { decodeRowPartition, ROW_FORMAT } from '../store/row-partition.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemoryStore } from '../testing/memory-store.js';
import { type RunDependencies, type RunInput, runAutomation } from './run-automation.js';
import { readRunRecord } from './run-protocol.js';
import { RUN_STEPS } from './run-steps.js';

const BUSINESS_DATE = '2026-03-13';

function world() {
  const store = createMemoryStore();
  const clock = createManualClock('2026-03-13T22:30:00Z');
  let n = 0;
  const ids = { nextId: () => `id-${++n}` };
  return { store, clock, ids };
}

const source = (records: ColorRecord[], contentHash = 'hash-a'): RunInput => ({
  origin: 'source',
  processingType: 'AUTOMATED',
  records,
  contentHash,
});
const upload = (id: string, records: ColorRecord[]): RunInput => ({
  origin: `upload:${id}`,
  processingType: 'MANUAL',
  records,
});

async function rowsOf(store: RunDependencies['store'], runId: number, parts: number) {
  const rows: Record<string, unknown>[] = [];
  for (let p = 0; p < parts; p++) {
    const key = runKeys(runId).rowsPart(p);
    const body = (await store.get(key))?.body as Uint8Array;
    for (const line of decodeRowPartition(key, body, ROW_FORMAT)) rows.push(JSON.parse(line));
  }
  return rows;
}

async function saveRules(store: RunDependencies['store'], rules: unknown[]) {
  await store.put(
    RULES_DOCUMENT,
    new TextEncoder().encode(JSON.stringify({ generation: 1, value: { rules } })),
  );
}

describe('runAutomation', () => {
  it('applies the active rules to the union of inputs, ranks it once and commits the run', async () => {
    const deps = world();
    const fromSource = generateColors({ rows: 900, seed: 1 });
    const fromUpload = generateColors({ rows: 300, seed: 2 }).map((r) => ({
      ...r,
      CUSIP: fromSource[0]?.CUSIP as string,
    }));
    await saveRules(deps.store, [
      {
        id: 'no-val',
        name: 'No valuations',
        active: true,
        priority: 1,
        when: { field: 'BIAS', op: 'eq', value: 'VALUATION' },
      },
    ]);
    const record = await runAutomation(deps, {
      trigger: 'cli',
      businessDate: BUSINESS_DATE,
      inputs: [source(fromSource), upload('u1', fromUpload)],
      partRows: 250,
    });
    const valuations = [...fromSource, ...fromUpload].filter((r) => r.BIAS === 'VALUATION').length;
    expect(record).toMatchObject({
      id: 1,
      status: 'success',
      trigger: 'cli',
      uploadsConsumed: ['u1'],
    });
    expect(record.counts).toMatchObject({
      input: 1200,
      inputByOrigin: { source: 900, 'upload:u1': 300 },
      excluded: valuations,
      output: 1200 - valuations,
    });
    expect(record.counts.excludedByRule).toEqual({ 'no-val': valuations });
    expect(record.rowParts).toBe(Math.ceil((1200 - valuations) / 250));
    const rows = await rowsOf(deps.store, 1, record.rowParts);
    expect(rows).toHaveLength(record.counts.output);
    expect(rows.map((r) => r.ROW_ID)).toEqual(rows.map((_, i) => `1-${i + 1}`));
    // One ranking over the union: the CUSIP shared by source and upload has exactly one parent.
    const shared = rows.filter((r) => r.CUSIP === fromSource[0]?.CUSIP);
    expect(shared.filter((r) => r.IS_PARENT)).toHaveLength(1);
    expect(new Set(shared.map((r) => r.ORIGIN))).toEqual(new Set(['source', 'upload:u1']));
    expect(rows.every((r) => r.RUN_ID === 1 && r.PROCESSED_AT === '2026-03-13T22:30:00.000Z')).toBe(
      true,
    );
    expect(rows.find((r) => r.ORIGIN === 'upload:u1')?.PROCESSING_TYPE).toBe('MANUAL');
    expect(record.counts.parents).toBe(rows.filter((r) => r.IS_PARENT).length);
    const excludedKey = runKeys(1).excludedRows();
    const excluded = decodeRowPartition(
      excludedKey,
      (await deps.store.get(excludedKey))?.body as Uint8Array,
      ROW_FORMAT,
    ).map((l) => JSON.parse(l));
    expect(excluded[0]).toMatchObject({
      ROW_ID: '1-x1',
      EXCLUDED_BY: 'no-val',
      RUN_ID: 1,
      BIAS: 'VALUATION',
    });
    expect(await readRunRecord(deps.store, 1)).toEqual(record);
    expect(await deps.store.get(PIPELINE_LEASE)).toBeNull(); // released
  });

  it('never reuses a RUN_ID, even after a failed run', async () => {
    const deps = world();
    const records = generateColors({ rows: 50, seed: 3 });
    const first = await runAutomation(deps, {
      trigger: 'cli',
      businessDate: BUSINESS_DATE,
      inputs: [source(records)],
    });
    const failed = await runAutomation(deps, {
      trigger: 'cli',
      businessDate: BUSINESS_DATE,
      inputs: [source(records)],
      guards: { minSourceRows: 100 },
    });
    const third = await runAutomation(deps, {
      trigger: 'cli',
      businessDate: BUSINESS_DATE,
      inputs: [source(records, 'hash-b')],
    });
    expect([first.id, failed.id, third.id]).toEqual([1, 2, 3]);
    expect(failed).toMatchObject({
      status: 'failed',
      uploadsConsumed: [],
      error: {
        code: 'VALIDATION_ERROR',
        message: expect.stringMatching(/50 rows, fewer than the minimum of 100/),
      },
    });
  });

  it('fails a run on an unchanged source or stale quotes when those guards are on', async () => {
    const deps = world();
    const records = generateColors({ rows: 50, seed: 4, businessDate: BUSINESS_DATE });
    const guards = { rejectUnchangedSource: true, maxQuoteAgeDays: 3 };
    expect(
      (
        await runAutomation(deps, {
          trigger: 'cli',
          businessDate: BUSINESS_DATE,
          inputs: [source(records)],
          guards,
        })
      ).status,
    ).toBe('success');
    const same = await runAutomation(deps, {
      trigger: 'cli',
      businessDate: BUSINESS_DATE,
      inputs: [source(records)],
      guards,
    });
    expect(same.error?.message).toMatch(/identical to the last successful run/);
    const stale = await runAutomation(deps, {
      trigger: 'cli',
      businessDate: '2026-03-31',
      inputs: [source(records, 'hash-new')],
      guards,
    });
    expect(stale.error?.message).toMatch(
      /newest quote is from 2026-03-13, 18 days before 2026-03-31/,
    );
  });

  it('fails (and says why) when the stored rules are invalid, writing no rows', async () => {
    const deps = world();
    await saveRules(deps.store, [
      {
        id: 'bad',
        name: 'Bad',
        active: true,
        priority: 1,
        when: { field: 'NOPE', op: 'eq', value: 1 },
      },
    ]);
    const record = await runAutomation(deps, {
      trigger: 'cli',
      businessDate: BUSINESS_DATE,
      inputs: [source(generateColors({ rows: 10 }))],
    });
    expect(record).toMatchObject({
      status: 'failed',
      error: { message: expect.stringMatching(/unknown field "NOPE"/) },
    });
    expect(await deps.store.get(runKeys(1).rowsPart(0))).toBeNull();
  });

  it('refuses to start while another run holds the pipeline, allocating no RUN_ID', async () => {
    const deps = world();
    const other = await createLeases({
      store: deps.store,
      clock: deps.clock,
      ttlMs: 60_000,
    }).tryAcquire(PIPELINE_LEASE, { id: 'other', purpose: 'run:99' });
    expect(other.acquired).toBe(true);
    await expect(
      runAutomation(deps, { trigger: 'cli', businessDate: BUSINESS_DATE, inputs: [] }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { reason: 'pipeline-busy', holder: { purpose: 'run:99' } },
    });
    expect(await deps.store.get('counters/run-id.json')).toBeNull();
  });
});

describe('runAutomation: a process dying at any step of the protocol', () => {
  const here = (alive: number[]): ProcessProbe => ({
    host: 'desk',
    pid: 1,
    bootId: 'b',
    isAlive: (pid) => alive.includes(pid),
  });

  it.each(RUN_STEPS)(
    'crash at %s: nothing partial is visible, no RUN_ID is reused, the next run starts at once',
    async (crashStep) => {
      const deps = world();
      const records = generateColors({ rows: 120, seed: 5 });
      let resume: () => void = () => undefined;
      let reached = false;
      let signalReached: () => void = () => undefined;
      const reachedStep = new Promise<void>((resolve) => {
        signalReached = resolve;
      });
      const frozen = new Promise<void>((resolve) => {
        resume = resolve;
      });
      // The first process "dies" at the step: it never gets past it (until resumed, like a paused process).
      const dying = runAutomation(
        {
          ...deps,
          probe: { ...here([]), pid: 200 },
          failpoints: {
            hit: (s) => {
              if (s !== crashStep) return undefined;
              reached = true;
              signalReached();
              return frozen;
            },
          },
        },
        {
          trigger: 'scheduled',
          businessDate: BUSINESS_DATE,
          inputs: [source(records), upload('u7', records.slice(0, 10))],
        },
      );
      // Until the step is reached (or the run ends without reaching it, which fails below).
      await Promise.race([reachedStep, dying.catch(() => undefined)]);
      expect(reached).toBe(true);

      // The next process on the same host sees the holder's PID dead and starts at once.
      const next = await runAutomation(
        { ...deps, probe: here([]) },
        { trigger: 'cli', businessDate: BUSINESS_DATE, inputs: [source(records, 'hash-2')] },
      );
      expect(next.status).toBe('success');
      const dyingId = crashStep === 'run.after-lease' ? undefined : 1;
      expect(next.id).toBe(dyingId === undefined ? 1 : 2);
      if (dyingId !== undefined) {
        const dead = await readRunRecord(deps.store, dyingId);
        if (crashStep === 'run.after-commit')
          expect(dead?.status).toBe('success'); // it had committed: the create decided
        else
          expect(dead).toMatchObject({
            status: 'failed',
            uploadsConsumed: [],
            error: { message: expect.stringMatching(/stopped before committing/) },
          });
      }

      // The paused process wakes up: it cannot commit a run already declared failed.
      resume();
      await dying.then(
        (record) =>
          expect(crashStep === 'run.after-commit' || record.status === 'failed').toBe(true),
        (err) => expect(err).toMatchObject({ code: 'CONFLICT' }),
      );
      if (dyingId !== undefined && crashStep !== 'run.after-commit')
        expect((await readRunRecord(deps.store, dyingId))?.status).toBe('failed');
      // Every committed document still parses, and RUN_IDs only go up.
      const third = await runAutomation(deps, {
        trigger: 'cli',
        businessDate: BUSINESS_DATE,
        inputs: [source(records, 'hash-3')],
      });
      expect(third.id).toBeGreaterThan(next.id);
    },
  );
});

/** A store whose writes fail (as on a full disk) once a run's commit record is written. */
function fullDiskAfterCommit(failDeletes: boolean) {
  const inner = createMemoryStore();
  let committed = false;
  const enospc = () => new MarketPulseError('UNAVAILABLE', 'file store I/O failed (ENOSPC)');
  const store: ObjectStore = {
    get: (key) => inner.get(key),
    list: (prefix, options) => inner.list(prefix, options),
    async put(key, body, condition) {
      if (committed) throw enospc();
      const written = await inner.put(key, body, condition);
      if (key.endsWith('/commit.json')) committed = true;
      return written;
    },
    async delete(key, condition) {
      if (committed && failDeletes) throw enospc();
      return inner.delete(key, condition);
    },
  };
  return store;
}

describe('runAutomation after the commit', () => {
  it('turns a full disk into warnings: the run succeeded, and the pipeline lease is released', async () => {
    const deps = { ...world(), store: fullDiskAfterCommit(false) };
    const record = await runAutomation(deps, {
      trigger: 'cli',
      businessDate: BUSINESS_DATE,
      inputs: [source(generateColors({ rows: 50, seed: 9 }))],
    });
    expect(record.status).toBe('success');
    expect(record.warnings).toEqual([
      expect.stringMatching(/^current view not refreshed: .*ENOSPC/),
      expect.stringMatching(/^run index not updated \(.*ENOSPC/),
    ]);
    expect((await readRunRecord(deps.store, record.id))?.status).toBe('success');
    const leases = createLeases({ store: deps.store, clock: deps.clock, ttlMs: 60_000 });
    expect(await leases.inspect(PIPELINE_LEASE)).toBeNull();
  });

  it('says so when even the lease cannot be released, and still returns the committed run', async () => {
    const deps = { ...world(), store: fullDiskAfterCommit(true) };
    const record = await runAutomation(deps, {
      trigger: 'cli',
      businessDate: BUSINESS_DATE,
      inputs: [source(generateColors({ rows: 50, seed: 9 }))],
    });
    expect(record.status).toBe('success');
    expect(record.warnings.at(-1)).toMatch(/^pipeline lease not released: .*ENOSPC/);
  });
});
