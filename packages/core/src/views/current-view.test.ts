import fc from 'fast-check';
import { unzlibSync, zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { ColorRecord } from '../parse/record.js';
import type { ObjectStore } from '../ports/object-store.js';
import { type RunInput, runAutomation } from '../run/run-automation.js';
import { listRuns } from '../run/run-queries.js';
import { generateColors } from '../sample/generate-colors.js';
import { searchCurrentView } from '../search/search-view.js';
import { encodeDocument } from '../store/json-document.js';
import { runKeys } from '../store/layout.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemoryStore } from '../testing/memory-store.js';
import {
  checkCurrentView,
  readCurrentView,
  rebuildCurrentView,
  refreshCurrentView,
  setRunHidden,
} from './current-view.js';

function world(store: ObjectStore = createMemoryStore()) {
  let n = 0;
  return {
    store,
    clock: createManualClock('2026-03-13T22:30:00Z'),
    ids: { nextId: () => `id-${++n}` },
  };
}
const source = (records: ColorRecord[], hash: string): RunInput => ({
  origin: 'source',
  processingType: 'AUTOMATED',
  records,
  contentHash: hash,
});
const run = (deps: ReturnType<typeof world>, records: ColorRecord[], hash: string) =>
  runAutomation(deps, {
    trigger: 'cli',
    businessDate: '2026-03-13',
    inputs: [source(records, hash)],
  });

describe('current view', () => {
  const day1 = generateColors({ rows: 400, seed: 21 });
  const cusips = [...new Set(day1.map((r) => r.CUSIP))];
  const overlap = new Set(cusips.slice(0, 20));
  const day2 = [
    ...day1.filter((r) => overlap.has(r.CUSIP)).map((r) => ({ ...r, PX: 50 })),
    ...generateColors({ rows: 100, seed: 22 }),
  ];

  it('shows, per CUSIP, the rows of the latest visible run that has it; hide and restore move it back and forth', async () => {
    const deps = world();
    const first = await run(deps, day1, 'h1');
    const second = await run(deps, day2, 'h2');
    const { manifest, rows } = await readCurrentView(deps.store);
    expect(manifest).toMatchObject({ version: 2, throughRunId: second.id });
    const runOf = new Map<string, Set<number>>();
    for (const r of rows) runOf.set(r.CUSIP, (runOf.get(r.CUSIP) ?? new Set()).add(r.RUN_ID));
    expect([...runOf.values()].every((s) => s.size === 1)).toBe(true);
    for (const c of overlap) expect([...(runOf.get(c) ?? [])]).toEqual([second.id]);
    expect([...(runOf.get(cusips[30] as string) ?? [])]).toEqual([first.id]);
    expect(rows).toHaveLength(
      second.counts.output + day1.filter((r) => !overlap.has(r.CUSIP)).length,
    );
    for (const c of runOf.keys())
      expect(rows.filter((r) => r.CUSIP === c && r.IS_PARENT)).toHaveLength(1);

    await setRunHidden(deps, second.id, true, 'alice');
    const hidden = await readCurrentView(deps.store);
    expect(hidden.rows.every((r) => r.RUN_ID === first.id)).toBe(true);
    expect(hidden.rows).toHaveLength(first.counts.output);
    await expect(setRunHidden(deps, second.id, true)).rejects.toMatchObject({ code: 'CONFLICT' });
    await setRunHidden(deps, second.id, false);
    expect((await readCurrentView(deps.store)).rows).toHaveLength(rows.length);
    await expect(setRunHidden(deps, 99, true)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('is the same, byte for byte, whether built from the rows a run hands over or read back from the store', async () => {
    const deps = world();
    await run(deps, day1, 'h1');
    await run(deps, day2, 'h2');
    const viewText = async () => {
      const parts: string[] = [];
      for await (const { key } of deps.store.list('views/current/'))
        parts.push(new TextDecoder().decode((await deps.store.get(key))?.body));
      return parts.join('\n');
    };
    const handedOver = await viewText();
    const { rows } = await readCurrentView(deps.store);
    await rebuildCurrentView(deps.store, deps.clock); // reads every run's rows from the store
    expect(await viewText()).toBe(handedOver);
    expect((await readCurrentView(deps.store)).rows).toEqual(rows);
  });

  it('catches up when a process died between its commit and the view refresh', async () => {
    const deps = world();
    await run(deps, day1, 'h1');
    let reached = false;
    void runAutomation(
      {
        ...deps,
        probe: { host: 'h', pid: 9, bootId: 'b', isAlive: () => false },
        failpoints: {
          hit: (step) => {
            if (step !== 'run.after-commit') return undefined;
            reached = true;
            return new Promise<void>(() => undefined);
          },
        },
      },
      { trigger: 'cli', businessDate: '2026-03-13', inputs: [source(day2, 'h2')] },
    );
    while (!reached) await new Promise((r) => setImmediate(r));
    expect((await readCurrentView(deps.store)).manifest?.throughRunId).toBe(1);
    const third = await runAutomation(
      { ...deps, probe: { host: 'h', pid: 10, bootId: 'b', isAlive: () => false } },
      {
        trigger: 'cli',
        businessDate: '2026-03-13',
        inputs: [source(generateColors({ rows: 50, seed: 23 }), 'h3')],
      },
    );
    const { manifest, rows } = await readCurrentView(deps.store);
    expect(manifest?.throughRunId).toBe(third.id);
    expect(new Set(rows.map((r) => r.RUN_ID))).toEqual(new Set([1, 2, 3]));
  });

  it('costs the same on the tenth run as on the second (reads follow the view, not the history)', async () => {
    const inner = createMemoryStore();
    let gets = 0;
    const counting: ObjectStore = {
      ...inner,
      get: (key) => {
        gets++;
        return inner.get(key);
      },
      put: inner.put,
      delete: inner.delete,
      list: inner.list,
    };
    const deps = world(counting);
    const perRun: number[] = [];
    for (let i = 1; i <= 10; i++) {
      gets = 0;
      await run(deps, day1, `same-day-${i}`);
      perRun.push(gets);
    }
    expect(perRun[9]).toBeLessThanOrEqual((perRun[1] as number) + 2);
  });
});

describe('current view after a failed run', () => {
  it('advances past it without rewriting the rows or changing the data version', async () => {
    const deps = world();
    await run(deps, generateColors({ rows: 60, seed: 41 }), 'ok');
    const before = await readCurrentView(deps.store);
    const badRules = {
      rules: [{ id: 'x', name: 'X', active: true, when: { field: 'NOPE', op: 'eq', value: 1 } }],
    };
    await deps.store.put(
      'config/rules.json',
      new TextEncoder().encode(JSON.stringify({ generation: 1, value: badRules })),
    );
    const failed = await run(deps, generateColors({ rows: 10, seed: 42 }), 'bad');
    expect(failed.status).toBe('failed');
    const { manifest } = await refreshCurrentView(deps.store, deps.clock);
    expect(manifest).toMatchObject({
      version: before.manifest?.version,
      throughRunId: failed.id,
      index: (before.manifest as { index?: unknown }).index,
    });
    expect((await readCurrentView(deps.store)).rows).toEqual(before.rows);
  });
});

describe('a damaged current view', () => {
  const day1 = generateColors({ rows: 300, seed: 31 });
  const day2 = generateColors({ rows: 200, seed: 32 });
  const edit = async (store: ObjectStore, key: string, change: (t: string) => string) => {
    const text = new TextDecoder().decode((await store.get(key))?.body);
    await store.put(key, new TextEncoder().encode(change(text)));
  };

  it.each([
    [
      'a truncated index',
      'views/current/v00000002/index.jsonl.zlib',
      (b: Uint8Array) => b.slice(0, b.length / 2),
    ],
    [
      'an index with one changed byte',
      'views/current/v00000002/index.jsonl.zlib',
      (b: Uint8Array) => b.map((x, i) => (i === b.length - 5 ? x ^ 1 : x)),
    ],
    [
      'an index that names another run',
      'views/current/v00000002/index.jsonl.zlib',
      (b: Uint8Array) =>
        zlibSync(
          new TextEncoder().encode(
            new TextDecoder().decode(unzlibSync(b)).replace('"run":2', '"run":7'),
          ),
        ),
    ],
    ['a truncated manifest', 'views/current.json', (b: Uint8Array) => b.slice(0, 30)],
  ])(
    '%s: reads rebuild it from the committed runs, the next run writes it anew and says so',
    async (_name, key, change) => {
      const deps = world();
      await run(deps, day1, 'h1');
      await run(deps, day2, 'h2');
      const good = await readCurrentView(deps.store);
      await deps.store.put(key, change((await deps.store.get(key))?.body as Uint8Array));

      const read = await readCurrentView(deps.store);
      expect(read.rows).toEqual(good.rows);
      expect(read.damaged).toMatchObject({ key });
      expect(
        (await searchCurrentView(deps.store, good.rows[0]?.CUSIP as string)).rows.length,
      ).toBeGreaterThan(0);
      expect(await checkCurrentView(deps.store)).toMatchObject({ state: 'damaged', key });

      const third = await run(deps, generateColors({ rows: 50, seed: 33 }), 'h3');
      expect(third.status).toBe('success');
      expect(third.warnings).toEqual([expect.stringContaining(`current view was damaged (${key}`)]);
      const after = await readCurrentView(deps.store);
      expect(after.damaged).toBeUndefined();
      expect(after.manifest?.version).toBeGreaterThan(good.manifest?.version ?? 0);
      expect(await checkCurrentView(deps.store)).toMatchObject({ state: 'ok' });
      // The same rows as a view built from scratch.
      await rebuildCurrentView(deps.store, deps.clock);
      expect((await readCurrentView(deps.store)).rows).toEqual(after.rows);
    },
  );

  it('names the run when a committed run cannot be read either, instead of showing less', async () => {
    const deps = world();
    const first = await run(deps, day1, 'h1');
    await run(deps, day2, 'h2');
    await edit(deps.store, 'views/current.json', (t) => t.slice(0, 30));
    const part = runKeys(first.id).rowsPart(0);
    await edit(deps.store, part, (t) => t.slice(0, 100));
    await expect(readCurrentView(deps.store)).rejects.toMatchObject({
      code: 'INTERNAL',
      details: { key: part },
    });
  });
});

describe('the current view by reference', () => {
  it('hide and restore in any order give the view a rebuild from scratch gives', async () => {
    // Five runs over overlapping securities (each a different slice of one pool).
    const pool = generateColors({ rows: 600, seed: 51 });
    const deps = world();
    for (let i = 0; i < 5; i++) await run(deps, pool.slice(i * 90, i * 90 + 200), `r${i}`);
    const fromScratch = async () => {
      const scratch = world(createMemoryStore());
      for await (const { key } of deps.store.list(''))
        if (!key.startsWith('views/'))
          await scratch.store.put(key, (await deps.store.get(key))?.body as Uint8Array);
      await rebuildCurrentView(scratch.store, scratch.clock);
      return (await readCurrentView(scratch.store)).rows;
    };
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 6 }), async (ids) => {
        for (const id of ids) {
          const hidden = (await listRuns(deps.store)).some(
            (r) => r.id === id && r.state === 'committed' && r.hidden,
          );
          await setRunHidden(deps, id, !hidden);
          expect((await readCurrentView(deps.store)).rows).toEqual(await fromScratch());
        }
      }),
      { numRuns: 8 },
    );
  });

  it('a small run after a big day writes about its own size, not the view', async () => {
    const inner = createMemoryStore();
    let written = 0;
    const counting: ObjectStore = {
      ...inner,
      get: inner.get,
      put: (key, body, cond) => {
        written += body.length;
        return inner.put(key, body, cond);
      },
      delete: inner.delete,
      list: inner.list,
    };
    const deps = world(counting);
    await run(deps, generateColors({ rows: 20_000, seed: 61 }), 'big');
    const big = written;
    written = 0;
    const small = await run(deps, generateColors({ rows: 200, seed: 62 }), 'small');
    expect(small.status).toBe('success');
    expect((await readCurrentView(deps.store)).rows.length).toBeGreaterThan(20_000);
    // The small run's partition and records, and the view's index (a few bytes per CUSIP).
    expect(written).toBeLessThan(big / 10);
  });

  it('reads a view stored as a copy of its rows (before issue 15), and the next run replaces it by an index', async () => {
    const deps = world();
    await run(deps, generateColors({ rows: 300, seed: 71 }), 'a');
    const { rows } = await readCurrentView(deps.store);
    // The view as stored before issue 15: its rows copied into a part, a manifest naming parts.
    const text = new TextEncoder().encode(rows.map((r) => JSON.stringify(r)).join('\n'));
    await deps.store.put('views/current/v00000001/00000.jsonl', text);
    await deps.store.delete('views/current/v00000001/index.jsonl.zlib');
    await deps.store.put(
      'views/current.json',
      encodeDocument(5, { version: 1, throughRunId: 1, parts: 1, rows: rows.length, builtAt: 'x' }),
    );
    expect((await readCurrentView(deps.store)).rows).toEqual(rows);
    await run(deps, generateColors({ rows: 100, seed: 72 }), 'b');
    const after = await readCurrentView(deps.store);
    expect(after.manifest).toMatchObject({ format: 2, version: 2, throughRunId: 2 });
    expect(await deps.store.get('views/current/v00000001/00000.jsonl')).toBeNull();
    await rebuildCurrentView(deps.store, deps.clock);
    expect((await readCurrentView(deps.store)).rows).toEqual(after.rows);
  });
});
