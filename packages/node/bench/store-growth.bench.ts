/**
 * What the store grows by (issue 15 item 2), on the file store with the Node host's compression:
 * the bytes a 2,000-row run writes after a big day (target ≤ 5 MB after 200,000 rows: it writes
 * about its own size, not the view), the stored bytes per row after one big run (target ≤ 100 B
 * besides exports), and the bytes each of `--runs` later runs of `--run-rows` rows writes over that
 * big view (target: in proportion to the run, not the view). Exports are not part of the store:
 * `exports-growth.bench.ts` measures them. Prints one JSON object per measurement.
 *
 *   node --expose-gc --import tsx bench/store-growth.bench.ts [--day 200000] [--big 1000000]
 *     [--runs 9] [--run-rows 100000]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initializeStore, type ObjectStore, runAutomation } from '@market-pulse/core';
import { generateColors, REALISTIC_RULES } from '@market-pulse/core/sample';
import { createFileStore, nativeCompress, systemClock } from '@market-pulse/node';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const DAY = arg('--day', 200_000);
const BIG = arg('--big', 1_000_000);
const RUNS = arg('--runs', 9);
const RUN_ROWS = arg('--run-rows', 100_000);

/** A store that counts the bytes put through it. */
function counting(inner: ObjectStore) {
  const counter = { bytes: 0 };
  const store: ObjectStore = {
    get: (key) => inner.get(key),
    put: (key, body, cond) => {
      counter.bytes += body.length;
      return inner.put(key, body, cond);
    },
    delete: (key, cond) => inner.delete(key, cond),
    list: (prefix, opts) => inner.list(prefix, opts),
  };
  return { store, counter };
}

async function storedBytes(store: ObjectStore): Promise<number> {
  let bytes = 0;
  for await (const item of store.list('')) bytes += item.size;
  return bytes;
}

async function withStore<T>(work: (store: ObjectStore) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'mp-growth-'));
  try {
    const store = createFileStore({ dir: join(dir, 'store'), durable: false });
    await initializeStore(store, { rules: REALISTIC_RULES });
    return await work(store);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

let n = 0;
const run = (store: ObjectStore, rows: number, seed: number) =>
  runAutomation(
    { store, clock: systemClock, ids: { nextId: () => `growth-${++n}` }, compress: nativeCompress },
    {
      trigger: 'cli',
      businessDate: '2026-03-13',
      inputs: [
        {
          origin: 'source',
          processingType: 'AUTOMATED',
          records: generateColors({ rows, seed, businessDate: '2026-03-13' }),
        },
      ],
    },
  );

await withStore(async (inner) => {
  const { store, counter } = counting(inner);
  await run(store, DAY, 1);
  const dayBytes = counter.bytes;
  counter.bytes = 0;
  const start = performance.now();
  const small = await run(store, 2_000, 2);
  console.log(
    JSON.stringify({
      name: `bytes written by a 2,000-row run after a ${DAY.toLocaleString('en-US')}-row day`,
      dayRows: DAY,
      dayBytesWritten: dayBytes,
      smallRunOutput: small.counts.output,
      smallRunBytesWritten: counter.bytes,
      smallRunMs: Math.round(performance.now() - start),
      targetBytes: 5_000_000,
    }),
  );
});

await withStore(async (inner) => {
  const { store, counter } = counting(inner);
  (globalThis as { gc?: () => void }).gc?.();
  const start = performance.now();
  const record = await run(store, BIG, 3);
  const ms = Math.round(performance.now() - start);
  const bytes = await storedBytes(inner);
  console.log(
    JSON.stringify({
      name: `stored bytes per row after a ${BIG.toLocaleString('en-US')}-row run`,
      rows: record.counts.output,
      storedBytes: bytes,
      bytesPerRow: Math.round(bytes / record.counts.output),
      runMs: ms,
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      targetBytesPerRow: 100,
    }),
  );

  // Later runs over the big view: each writes its own partitions, run record and the view's
  // changed references — the cost should follow the run's rows, not the view's.
  for (let i = 0; i < RUNS; i++) {
    counter.bytes = 0;
    const startRun = performance.now();
    const later = await run(store, RUN_ROWS, 10 + i);
    console.log(
      JSON.stringify({
        name: `bytes written by run ${i + 2} of ${RUN_ROWS.toLocaleString('en-US')} rows over a ${BIG.toLocaleString('en-US')}-row view`,
        run: i + 2,
        runOutput: later.counts.output,
        bytesWritten: counter.bytes,
        bytesPerOutputRow: Math.round(counter.bytes / Math.max(1, later.counts.output)),
        runMs: Math.round(performance.now() - startRun),
      }),
    );
  }
});
