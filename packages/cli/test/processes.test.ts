// Real `market-pulse` processes on one data folder: a kill at every failpoint of the run protocol,
// random SIGKILLs during a run that takes seconds, and two runs forced to overlap.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { listRuns, listUploads, RUN_STEPS, readCurrentView, VIEW_STEPS } from '@market-pulse/core';
import { colorsToTable, generateColors } from '@market-pulse/core/sample';
import { createFileStore } from '@market-pulse/node';
import { describe, expect, it } from 'vitest';
import { cli, useWorkspaces } from './helpers.js';
import { start, stopChildren } from './processes.js';

const workspace = useWorkspaces('mp-proc-', stopChildren);

async function dataFolderWithInputs(rows: number) {
  const dir = await workspace();
  const table = colorsToTable(generateColors({ rows, seed: rows, businessDate: '2026-11-20' }));
  const csv = [
    table.header.join(','),
    ...table.rows.map((r) => r.map((c) => String(c ?? '')).join(',')),
  ].join('\n');
  await writeFile(join(dir, 'source.csv'), csv);
  const upload = colorsToTable(generateColors({ rows: 50, seed: 99 }));
  await writeFile(
    join(dir, 'upload.csv'),
    [
      upload.header.join(','),
      ...upload.rows.map((r) => r.map((c) => String(c ?? '')).join(',')),
    ].join('\n'),
  );
  expect((await cli(dir, ['init'])).code).toBe(0);
  expect((await cli(dir, ['buffer', 'add', 'upload.csv'])).code).toBe(0);
  return dir;
}

/** The invariants after any crash: every stored document parses, the view holds only committed runs' rows. */
async function checkStore(cwd: string) {
  const store = createFileStore({ dir: join(cwd, 'market-pulse-data', 'store') });
  for await (const item of store.list('')) {
    const body = (await store.get(item.key))?.body as Uint8Array;
    const text = new TextDecoder().decode(item.key.endsWith('.zlib') ? inflateSync(body) : body);
    if (item.key.endsWith('.json')) expect(() => JSON.parse(text), item.key).not.toThrow();
    if (item.key.endsWith('.jsonl') || item.key.endsWith('.jsonl.zlib'))
      for (const line of text.split('\n').filter(Boolean)) JSON.parse(line);
  }
  const runs = await listRuns(store);
  const committed = new Set(
    runs.flatMap((r) => (r.state === 'committed' && r.record.status === 'success' ? [r.id] : [])),
  );
  for (const row of (await readCurrentView(store)).rows)
    expect(committed.has(row.RUN_ID)).toBe(true);
  return { store, runs };
}

