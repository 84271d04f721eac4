import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addUpload, listUploads, pendingUploadInputs } from '@market-pulse/core';
import { createLeases } from '@market-pulse/core/store';
import { generateColors } from '@market-pulse/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileStore } from '../src/file-store.js';
import { createProcessProbe } from '../src/process-probe.js';
import { systemClock } from '../src/system-clock.js';

const WRITER = fileURLToPath(new URL('./store-writer.ts', import.meta.url));
const TSCONFIG = fileURLToPath(new URL('../tsconfig.json', import.meta.url));
const dirs: string[] = [];
const children: ChildProcess[] = [];

afterEach(async () => {
  // Stop every writer this test started, even when it failed or timed out before its own kill.
  const running = children.splice(0).filter((c) => c.exitCode === null && c.signalCode === null);
  await Promise.all(
    running.map((child) => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      return exited;
    }),
  );
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mp-multi-'));
  dirs.push(dir);
  return dir;
}

function startWriter(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, ...args], {
    env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const done = new Promise<string>((resolve, reject) => {
    child.on('exit', (code, signal) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`writer exited ${code ?? signal}: ${stderr}`));
    });
  });
  return { child, done, output: () => stdout };
}

describe('file store across processes', () => {
  it('loses no compare-and-swap update among 4 processes', async () => {
    const dir = await tempDir();
    await Promise.all(Array.from({ length: 4 }, () => startWriter([dir, 'count', '40']).done));
    const stored = await createFileStore({ dir }).get('counters/n');
    expect(new TextDecoder().decode(stored?.body).split(':')[0]).toBe('160');
  }, 60_000);

  it('lets exactly one of 4 processes win each create', async () => {
    const dir = await tempDir();
    const results = await Promise.all(
      Array.from({ length: 4 }, () => startWriter([dir, 'create', '60']).done),
    );
    const wins = results.flatMap((r) => JSON.parse(r) as number[]).sort((a, b) => a - b);
    expect(wins).toEqual(Array.from({ length: 60 }, (_, i) => i));
  }, 60_000);

  it('never hands out one counter number twice across 4 processes (RUN_IDs)', async () => {
    const dir = await tempDir();
    const results = await Promise.all(
      Array.from({ length: 4 }, () => startWriter([dir, 'allocate', '25']).done),
    );
    const numbers = results.flatMap((r) => JSON.parse(r) as number[]).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  }, 60_000);

  it('breaks at once the pipeline lease of a killed process, and never that of a live one', async () => {
    const dir = await tempDir();
    const holder = startWriter([dir, 'lease']);
    await new Promise<void>((resolve) =>
      holder.child.stdout.on('data', () => holder.output().includes('held') && resolve()),
    );
    const probe = createProcessProbe();
    const leases = createLeases({
      store: createFileStore({ dir }),
      clock: systemClock,
      ttlMs: 60_000,
      probe,
    });
    expect(
      await leases.tryAcquire('locks/pipeline.json', { id: 'next-run', ...probe }),
    ).toMatchObject({
      acquired: false,
      holder: { pid: holder.child.pid },
    });
    holder.child.kill('SIGKILL');
    await holder.done.catch(() => undefined);
    expect(
      await leases.tryAcquire('locks/pipeline.json', { id: 'next-run', ...probe }),
    ).toMatchObject({
      acquired: true,
      tookOverFrom: { pid: holder.child.pid },
    });
  }, 60_000);

  it('survives writers killed mid-write: every document parses, nothing is locked, temp files are swept', async () => {
    const dir = await tempDir();
    for (let round = 0; round < 5; round++) {
      const writer = startWriter([dir, 'churn']);
      // Kill after a different number of completed writes each round, somewhere inside the next one.
      const target = `wrote ${5 + round * 11}\n`;
      await new Promise<void>((resolve) => {
        const onData = () => {
          if (writer.output().includes(target)) {
            writer.child.stdout.off('data', onData);
            resolve();
          }
        };
        writer.child.stdout.on('data', onData);
      });
      const store = createFileStore({ dir });
      writer.child.kill('SIGKILL');
      await writer.done.catch(() => undefined);
      for await (const item of store.list('churn/')) {
        const doc = await store.get(item.key);
        expect(() => JSON.parse(new TextDecoder().decode(doc?.body))).not.toThrow();
      }
      // No lock to wait for: a compare-and-swap right after the kill succeeds at once.
      const current = await store.get('churn/0');
      await store.put('churn/0', new TextEncoder().encode('{"i":-1}'), {
        ifMatch: current?.etag as string,
      });
    }
    // A fresh writer sweeps the dead writers' temp files.
    await startWriter([dir, 'count', '1']).done;
    const leftovers = await readdir(join(dir, 'tmp')).catch(() => []);
    expect(leftovers).toEqual([]);
  }, 60_000);

  it('accepts exactly one of one file added by 5 processes at once (issue 10 item 4)', async () => {
    for (let round = 0; round < 2; round++) {
      const dir = await tempDir();
      const writers = Array.from({ length: 5 }, () => startWriter([dir, 'upload', '2']));
      await Promise.all(
        writers.map(
          (w) =>
            new Promise<void>((resolve) => {
              const onData = () => {
                if (w.output().includes('ready')) {
                  w.child.stdout.off('data', onData);
                  resolve();
                }
              };
              w.child.stdout.on('data', onData);
              onData();
            }),
        ),
      );
      for (const w of writers) w.child.stdin?.write('go\n');
      const outputs = await Promise.all(writers.map((w) => w.done));
      const accepted = outputs.map((o) => Number(/accepted (\d+)/.exec(o)?.[1]));
      expect(accepted.reduce((a, b) => a + b, 0)).toBe(1);
      const store = createFileStore({ dir });
      expect((await listUploads(store)).map((u) => u.status.state)).toEqual(['pending']);
      expect(await pendingUploadInputs(store)).toHaveLength(1);
    }
  }, 120_000);

  it('accepts exactly one of one file added 8 times at once by one process on the file store', async () => {
    const dir = await tempDir();
    const store = createFileStore({ dir, durable: false });
    let n = 0;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, () =>
        addUpload(
          { store, clock: systemClock, ids: { nextId: () => `u${++n}` } },
          {
            fileName: 'same.csv',
            bytes: new TextEncoder().encode('the same file'),
            contentHash: 'same-content',
            parsed: { records: generateColors({ rows: 20, seed: 4 }), errors: [], notices: [] },
          },
        ),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect((await listUploads(store)).map((u) => u.status.state)).toEqual(['pending']);
  }, 60_000);
});
