import { describe, expect, it } from 'vitest';
import { runAutomation } from '../run/run-automation.js';
import { generateColors } from '../sample/generate-colors.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemoryStore } from '../testing/memory-store.js';
import {
  addUpload,
  cancelUpload,
  clearUploads,
  getUpload,
  listUploads,
  type NewUpload,
  pendingUploadInputs,
  uploadOriginal,
} from './upload-buffer.js';

function world() {
  const store = createMemoryStore();
  const clock = createManualClock('2026-03-13T09:00:00Z');
  let n = 0;
  return { store, clock, ids: { nextId: () => `u${++n}` } };
}

const file = (hash: string, rows = 20, errors: NewUpload['parsed']['errors'] = []): NewUpload => ({
  fileName: `${hash}.xlsx`,
  bytes: new TextEncoder().encode(`bytes of ${hash}`),
  contentHash: hash,
  parsed: { records: generateColors({ rows, seed: hash.length }), errors, notices: [] },
});
const rowError = { row: 3, column: 'PX', value: '12abc', reason: '"12abc" is not a number' };

describe('upload buffer', () => {
  it('stores a valid upload as pending, with its original file and parsed rows', async () => {
    const deps = world();
    const added = await addUpload(deps, file('aaa'));
    expect(added).toMatchObject({
      id: 'u1',
      fileName: 'aaa.xlsx',
      rows: 20,
      status: { state: 'pending' },
      acceptedValidRows: false,
    });
    expect(new TextDecoder().decode(await uploadOriginal(deps.store, 'u1'))).toBe('bytes of aaa');
    expect((await pendingUploadInputs(deps.store))[0]).toMatchObject({
      origin: 'upload:u1',
      processingType: 'MANUAL',
    });
    expect((await pendingUploadInputs(deps.store))[0]?.records).toHaveLength(20);
  });

  it('refuses a file with row errors with the full report, storing nothing, unless valid rows are accepted', async () => {
    const deps = world();
    await expect(addUpload(deps, file('bad', 5, [rowError]))).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      details: { errors: [rowError] },
    });
    expect(deps.store.size).toBe(0);
    const partial = await addUpload(deps, { ...file('bad', 5, [rowError]), acceptValidRows: true });
    expect(partial).toMatchObject({
      acceptedValidRows: true,
      errors: [rowError],
      status: { state: 'pending' },
    });
    await expect(
      addUpload(deps, { ...file('none', 0), acceptValidRows: true }),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
  });

  it('refuses the same content twice unless forced, and accepts it again once cancelled', async () => {
    const deps = world();
    await addUpload(deps, file('same'));
    await expect(addUpload(deps, file('same'))).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { reason: 'duplicate-upload', uploadId: 'u1' },
    });
    const forced = await addUpload(deps, { ...file('same'), force: true });
    expect(forced.status.state).toBe('pending');
    await cancelUpload(deps, 'u1');
    await cancelUpload(deps, forced.id);
    expect((await addUpload(deps, file('same'))).status.state).toBe('pending');
  });

  it('is consumed by the run whose commit names it; a failed run leaves it pending', async () => {
    const deps = world();
    const one = await addUpload(deps, file('one'));
    const two = await addUpload(deps, file('two'));
    const consumed = await runAutomation(deps, {
      trigger: 'cli',
      businessDate: '2026-03-13',
      inputs: await pendingUploadInputs(deps.store),
    });
    expect(consumed).toMatchObject({ status: 'success', uploadsConsumed: [one.id, two.id] });
    expect((await listUploads(deps.store)).map((u) => u.status)).toEqual([
      { state: 'consumed', runId: consumed.id },
      { state: 'consumed', runId: consumed.id },
    ]);
    const three = await addUpload(deps, file('three'));
    const badRules = {
      rules: [{ id: 'x', name: 'X', active: true, when: { field: 'NOPE', op: 'eq', value: 1 } }],
    };
    await deps.store.put(
      'config/rules.json',
      new TextEncoder().encode(JSON.stringify({ generation: 1, value: badRules })),
    );
    const broken = await runAutomation(deps, {
      trigger: 'cli',
      businessDate: '2026-03-13',
      inputs: await pendingUploadInputs(deps.store),
    });
    expect(broken.status).toBe('failed');
    expect((await getUpload(deps.store, three.id)).status).toEqual({ state: 'pending' });
    expect(await pendingUploadInputs(deps.store)).toHaveLength(1);
  });

  it('stays pending when the run that read it dies before committing', async () => {
    const deps = world();
    const upload = await addUpload(deps, file('crash'));
    let reached = false;
    void runAutomation(
      {
        ...deps,
        probe: { host: 'h', pid: 7, bootId: 'b', isAlive: () => false },
        failpoints: {
          hit: (step) => {
            if (step !== 'run.after-errors-written') return undefined;
            reached = true;
            return new Promise<void>(() => undefined); // the process never gets further
          },
        },
      },
      {
        trigger: 'scheduled',
        businessDate: '2026-03-13',
        inputs: await pendingUploadInputs(deps.store),
      },
    );
    while (!reached) await new Promise((r) => setImmediate(r));
    const next = await runAutomation(
      { ...deps, probe: { host: 'h', pid: 8, bootId: 'b', isAlive: () => false } },
      { trigger: 'cli', businessDate: '2026-03-13', inputs: [] },
    );
    expect(next.status).toBe('success');
    expect((await getUpload(deps.store, upload.id)).status).toEqual({ state: 'pending' });
  });

  it('cancels pending uploads only; clear cancels them all', async () => {
    const deps = world();
    const a = await addUpload(deps, file('a'));
    const run = await runAutomation(deps, {
      trigger: 'cli',
      businessDate: '2026-03-13',
      inputs: await pendingUploadInputs(deps.store),
    });
    await expect(cancelUpload(deps, a.id)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(`consumed by run ${run.id}`),
    });
    const b = await addUpload(deps, file('bb'));
    const c = await addUpload(deps, file('ccc'));
    await cancelUpload(deps, b.id);
    await expect(cancelUpload(deps, b.id)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/already cancelled/),
    });
    expect(await clearUploads(deps)).toEqual([c.id]);
    expect((await listUploads(deps.store)).map((u) => u.status.state)).toEqual([
      'consumed',
      'cancelled',
      'cancelled',
    ]);
    expect(await pendingUploadInputs(deps.store)).toEqual([]);
  });

  it('answers NOT_FOUND for an unknown upload and VALIDATION_ERROR for a malformed id', async () => {
    const deps = world();
    await expect(getUpload(deps.store, 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(getUpload(deps.store, '../etc')).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
  });
});