describe('crash safety of market-pulse run', () => {
  it.each(RUN_STEPS)(
    'killed at %s: nothing partial visible, RUN_ID not reused, upload pending, next run starts at once',
    async (step) => {
      const cwd = await dataFolderWithInputs(600);
      const killed = await start(cwd, ['run', '--source', join(cwd, 'source.csv')], {
        MP_FAILPOINT: `${step}:kill`,
      }).done;
      expect(killed.signal).toBe('SIGKILL');
      const { store, runs } = await checkStore(cwd);
      const uploads = await listUploads(store);
      if (step === 'run.after-commit')
        expect(uploads[0]?.status).toEqual({ state: 'consumed', runId: 1 });
      else {
        expect(uploads[0]?.status).toEqual({ state: 'pending' });
        expect(runs.filter((r) => r.state === 'committed')).toEqual([]);
      }
      const next = await start(cwd, ['run', '--source', join(cwd, 'source.csv'), '--json']).done;
      expect(next.code, next.stderr).toBe(0);
      const record = JSON.parse(next.stdout);
      expect(record.id).toBe(step === 'run.after-lease' ? 1 : 2);
      const after = await checkStore(cwd);
      if (step !== 'run.after-lease') {
        const first = after.runs.find((r) => r.id === 1);
        expect(first?.state === 'committed' && first.record.status).toBe(
          step === 'run.after-commit' ? 'success' : 'failed',
        );
      }
      expect(record.uploadsConsumed).toHaveLength(step === 'run.after-commit' ? 0 : 1);
    },
    180_000, // generous: real processes started with tsx, on a machine that may be busy
  );

  it.each(VIEW_STEPS)(
    'killed at %s of the view update: the run stands, the view reads, the next run catches it up',
    async (step) => {
      const cwd = await dataFolderWithInputs(600);
      const source = join(cwd, 'source.csv');
      expect((await start(cwd, ['run', '--source', source]).done).code).toBe(0);
      const killed = await start(cwd, ['run', '--source', source], {
        MP_FAILPOINT: `${step}:kill`,
      }).done;
      expect(killed.signal).toBe('SIGKILL');
      const { runs } = await checkStore(cwd);
      const second = runs.find((r) => r.id === 2);
      expect(second?.state === 'committed' && second.record.status).toBe('success');
      const next = await start(cwd, ['run', '--source', source, '--json']).done;
      expect(next.code, next.stderr).toBe(0);
      const { store } = await checkStore(cwd);
      const view = await readCurrentView(store);
      // The same source every run: the newest run's rows, and the first run's upload rows only.
      expect(view.manifest?.throughRunId).toBe(3);
      expect(view.rows.filter((r) => r.RUN_ID === 3)).toHaveLength(
        JSON.parse(next.stdout).counts.output,
      );
      const others = view.rows.filter((r) => r.RUN_ID !== 3);
      expect(others.map((r) => `${r.RUN_ID} ${String(r.ORIGIN).slice(0, 7)}`)).toEqual(
        others.map(() => '1 upload:'),
      );
    },
    180_000,
  );

  it('survives 20 SIGKILLs at random moments of a run that takes seconds', async () => {
    const cwd = await dataFolderWithInputs(15_000);
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const seen: number[] = [];
    for (let i = 0; i < 20; i++) {
      const run = start(cwd, ['run', '--source', join(cwd, 'source.csv'), '--json']);
      // Fault injection, not a wait for a result: the kill lands at a seeded random moment.
      const timer = setTimeout(() => run.child.kill('SIGKILL'), Math.floor(random() * 2500));
      const finished = await run.done;
      clearTimeout(timer);
      expect(finished.code === 0 || finished.signal === 'SIGKILL', finished.stderr).toBe(true);
      const { runs } = await checkStore(cwd);
      const ids = runs.map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      seen.push(...ids);
    }
    const last = await start(cwd, ['run', '--source', join(cwd, 'source.csv'), '--json']).done;
    expect(last.code, last.stderr).toBe(0);
    const { runs } = await checkStore(cwd);
    expect(JSON.parse(last.stdout).id).toBe(Math.max(...runs.map((r) => r.id)));
  }, 600_000);
});

describe('two runs on one data folder', () => {
  it('forced to overlap: exactly one runs, the other exits busy (4); RUN_IDs unique, outputs complete', async () => {
    const cwd = await dataFolderWithInputs(400);
    const first = start(cwd, ['run', '--source', join(cwd, 'source.csv'), '--json'], {
      MP_FAILPOINT: 'run.after-running-record:pause',
    });
    await first.stderrIncludes('failpoint run.after-running-record paused');
    const second = await start(cwd, ['run', '--source', join(cwd, 'source.csv')]).done;
    expect(second.code, `${second.stdout}\n${second.stderr}`).toBe(4);
    expect(second.stderr).toMatch(/another run holds the pipeline \(run:1\)/);
    first.child.kill('SIGUSR2');
    const done = await first.done;
    expect(done.code, done.stderr).toBe(0);
    const { runs, store } = await checkStore(cwd);
    expect(runs.map((r) => r.id)).toEqual([1]);
    expect((await readCurrentView(store)).rows.length).toBe(JSON.parse(done.stdout).counts.output);
  }, 180_000);
});
