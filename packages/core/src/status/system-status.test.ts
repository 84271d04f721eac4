import { describe, expect, it } from 'vitest';
import type { ObjectStore } from '../ports/object-store.js';
import { runAutomation } from '../run/run-automation.js';
import { generateColors } from '../sample/generate-colors.js';
import { createJob } from '../schedule/job-store.js';
import { jobKey, runKeys, uploadKeys } from '../store/layout.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemorySink } from '../testing/memory-sink.js';
import { createMemoryStore } from '../testing/memory-store.js';
import { addUpload, pendingUploadInputs } from '../uploads/upload-buffer.js';
import { readSystemStatus } from './system-status.js';

const damage = async (store: ObjectStore, key: string) => {
  const text = new TextDecoder().decode((await store.get(key))?.body);
  await store.put(key, new TextEncoder().encode(text.slice(0, Math.floor(text.length / 2))));
};

describe('readSystemStatus over damaged documents', () => {
  it('reports what it can read and names every document it cannot, instead of failing', async () => {
    const store = createMemoryStore();
    const clock = createManualClock('2026-03-13T15:00:00Z');
    let n = 0;
    const deps = { store, clock, ids: { nextId: () => `u${++n}` } };
    const upload = (hash: string) =>
      addUpload(deps, {
        fileName: `${hash}.csv`,
        bytes: new TextEncoder().encode(hash),
        contentHash: hash,
        parsed: {
          records: generateColors({ rows: 5, seed: hash.length }),
          errors: [],
          notices: [],
        },
      });
    const run = async () =>
      runAutomation(deps, {
        trigger: 'cli',
        businessDate: '2026-03-13',
        inputs: await pendingUploadInputs(store),
      });
    const first = await upload('a');
    await run();
    await upload('bb');
    await run();
    const third = await upload('ccc');
    const pending = await upload('dddd');
    await createJob(
      deps,
      { name: 'close', cron: '0 17 * * 1-5', timezone: 'America/New_York' },
      { actor: 'cli:tester' },
    );

    await damage(store, runKeys(1).commit);
    await damage(store, uploadKeys(third.id).meta);
    await damage(store, 'views/current/v00000002/index.jsonl.zlib');
    await damage(store, jobKey('1'));

    const status = await readSystemStatus({
      store,
      clock,
      sink: createMemorySink(),
      sectorFormats: ['csv'],
      leaseTtlMs: 60_000,
      checkedBy: 'test',
    });
    expect(status.lastRuns.map((r) => [r.id, r.state])).toEqual([
      [2, 'committed'],
      [1, 'unreadable'],
    ]);
    expect(status.lastRuns[1]).toMatchObject({ key: runKeys(1).commit });
    expect(status.pendingUploads).toBe(1);
    // The first upload was consumed by run 1, whose record cannot be read: not taken for pending.
    expect(status.unreadableUploads).toEqual([
      { id: first.id, key: runKeys(1).commit, reason: expect.stringMatching(/cannot tell/) },
      { id: third.id, key: uploadKeys(third.id).meta, reason: expect.any(String) },
    ]);
    expect(status.currentViewDamage).toMatchObject({
      key: 'views/current/v00000002/index.jsonl.zlib',
    });
    expect(status.exports).toMatchObject({ lagging: true, reason: 'view-damaged' });
    expect(status.schedule.unreadable).toMatchObject({ key: jobKey('1') });
    expect(status.schedule.nextRun).toBeNull();
    expect(pending.id).toBeDefined();
  });
});
