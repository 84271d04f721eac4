// Issue 10 item 8: a full disk after the commit. The run exists from its commit on, so whatever
// fails after it (the view, the run index, the exports, the lease) is a warning on a successful
// run, and the pipeline lease is released.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createPipeline,
  type ExportSink,
  listRuns,
  MarketPulseError,
  type ObjectStore,
  readCurrentView,
  type Timers,
} from '@market-pulse/core';
import { createLeases, PIPELINE_LEASE } from '@market-pulse/core/store';
import {
  colorsToTable,
  createManualClock,
  generateColors,
  tableSource,
} from '@market-pulse/core/testing';
import { afterEach, expect, it } from 'vitest';
import { createFileStore } from '../src/file-store.js';
import { createFolderSink } from '../src/index.js';
import { spreadsheetCodec } from '../src/spreadsheets/index.js';

const timers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const enospc = () => new MarketPulseError('UNAVAILABLE', 'file store I/O failed (ENOSPC)');

/** The disk fills up once the first commit record is written: later puts and export writes fail. */
function fullDiskAfterCommit(inner: ObjectStore, sink: ExportSink) {
  const disk = { full: false, filled: false };
  const store: ObjectStore = {
    get: (key) => inner.get(key),
    list: (prefix, options) => inner.list(prefix, options),
    delete: (key, condition) => inner.delete(key, condition),
    async put(key, body, condition) {
      if (disk.full) throw enospc();
      const written = await inner.put(key, body, condition);
      if (key.endsWith('/commit.json') && !disk.filled) {
        disk.full = true;
        disk.filled = true;
      }
      return written;
    },
  };
  const fullSink: ExportSink = {
    ...sink,
    async write(name, bytes) {
      if (disk.full) throw enospc();
      return sink.write(name, bytes);
    },
  };
  return { store, sink: fullSink, disk };
}

it('a full disk after the commit: the run succeeds with warnings, the lease is released, the next run catches up', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mp-full-disk-'));
  dirs.push(dir);
  const inner = createFileStore({ dir: join(dir, 'store'), durable: false });
  const { store, sink, disk } = fullDiskAfterCommit(inner, createFolderSink(join(dir, 'exports')));
  const clock = createManualClock('2026-03-13T22:30:00Z');
  let n = 0;
  const { header, rows } = colorsToTable(generateColors({ rows: 300, seed: 8 }));
  const pipeline = createPipeline({
    store,
    clock,
    ids: { nextId: () => `id-${++n}` },
    timers,
    sink,
    codec: spreadsheetCodec,
    settings: { businessTimeZone: 'America/New_York' },
    source: tableSource('colors', [header, ...rows]),
  });

  const result = await pipeline.run({ requestedBy: 'cli:tester', trigger: 'cli' });
  expect(result.record.status).toBe('success');
  expect(result.record.warnings).toEqual([
    expect.stringMatching(/^current view not refreshed: .*ENOSPC/),
    expect.stringMatching(/^run index not updated .*ENOSPC/),
  ]);
  expect(result.warnings).toEqual([expect.stringMatching(/^exports not refreshed .*ENOSPC/)]);
  const leases = createLeases({ store: inner, clock, ttlMs: 60_000 });
  expect(await leases.inspect(PIPELINE_LEASE)).toBeNull();
  expect((await listRuns(inner))[0]).toMatchObject({ id: 1, state: 'committed' });

  // Space again: the next run brings the view and the exports up to date.
  disk.full = false;
  clock.advance(60_000);
  const next = await pipeline.run({ requestedBy: 'cli:tester', trigger: 'cli' });
  expect([next.record.status, next.record.warnings, next.warnings]).toEqual(['success', [], []]);
  expect((await readCurrentView(inner)).manifest?.throughRunId).toBe(2);
});
