// A second writer of the standing files (an export lane): it writes its share from its own read of
// the view, the files come out as on one thread, and a lane that fails fails the refresh only once
// this thread's files are done, leaving the exports recorded as lagging.
import { describe, expect, it } from 'vitest';
import { createPipeline } from '../pipeline/pipeline.js';
import type { SpreadsheetCodec } from '../ports/spreadsheet-codec.js';
import { colorsToTable, generateColors } from '../sample/index.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemorySink, type MemorySink } from '../testing/memory-sink.js';
import { createMemoryStore } from '../testing/memory-store.js';
import { tableSource } from '../testing/table-source.js';
import type { ExportLane, ExportLaneJob } from './export-lane.js';
import { exportsLag } from './exports-state.js';
import { type ExportDependencies, refreshExports } from './refresh-exports.js';
import { OUTPUT_WORKBOOK } from './standing-set.js';
import { writeStandingFiles } from './write-standing-files.js';

const encoder = new TextEncoder();
/** Each sheet's rows by identity: enough to tell which rows went into which file, in order. */
const codec: SpreadsheetCodec = {
  async *write(format, sheets, layout) {
    yield encoder.encode(`${format} ${layout.columns.join(',')}\n`);
    for (const sheet of sheets)
      for await (const row of sheet.rows)
        yield encoder.encode(`${sheet.name}\t${row.RUN_ID}\t${row.CUSIP}\t${row.ROW_ID}\n`);
  },
};
const timers = { setTimeout, clearTimeout };

async function committedView() {
  const store = createMemoryStore();
  const clock = createManualClock('2026-11-23T22:00:00Z');
  let n = 0;
  const ids = { nextId: () => `id-${++n}` };
  const table = colorsToTable(generateColors({ rows: 300, seed: 7, businessDate: '2026-11-23' }));
  const pipeline = createPipeline({
    store,
    clock,
    ids,
    timers,
    codec,
    sink: createMemorySink(),
    settings: { businessTimeZone: 'America/New_York' },
    source: tableSource('colors', [table.header, ...table.rows]),
  });
  await pipeline.run({ trigger: 'cli', requestedBy: 'test' });
  return { store, clock, ids, timers, codec };
}

type World = Awaited<ReturnType<typeof committedView>>;

/** A lane on this thread over its own sink object for the same files, as a worker opens its own. */
function inProcessLane(world: World, sink: MemorySink, jobs: ExportLaneJob[]): ExportLane {
  return {
    write: (job) => {
      jobs.push(job);
      return writeStandingFiles({ store: world.store, sink, codec }, job.files, job.layout);
    },
    close: async () => undefined,
  };
}

const asText = (files: Map<string, Uint8Array>) =>
  new Map([...files].map(([name, bytes]) => [name, new TextDecoder().decode(bytes)]));

describe('an export lane', () => {
  it('writes the per-sector files from its own read of the view; the files are those of one thread', async () => {
    const world = await committedView();
    const alone = createMemorySink();
    await refreshExports({ ...world, sink: alone });

    const shared = createMemorySink();
    const jobs: ExportLaneJob[] = [];
    const sizes: number[] = [];
    const result = await refreshExports({
      ...world,
      sink: shared,
      lane: (rows) => {
        sizes.push(rows);
        return inProcessLane(world, shared, jobs);
      },
    });
    expect(result.upToDate).toBe(true);
    expect(sizes).toEqual([result.rows]);
    expect(jobs).toHaveLength(1);
    const laneFiles = jobs[0]?.files.map((f) => f.name) ?? [];
    expect(laneFiles.length).toBeGreaterThan(1);
    expect(laneFiles).not.toContain(OUTPUT_WORKBOOK);
    expect(laneFiles.every((name) => name.startsWith('processed_colors/'))).toBe(true);
    expect(asText(shared.files())).toEqual(asText(alone.files()));
  });

  it('fails the refresh after this thread wrote its files, and leaves the exports lagging', async () => {
    const world = await committedView();
    const sink = createMemorySink();
    // A first refresh records every file; a second one over a changed view will rewrite some.
    await refreshExports({ ...world, sink });
    const before = asText(sink.files());
    await sink.remove(OUTPUT_WORKBOOK);
    let closed = 0;
    let outputWrittenWhenLaneFailed: boolean | undefined;
    const failingLane: ExportLane = {
      async write() {
        // The lane dies at once; this thread is still writing the output workbook.
        outputWrittenWhenLaneFailed = sink.files().has(OUTPUT_WORKBOOK);
        throw Object.assign(new Error('worker ended (test)'), { code: 'ERR_WORKER' });
      },
      close: async () => void closed++,
    };
    // Every file rewritten: the per-sector ones too go to the lane.
    const names = [...before.keys()].filter((name) => name.startsWith('processed_colors/'));
    for (const name of names) await sink.remove(name);
    await expect(refreshExports({ ...world, sink, lane: () => failingLane })).rejects.toMatchObject(
      {
        code: 'ERR_WORKER',
      },
    );
    expect(outputWrittenWhenLaneFailed).toBe(false);
    // The refresh waited for this thread's file before failing.
    expect(sink.files().has(OUTPUT_WORKBOOK)).toBe(true);
    expect(closed).toBe(1);
    const lag = await exportsLag(world.store, sink, ['csv']);
    expect(lag).toMatchObject({ lagging: true, reason: 'no-record' });

    // The next refresh (no lane) rewrites what the failed one was writing and is up to date.
    const next = await refreshExports({ ...world, sink });
    expect(next.upToDate).toBe(true);
    expect(next.written).toEqual(expect.arrayContaining([OUTPUT_WORKBOOK, ...names]));
    expect(asText(sink.files())).toEqual(before);
    expect((await exportsLag(world.store, sink, ['csv'])).lagging).toBe(false);
  });

  it('is closed when the refresh fails before writing', async () => {
    const world = await committedView();
    let closed = 0;
    const sink = createMemorySink();
    const failingSink = {
      ...sink,
      list: () => {
        throw new Error('sink unreachable (test)');
      },
    };
    const lane: ExportLane = { write: async () => [], close: async () => void closed++ };
    await expect(
      refreshExports({ ...world, sink: failingSink, lane: () => lane } as ExportDependencies),
    ).rejects.toThrow(/sink unreachable/);
    expect(closed).toBe(1);
  });
});
