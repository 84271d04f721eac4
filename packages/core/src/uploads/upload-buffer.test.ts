import { describe, expect, it } from 'vitest';
import { runAutomation } from '../run/run-automation.js';
import { generateColors } from '../sample/generate-colors.js';
import { encodeDocument } from '../store/json-document.js';
import { runKeys, uploadHashKey, uploadKeys } from '../store/layout.js';
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
  UPLOAD_STEPS,
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
    await cancelUpload(deps, 'u1', { actor: 'cli:tester' });
    await cancelUpload(deps, forced.id, { actor: 'cli:tester' });
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
    await expect(cancelUpload(deps, a.id, { actor: 'cli:tester' })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(`consumed by run ${run.id}`),
    });
    const b = await addUpload(deps, file('bb'));
    const c = await addUpload(deps, file('ccc'));
    await cancelUpload(deps, b.id, { actor: 'cli:tester' });
    await expect(cancelUpload(deps, b.id, { actor: 'cli:tester' })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/already cancelled/),
    });
    expect(await clearUploads(deps, { actor: 'cli:tester' })).toEqual([c.id]);
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

  it('accepts exactly one of five concurrent uploads of one file; the others are refused as duplicates', async () => {
    for (let round = 0; round < 10; round++) {
      const deps = world();
      const outcomes = await Promise.allSettled(
        Array.from({ length: 5 }, () => addUpload(deps, file('race'))),
      );
      const accepted = outcomes.filter((o) => o.status === 'fulfilled');
      expect(accepted).toHaveLength(1);
      for (const o of outcomes)
        if (o.status === 'rejected')
          expect(o.reason).toMatchObject({
            code: 'CONFLICT',
            details: { reason: 'duplicate-upload' },
          });
      expect((await listUploads(deps.store)).map((u) => u.status.state)).toEqual(['pending']);
      expect(await pendingUploadInputs(deps.store)).toHaveLength(1);
    }
  });

  it('with force, lets every concurrent copy land; after a cancel, exactly one new copy', async () => {
    const deps = world();
    const forced = await Promise.all(
      Array.from({ length: 3 }, () => addUpload(deps, { ...file('f'), force: true })),
    );
    expect(new Set(forced.map((u) => u.id)).size).toBe(3);
    for (const u of forced) await cancelUpload(deps, u.id, { actor: 'cli:tester' });
    const again = await Promise.allSettled(
      Array.from({ length: 4 }, () => addUpload(deps, file('f'))),
    );
    expect(again.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect((await listUploads(deps.store)).map((u) => u.status.state).sort()).toEqual([
      'cancelled',
      'cancelled',
      'cancelled',
      'pending',
    ]);
  });

  it.each(UPLOAD_STEPS)(
    'a process that dies at %s leaves nothing visible, and the same file can be uploaded again',
    async (crashStep) => {
      const deps = world();
      let reached: () => void = () => undefined;
      const atStep = new Promise<void>((resolve) => {
        reached = resolve;
      });
      const dying = addUpload(
        {
          ...deps,
          failpoints: {
            hit: (step) => {
              if (step !== crashStep) return undefined;
              reached();
              return new Promise<void>(() => undefined); // never gets further
            },
          },
        },
        file('crash'),
      );
      await Promise.race([atStep, dying]);
      expect(await listUploads(deps.store)).toEqual([]);
      expect(await pendingUploadInputs(deps.store)).toEqual([]);
      const retried = await addUpload(deps, file('crash'));
      expect((await listUploads(deps.store)).map((u) => u.id)).toEqual([retried.id]);
      await expect(addUpload(deps, file('crash'))).rejects.toMatchObject({ code: 'CONFLICT' });
    },
  );

  it('refuses an upload whose records lost a line (naming the key) instead of running 19 of its 20 rows', async () => {
    const deps = world();
    const upload = await addUpload(deps, file('lines', 20));
    const key = uploadKeys(upload.id).records;
    const text = new TextDecoder().decode((await deps.store.get(key))?.body);
    await deps.store.put(key, new TextEncoder().encode(text.split('\n').slice(1).join('\n')));
    await expect(pendingUploadInputs(deps.store)).rejects.toMatchObject({
      code: 'INTERNAL',
      details: { key },
    });
    expect((await listUploads(deps.store))[0]?.status).toMatchObject({
      state: 'unreadable',
      key,
    });
    // Cancelling it is how an operator lets the runs go on without it.
    await cancelUpload(deps, upload.id, { actor: 'cli:tester' });
    expect(await pendingUploadInputs(deps.store)).toEqual([]);
  });

  it('lists an upload whose record cannot be read as unreadable, with the key, and the others as they are', async () => {
    const deps = world();
    const a = await addUpload(deps, file('a'));
    const b = await addUpload(deps, file('bb'));
    const key = uploadKeys(a.id).meta;
    await deps.store.put(key, new TextEncoder().encode('{"generation":1,"value":{"id":'));
    const listed = await listUploads(deps.store);
    expect(listed.map((u) => [u.id, u.status.state])).toEqual([
      [b.id, 'pending'],
      [a.id, 'unreadable'],
    ]);
    expect(listed[1]?.status).toMatchObject({ key });
    await expect(getUpload(deps.store, a.id)).rejects.toMatchObject({ details: { key } });
    // It may be pending: a run does not go without it.
    await expect(pendingUploadInputs(deps.store)).rejects.toMatchObject({ details: { key } });
    expect(await cancelUpload(deps, a.id, { actor: 'cli:tester' })).toMatchObject({
      id: a.id,
      status: { state: 'cancelled' },
    });
    expect((await pendingUploadInputs(deps.store)).map((i) => i.origin)).toEqual([
      `upload:${b.id}`,
    ]);
  });

  it('never takes again an upload a run may have consumed when that run cannot be read', async () => {
    const deps = world();
    const upload = await addUpload(deps, file('once'));
    const run = await runAutomation(deps, {
      trigger: 'cli',
      businessDate: '2026-03-13',
      inputs: await pendingUploadInputs(deps.store),
    });
    const key = runKeys(run.id).commit;
    await deps.store.put(key, new TextEncoder().encode('{"generation":1,"value":{"id":1'));
    expect((await listUploads(deps.store))[0]?.status).toMatchObject({
      state: 'unreadable',
      key,
    });
    await expect(pendingUploadInputs(deps.store)).rejects.toMatchObject({ details: { key } });
    expect(upload.id).toBeDefined();
  });

  it('reads uploads stored before records checksums and list claims (legacy form)', async () => {
    const deps = world();
    const { recordsDigest: _, ...legacy } = await addUpload(deps, file('old'));
    const { status: __, ...meta } = legacy;
    await deps.store.put(uploadKeys(meta.id).meta, encodeDocument(1, meta));
    await deps.store.put(uploadHashKey('old'), encodeDocument(1, { uploadId: meta.id }));
    expect((await listUploads(deps.store)).map((u) => u.status.state)).toEqual(['pending']);
    await expect(addUpload(deps, file('old'))).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await pendingUploadInputs(deps.store))[0]?.records).toHaveLength(20);
  });
});
