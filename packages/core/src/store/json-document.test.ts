import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createMemoryStore } from '../testing/memory-store.js';
import { allocateNumber } from './counter.js';
import { createDocument, readDocument, updateDocument } from './json-document.js';

const schema = z.object({ count: z.number().int(), note: z.string().optional() });
const bytes = (s: string) => new TextEncoder().encode(s);

describe('JSON documents', () => {
  it('creates once, reads back validated, and refuses a second create', async () => {
    const store = createMemoryStore();
    expect(await readDocument(store, 'docs/a.json', schema)).toBeNull();
    const created = await createDocument(store, 'docs/a.json', { count: 1 });
    expect(await readDocument(store, 'docs/a.json', schema)).toEqual({
      value: { count: 1 },
      etag: created.etag,
      generation: 1,
    });
    await expect(createDocument(store, 'docs/a.json', { count: 2 })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('loses no update among 25 concurrent read-change-writes', async () => {
    const store = createMemoryStore();
    await Promise.all(
      Array.from({ length: 25 }, () =>
        updateDocument(store, 'docs/n.json', schema, (c) => ({ count: (c?.count ?? 0) + 1 })),
      ),
    );
    expect((await readDocument(store, 'docs/n.json', schema))?.value.count).toBe(25);
  });

  it('changes the ETag even when the value is rewritten unchanged (generation)', async () => {
    const store = createMemoryStore();
    const first = await updateDocument(store, 'docs/g.json', schema, () => ({ count: 7 }));
    const second = await updateDocument(store, 'docs/g.json', schema, () => ({ count: 7 }));
    expect(second.etag).not.toBe(first.etag);
    expect((await readDocument(store, 'docs/g.json', schema))?.generation).toBe(2);
  });

  it('writes nothing when the change returns undefined', async () => {
    const store = createMemoryStore();
    const outcome = await updateDocument(store, 'docs/none.json', schema, () => undefined);
    expect(outcome.written).toBe(false);
    expect(await store.get('docs/none.json')).toBeNull();
  });

  it('refuses to store an invalid value and keeps the old one', async () => {
    const store = createMemoryStore();
    await createDocument(store, 'docs/v.json', { count: 1 });
    await expect(
      updateDocument(store, 'docs/v.json', schema, () => ({ count: 1.5 })),
    ).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    expect((await readDocument(store, 'docs/v.json', schema))?.value).toEqual({ count: 1 });
  });

  it('reports a corrupt or foreign stored document as INTERNAL, naming the key', async () => {
    const store = createMemoryStore();
    await store.put('docs/bad.json', bytes('{not json'));
    await expect(readDocument(store, 'docs/bad.json', schema)).rejects.toMatchObject({
      code: 'INTERNAL',
      details: { key: 'docs/bad.json' },
    });
    await store.put('docs/old.json', bytes('{"count":1}'));
    await expect(readDocument(store, 'docs/old.json', schema)).rejects.toMatchObject({
      code: 'INTERNAL',
    });
    await store.put('docs/shape.json', bytes('{"generation":1,"value":{"count":"x"}}'));
    await expect(readDocument(store, 'docs/shape.json', schema)).rejects.toMatchObject({
      code: 'INTERNAL',
    });
  });

  it('gives up with CONFLICT when the document keeps changing', async () => {
    const store = createMemoryStore();
    await createDocument(store, 'docs/busy.json', { count: 0 });
    let n = 0;
    const outcome = updateDocument(
      store,
      'docs/busy.json',
      schema,
      (c) => {
        // Another writer slips in before each of our writes.
        void store.put(
          'docs/busy.json',
          bytes(JSON.stringify({ generation: 100 + n, value: { count: ++n } })),
        );
        return { count: (c?.count ?? 0) + 1 };
      },
      { attempts: 3 },
    );
    await expect(outcome).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});

describe('allocateNumber', () => {
  it('hands out 1..n, each once, to concurrent callers', async () => {
    const store = createMemoryStore();
    const numbers = await Promise.all(
      Array.from({ length: 40 }, () => allocateNumber(store, 'counters/run-id.json')),
    );
    expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(await allocateNumber(store, 'counters/run-id.json')).toBe(41);
  });
});
