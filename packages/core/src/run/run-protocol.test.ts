import { describe, expect, it } from 'vitest';
import type { ObjectStore } from '../ports/object-store.js';
import { generateColors } from '../sample/generate-colors.js';
import { sha256HexPure } from '../store/checksum.js';
import { encodeDocument } from '../store/json-document.js';
import { RUN_ID_COUNTER, runKeys } from '../store/layout.js';
import { decodeRowPartition, encodeRowPartition } from '../store/row-partition.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemoryStore } from '../testing/memory-store.js';
import { runAutomation } from './run-automation.js';
import { readRunRecord, readRunRows } from './run-protocol.js';
import { listRuns } from './run-queries.js';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

function world() {
  let n = 0;
  return {
    store: createMemoryStore(),
    clock: createManualClock('2026-03-13T22:30:00Z'),
    ids: { nextId: () => `id-${++n}` },
  };
}

async function committedRun(deps: ReturnType<typeof world>, rows = 60, partRows?: number) {
  const record = await runAutomation(deps, {
    trigger: 'cli',
    businessDate: '2026-03-13',
    inputs: [
      {
        origin: 'source',
        processingType: 'AUTOMATED',
        records: generateColors({ rows, seed: rows }),
        contentHash: `h${rows}`,
      },
    ],
    ...(partRows ? { partRows } : {}),
  });
  expect(record.status).toBe('success');
  return record;
}

/** Rewrites a stored object's text as a damaged disk or a hand edit would. */
async function edit(store: ObjectStore, key: string, change: (text: string) => string) {
  const text = decoder.decode((await store.get(key))?.body);
  const changed = change(text);
  expect(changed).not.toBe(text);
  await store.put(key, encoder.encode(changed));
}

/** Rewrites a row partition's lines and stores them compressed again (a well-formed edit). */
async function editRows(store: ObjectStore, key: string, change: (text: string) => string) {
  const format = key.endsWith('.zlib') ? 'jsonl.zlib' : 'jsonl';
  const lines = decodeRowPartition(key, (await store.get(key))?.body as Uint8Array, format);
  const text = `${lines.join('\n')}\n`;
  const changed = change(text);
  expect(changed).not.toBe(text);
  await store.put(key, await encodeRowPartition(changed.split('\n').filter(Boolean), format));
}

describe('run rows are checked against the commit record', () => {
  it('records the line count and SHA-256 of each partition, the excluded rows and the row errors', async () => {
    const deps = world();
    const record = await committedRun(deps, 120, 50);
    const stored = await readRunRecord(deps.store, record.id);
    expect(stored?.objects?.rowParts).toHaveLength(3);
    for (const [p, digest] of (stored?.objects?.rowParts ?? []).entries()) {
      const body = (await deps.store.get(runKeys(record.id).rowsPart(p)))?.body as Uint8Array;
      expect(digest).toEqual({
        count: decodeRowPartition('part', body, 'jsonl.zlib').length,
        sha256: sha256HexPure(body),
      });
    }
    const errors = (await deps.store.get(runKeys(record.id).rowErrors))?.body as Uint8Array;
    expect(stored?.objects?.rowErrors.sha256).toBe(sha256HexPure(errors));
    const excluded = (await deps.store.get(runKeys(record.id).excludedRows()))?.body as Uint8Array;
    expect(stored?.objects?.excluded).toEqual({
      count: record.counts.excluded,
      sha256: sha256HexPure(excluded),
    });
    expect(await readRunRows(deps.store, record)).toHaveLength(record.counts.output);
  });

  it('refuses a partition with one flipped digit, naming the key, instead of serving it', async () => {
    const deps = world();
    const record = await committedRun(deps);
    const key = runKeys(record.id).rowsPart(0);
    const px = String((await readRunRows(deps.store, record))[0]?.PX);
    await editRows(deps.store, key, (t) => t.replace(`"PX":${px}`, `"PX":1${px.slice(1)}`));
    await expect(readRunRows(deps.store, record)).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringContaining(`stored object ${key} is damaged`),
      details: { key },
    });
  });

  it('refuses a partition with a line deleted, or missing, naming the key', async () => {
    const deps = world();
    const record = await committedRun(deps);
    const key = runKeys(record.id).rowsPart(0);
    const original = (await deps.store.get(key))?.body as Uint8Array;
    await editRows(deps.store, key, (t) => t.split('\n').slice(1).join('\n'));
    await expect(readRunRows(deps.store, record)).rejects.toMatchObject({ details: { key } });
    await deps.store.put(key, original.slice(0, 40));
    await expect(readRunRows(deps.store, record)).rejects.toMatchObject({ details: { key } });
    await deps.store.delete(key);
    await expect(readRunRows(deps.store, record)).rejects.toMatchObject({
      details: { key, reason: 'it is missing' },
    });
    await deps.store.put(key, original);
    expect(await readRunRows(deps.store, record)).toHaveLength(record.counts.output);
  });

  it('still reads runs committed before checksums and compression, and checks their row count', async () => {
    const deps = world();
    const { objects: _, rowFormat: __, ...legacy } = await committedRun(deps);
    // A run as stored before issue 15: plain JSON lines, a commit record naming no format.
    const rows = await readRunRows(deps.store, { ...legacy, rowFormat: 'jsonl.zlib' });
    const key = runKeys(legacy.id).rowsPart(0, 'jsonl');
    await deps.store.put(
      key,
      await encodeRowPartition(
        rows.map((r) => JSON.stringify(r)),
        'jsonl',
      ),
    );
    await deps.store.delete(runKeys(legacy.id).rowsPart(0));
    await deps.store.put(runKeys(legacy.id).commit, encodeDocument(1, legacy));
    const record = await readRunRecord(deps.store, legacy.id);
    expect(record?.objects).toBeUndefined();
    expect(await readRunRows(deps.store, legacy)).toEqual(rows);
    await edit(deps.store, key, (t) => t.split('\n').slice(1).join('\n'));
    await expect(readRunRows(deps.store, legacy)).rejects.toMatchObject({ details: { key } });
  });
});

describe('listing runs', () => {
  it('does not depend on the RUN_ID counter: a counter that went back hides no run', async () => {
    const deps = world();
    await committedRun(deps, 10);
    await committedRun(deps, 11);
    await deps.store.put(RUN_ID_COUNTER, encodeDocument(9, { last: 1 }));
    expect((await listRuns(deps.store)).map((r) => [r.id, r.state])).toEqual([
      [2, 'committed'],
      [1, 'committed'],
    ]);
    await deps.store.put(RUN_ID_COUNTER, encoder.encode('{"generation":'));
    expect((await listRuns(deps.store)).map((r) => r.id)).toEqual([2, 1]);
  });

  it('lists a run whose commit record cannot be read as unreadable, with the key, and the others as they are', async () => {
    const deps = world();
    await committedRun(deps, 10);
    await committedRun(deps, 11);
    await committedRun(deps, 12);
    const key = runKeys(2).commit;
    await edit(deps.store, key, (t) => t.slice(0, 40));
    const listed = await listRuns(deps.store);
    expect(listed.map((r) => r.state)).toEqual(['committed', 'unreadable', 'committed']);
    expect(listed[1]).toMatchObject({ id: 2, state: 'unreadable', key });
    expect(listed[1]?.state === 'unreadable' && listed[1].reason).toMatch(/not valid JSON/);
  });
});
