// A run for a job reads the job's own source and applies its rules subset (SPEC §5 jobs): every
// trigger goes through the pipeline, so scheduled fires, catch-ups and "run now" agree.
import { describe, expect, it } from 'vitest';
import type { ColorSource } from '../ports/color-source.js';
import type { SpreadsheetCodec } from '../ports/spreadsheet-codec.js';
import { createRule, deleteRule } from '../rules/rule-store.js';
import { colorsToTable, generateColors } from '../sample/index.js';
import { createJob } from '../schedule/job-store.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemorySink } from '../testing/memory-sink.js';
import { createMemoryStore } from '../testing/memory-store.js';
import { tableSource } from '../testing/table-source.js';
import { createPipeline } from './pipeline.js';

const codec: SpreadsheetCodec = { write: async function* () {} };
const timers = { setTimeout, clearTimeout };

function world() {
  const store = createMemoryStore();
  const clock = createManualClock('2026-11-23T22:00:00Z');
  let n = 0;
  const ids = { nextId: () => `id-${++n}` };
  const table = (seed: number) => {
    const t = colorsToTable(generateColors({ rows: 60, seed, businessDate: '2026-11-23' }));
    return tableSource(`seed-${seed}`, [t.header, ...t.rows]);
  };
  const opened: string[] = [];
  const pipeline = createPipeline({
    store,
    clock,
    ids,
    timers,
    codec,
    sink: createMemorySink(),
    settings: { businessTimeZone: 'America/New_York' },
    source: table(1),
    sourceOf: (source): ColorSource => {
      opened.push(source.path);
      return table(2);
    },
  });
  return { store, clock, ids, pipeline, opened };
}

describe('a run for a job', () => {
  it("reads the job's source and applies only its rules; a request's source wins", async () => {
    const w = world();
    const deps = { store: w.store, clock: w.clock, ids: w.ids };
    const dz = await createRule(
      deps,
      {
        name: 'No DZ',
        active: true,
        when: { field: 'SOURCE', op: 'eq', value: 'DZ Bank' },
      },
      { actor: 'cli:tester' },
    );
    await createRule(
      deps,
      {
        name: 'No bids',
        active: true,
        when: { field: 'BIAS', op: 'eq', value: 'BID' },
      },
      { actor: 'cli:tester' },
    );
    const job = await createJob(
      { store: w.store, clock: w.clock, defaultTimeZone: 'UTC' },
      {
        name: 'close',
        cron: '0 9 * * *',
        source: { kind: 'file', path: '/desk/close.csv' },
        rules: ['No DZ'],
      },
      { actor: 'cli:tester' },
    );
    const { record } = await w.pipeline.run({
      requestedBy: 'cli:tester',
      trigger: 'override',
      jobId: job.id,
    });
    expect(w.opened).toEqual(['/desk/close.csv']);
    expect(Object.keys(record.counts.excludedByRule)).toEqual([dz.id]);
    expect(record.ruleNames).toEqual({ [dz.id]: 'No DZ' });
    const plain = await w.pipeline.run({ requestedBy: 'cli:tester', trigger: 'cli' });
    expect(Object.keys(plain.record.counts.excludedByRule)).toHaveLength(2);
    expect(w.opened).toHaveLength(1); // the configured source
    await w.pipeline.run({
      requestedBy: 'cli:tester',
      trigger: 'override',
      jobId: job.id,
      source: givenSource(),
    });
    expect(w.opened).toHaveLength(1);
  });

  it("fails, naming them, when the job's rules are gone", async () => {
    const w = world();
    const deps = { store: w.store, clock: w.clock, ids: w.ids };
    const rule = await createRule(
      deps,
      {
        name: 'x',
        active: true,
        when: { field: 'PX', op: 'gt', value: 1 },
      },
      { actor: 'cli:tester' },
    );
    const job = await createJob(
      { store: w.store, clock: w.clock, defaultTimeZone: 'UTC' },
      { name: 'close', cron: '0 9 * * *', rules: [rule.id] },
      { actor: 'cli:tester' },
    );
    await deleteRule(deps, rule.id, { actor: 'cli:tester' });
    const { record } = await w.pipeline.run({
      requestedBy: 'cli:tester',
      trigger: 'override',
      jobId: job.id,
    });
    expect(record.status).toBe('failed');
    expect(record.error?.message).toMatch(/the job's rules .* no longer exist/);
  });
});

function givenSource(): ColorSource {
  const t = colorsToTable(generateColors({ rows: 5, seed: 9, businessDate: '2026-11-23' }));
  return tableSource('given', [t.header, ...t.rows]);
}
