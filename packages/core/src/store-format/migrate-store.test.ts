import { describe, expect, it } from 'vitest';
import type { ObjectStore } from '../ports/object-store.js';
import { runAutomation } from '../run/run-automation.js';
import { readRunRecord, readRunRows } from '../run/run-protocol.js';
import { readRunRowSet } from '../run-details/run-details.js';
import { generateColors } from '../sample/generate-colors.js';
import { REALISTIC_RULES } from '../sample/realistic-rules.js';
import { encodeDocument } from '../store/json-document.js';
import { RULES_DOCUMENT } from '../store/layout.js';
import { downgradeToFormat1 } from '../testing/format1-store.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemoryStore } from '../testing/memory-store.js';
import { readCurrentView, setRunHidden } from '../views/current-view.js';
import { MIGRATE_STEPS, migrateStore } from './migrate-store.js';
import { readStoreFormat } from './store-format.js';

function world(store: ObjectStore = createMemoryStore()) {
  let n = 0;
  return {
    store,
    clock: createManualClock('2026-03-13T22:30:00Z'),
    ids: { nextId: () => `id-${++n}` },
  };
}
const run = (deps: ReturnType<typeof world>, rows: number, seed: number) =>
  runAutomation(deps, {
    trigger: 'cli',
    businessDate: '2026-03-13',
    inputs: [
      {
        origin: 'source',
        processingType: 'AUTOMATED',
        records: generateColors({ rows, seed }),
        contentHash: `h${seed}`,
      },
    ],
  });

/** Everything a reader sees: each run's rows and excluded rows, and the current view. */
async function contents(store: ObjectStore) {
  const runs = [];
  for (const id of [1, 2, 3]) {
    const record = await readRunRecord(store, id);
    if (!record) continue;
    runs.push({
      id,
      rows: await readRunRows(store, record),
      excluded: (await readRunRowSet(store, id, 'excluded')).rows,
    });
  }
  return { runs, view: (await readCurrentView(store)).rows };
}

/** A format-1 store: three runs (one hidden), rules that exclude, then downgraded. */
async function format1Store() {
  const deps = world();
  await deps.store.put(RULES_DOCUMENT, encodeDocument(1, { rules: REALISTIC_RULES }));
  await run(deps, 400, 1);
  await run(deps, 300, 2);
  await run(deps, 200, 3);
  await setRunHidden(deps, 2, true);
  const expected = await contents(deps.store);
  await downgradeToFormat1(deps.store);
  // A fresh store object: the format check is cached per object.
  return { deps: { ...deps, store: copyOf(deps.store) }, expected };
}

/** The same objects behind a new store object (as a new process would open them). */
function copyOf(store: ObjectStore): ObjectStore {
  return {
    get: (k) => store.get(k),
    put: (k, b, c) => store.put(k, b, c),
    delete: (k, c) => store.delete(k, c),
    list: (p, o) => store.list(p, o),
  };
}

describe('store migrate', () => {
  it('a format-1 store is read as it is, refused for runs, and migrated to the same contents', async () => {
    const { deps, expected } = await format1Store();
    expect(await readStoreFormat(deps.store)).toBe(1);
    expect(await contents(deps.store)).toEqual(expected);
    await expect(run(deps, 50, 9)).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
      message: expect.stringContaining('market-pulse store migrate'),
    });

    const plan = await migrateStore(deps, { dryRun: true });
    expect(plan).toMatchObject({
      from: 1,
      to: 2,
      dryRun: true,
      runs: [1, 2, 3],
      viewToIndex: true,
    });
    expect(plan.oldBytes).toBeGreaterThan(0);
    expect(await readStoreFormat(deps.store)).toBe(1); // a dry run writes nothing

    expect(await migrateStore(deps)).toMatchObject({ from: 1, runs: [1, 2, 3] });
    expect(await readStoreFormat(deps.store)).toBe(2);
    expect(await contents(deps.store)).toEqual(expected);
    for await (const { key } of deps.store.list('runs/'))
      expect(key.endsWith('.jsonl'), key).toBe(false);
    expect(await migrateStore(deps)).toMatchObject({ from: 2, runs: [], viewToIndex: false });
    expect((await run(deps, 50, 9)).status).toBe('success');
  });

  it.each(MIGRATE_STEPS)(
    'stopped at %s: the store reads the same, and a second migrate finishes the job',
    async (stop) => {
      const { deps, expected } = await format1Store();
      const stopped = new Error(`stopped at ${stop}`);
      await expect(
        migrateStore({
          ...deps,
          failpoints: {
            hit: (step) => {
              if (step === stop) throw stopped;
            },
          },
        }),
      ).rejects.toBe(stopped);
      expect(await contents(deps.store)).toEqual(expected);
      expect(await readStoreFormat(deps.store)).toBe(1);
      await migrateStore(deps);
      expect(await readStoreFormat(deps.store)).toBe(2);
      expect(await contents(deps.store)).toEqual(expected);
      for await (const { key } of deps.store.list(''))
        expect(key.endsWith('.jsonl'), key).toBe(false);
    },
  );
});
