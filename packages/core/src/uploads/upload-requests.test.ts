// Request economy (issue 14): with history piling up, one more run, the upload listing and the
// status read make no more store requests than they did early on. The upload that grows the cost
// here is one consumed by the first run: before consumption hints, every later listing re-read
// every run record since it (a run after 200 runs: 238 requests instead of 42).
import { describe, expect, it } from 'vitest';
import { createPipeline } from '../pipeline/pipeline.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { SpreadsheetCodec } from '../ports/spreadsheet-codec.js';
import { colorsToTable, generateColors } from '../sample/index.js';
import { readColors } from '../sources/read-colors.js';
import { readSystemStatus } from '../status/system-status.js';
import { uploadKeys } from '../store/layout.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemorySink } from '../testing/memory-sink.js';
import { createMemoryStore } from '../testing/memory-store.js';
import { tableSource } from '../testing/table-source.js';
import { addUpload, cancelUpload, listUploads } from './upload-buffer.js';

const timers = { setTimeout, clearTimeout };
const codec: SpreadsheetCodec = { write: async function* () {} };

/** The store with every call counted (a listing counts once per call, as one page). */
function counting(store: ObjectStore) {
  const counter = { requests: 0 };
  const count = () => {
    counter.requests++;
  };
  const counted: ObjectStore = {
    get(key) {
      count();
      return store.get(key);
    },
    put(key, body, condition) {
      count();
      return store.put(key, body, condition);
    },
    delete(key, condition) {
      count();
      return store.delete(key, condition);
    },
    list(prefix, options) {
      count();
      return store.list(prefix, options);
    },
  };

  return { counter, counted };
}

// A desk's day: the same securities every run, at new prices. (The current view references the
// runs that hold its CUSIPs, so its reads follow the view — not the history, which is what this
// test is about; a view spread over N runs costs ~2 reads per run: see the core README.)
const DESK = colorsToTable(generateColors({ rows: 10, seed: 7, businessDate: '2026-11-20' }));
const PX = DESK.header.indexOf('PX');
const source = (run: number) =>
  tableSource(`run-${run}`, [
    DESK.header,
    ...DESK.rows.map((row, r) =>
      row.map((cell, c) => (c === PX ? 90 + (run % 50) / 8 + r / 100 : cell)),
    ),
  ]);

/**
 * The store requests of a run, the upload listing and the status after 5 runs and after 200, with
 * one upload added before the runs (and `afterUpload` done to it), and the upload's final status.
 */
async function costsWithHistory(
  afterUpload: (deps: Parameters<typeof cancelUpload>[0], id: string) => Promise<unknown>,
) {
  const { counter, counted: store } = counting(createMemoryStore());
  const clock = createManualClock('2026-11-20T14:00:00Z');
  let n = 0;
  const ids = { nextId: () => `id-${++n}` };
  const sink = createMemorySink();
  const pipeline = createPipeline({
    store,
    clock,
    ids,
    timers,
    codec,
    sink,
    settings: { businessTimeZone: 'UTC' },
  });
  const parsed = await readColors(source(999));
  const upload = await addUpload(
    { store, clock, ids },
    { fileName: 'desk.csv', bytes: new Uint8Array([1]), contentHash: 'c0ffee', parsed },
  );
  await afterUpload({ store, clock }, upload.id);
  const cost = async (seed: number) => {
    const costOf = async (work: () => Promise<unknown>) => {
      const before = counter.requests;
      await work();
      return counter.requests - before;
    };
    return {
      run: await costOf(() =>
        pipeline.run({ requestedBy: 'cli:tester', trigger: 'cli', source: source(seed) }),
      ),
      bufferList: await costOf(() => listUploads(store)),
      status: await costOf(() =>
        readSystemStatus({
          store,
          clock,
          sink,
          sectorFormats: ['csv'],
          leaseTtlMs: 60_000,
          checkedBy: 'test',
        }),
      ),
    };
  };
  const runs = async (count: number) => {
    for (let i = 0; i < count; i++) {
      clock.advance(60_000);
      await pipeline.run({ requestedBy: 'cli:tester', trigger: 'cli', source: source(i) });
    }
  };
  await runs(5);
  const early = await cost(1_000);
  await runs(195);
  const late = await cost(1_001);
  const [listed] = await listUploads(store);
  expect(listed?.id).toBe(upload.id);
  return { early, late, status: listed?.status };
}

describe('store requests do not grow with the history', () => {
  it('after 200 runs, a run, the upload list and the status cost what they cost after 5', async () => {
    const { early, late, status } = await costsWithHistory(async () => undefined);
    expect(late.run).toBeLessThanOrEqual(early.run);
    expect(late.bufferList).toBeLessThanOrEqual(early.bufferList);
    expect(late.status).toBeLessThanOrEqual(early.status);
    // The upload is still reported consumed by the first run, as its commit record says.
    expect(status).toEqual({ state: 'consumed', runId: 1 });
  }, 120_000);

  it('a cancelled upload is not looked for again in every run since it arrived', async () => {
    const { early, late, status } = await costsWithHistory((deps, id) =>
      cancelUpload(deps, id, { actor: 'cli:tester' }),
    );
    // Before unconsumed.json, each of these re-read every run record since the upload (200+).
    expect(late.run).toBeLessThanOrEqual(early.run);
    expect(late.bufferList).toBeLessThanOrEqual(early.bufferList);
    expect(late.status).toBeLessThanOrEqual(early.status);
    expect(status).toMatchObject({ state: 'cancelled' });
  }, 120_000);

  it('never trusts a hint the commit records do not confirm', async () => {
    const store = createMemoryStore();
    const clock = createManualClock('2026-11-20T14:00:00Z');
    let n = 0;
    const ids = { nextId: () => `id-${++n}` };
    const pipeline = createPipeline({
      store,
      clock,
      ids,
      timers,
      codec,
      sink: createMemorySink(),
      settings: { businessTimeZone: 'UTC' },
    });
    const parsed = await readColors(source(7));
    const upload = await addUpload(
      { store, clock, ids },
      { fileName: 'desk.csv', bytes: new Uint8Array([1]), contentHash: 'beef', parsed },
    );
    await pipeline.run({
      requestedBy: 'cli:tester',
      trigger: 'cli',
      source: source(1),
      includePendingUploads: false,
    });
    // A hint naming a run that did not consume it (run 1 left the buffer alone): still pending.
    await store.put(
      uploadKeys(upload.id).consumed,
      new TextEncoder().encode(JSON.stringify({ generation: 1, value: { runId: 1 } })),
    );
    expect((await listUploads(store))[0]?.status).toEqual({ state: 'pending' });
    // A damaged hint is no hint either.
    await store.put(uploadKeys(upload.id).consumed, new TextEncoder().encode('{not json'));
    expect((await listUploads(store))[0]?.status).toEqual({ state: 'pending' });
    const run = await pipeline.run({
      requestedBy: 'cli:tester',
      trigger: 'cli',
      source: source(2),
    });
    expect((await listUploads(store))[0]?.status).toEqual({
      state: 'consumed',
      runId: run.record.id,
    });
  });
});
