/**
 * What a run with its standing exports costs (issue 15 items 3 and 4). Prints one JSON object per
 * measurement:
 * - `cli-peak-rss`: a spawned `market-pulse run --source <csv>` of `--big` rows (default 1,000,000;
 *   core's sample generator, cached in the temp folder) on a fresh data folder, with its exports,
 *   measured by `/usr/bin/time -v` (target < 1 GB);
 * - `later-runs`: after a `--big`-row first run, `--runs` runs (default 9) of `--run-rows` rows
 *   (default 100,000) each: bytes written to the store and to the exports by each, and the files
 *   rewritten (the store's bytes follow the run; the exports' follow the output workbook, which
 *   holds the whole view);
 * - `small-after-day`: a 2,000-row run after a `--day`-row day (default 200,000), exports included.
 *
 *   pnpm --filter @market-pulse/node build && node --expose-gc --max-old-space-size=6144 \
 *     --import tsx bench/exports-growth.bench.ts [--big N] [--runs N] [--run-rows N] [--day N] [--only a,b,c]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type ColorRecord,
  type ExportSink,
  initializeStore,
  type ObjectStore,
  refreshExports,
  runAutomation,
} from '@market-pulse/core';
import { generateColors, REALISTIC_RULES } from '@market-pulse/core/sample';
import {
  createFileStore,
  createFolderSink,
  createProcessProbe,
  nativeCompress,
  randomIds,
  spreadsheetCodec,
  systemClock,
  systemTimers,
} from '@market-pulse/node';
import { sampleCsv } from './sample-csv.js';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const BIG = arg('--big', 1_000_000);
const RUNS = arg('--runs', 9);
const RUN_ROWS = arg('--run-rows', 100_000);
const DAY = arg('--day', 200_000);
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt > 0 ? (process.argv[onlyAt + 1] ?? '').split(',') : undefined;
const wanted = (name: string) => !only || only.includes(name);
const BUSINESS_DATE = '2026-03-13';
const CLI = fileURLToPath(new URL('../../cli/dist/bin.js', import.meta.url));

const load = () => Number((loadavg()[0] ?? 0).toFixed(2));
const report = (name: string, values: Record<string, unknown>) =>
  console.log(JSON.stringify({ name, ...values, loadAvg: load() }));

async function folderBytes(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  let bytes = 0;
  for (const e of entries) if (e.isFile()) bytes += (await stat(join(e.parentPath, e.name))).size;
  return bytes;
}

/** `market-pulse run --source csv` in a child process under `/usr/bin/time -v`. */
async function cliPeakRss(dir: string) {
  const csv = await sampleCsv(BIG, 1, BUSINESS_DATE);
  const dataDir = join(dir, 'cli-data');
  const start = performance.now();
  const child = spawn('/usr/bin/time', ['-v', process.execPath, CLI, 'run', '--source', csv], {
    env: { ...process.env, MP_DATA_DIR: dataDir, MP_UPLOAD_MAX_BYTES: String(2 ** 31) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const peakKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1]);
  report('cli-peak-rss', {
    rows: BIG,
    exitCode: code,
    peakRssMb: Math.round(peakKb / 1024),
    wallMs: Math.round(performance.now() - start),
    storeBytes: await folderBytes(join(dataDir, 'store')),
    exportBytes: await folderBytes(join(dataDir, 'exports')),
    targetPeakRssMb: 1024,
    ...(code === 0 ? {} : { output: (stdout + stderr).slice(-2000) }),
  });
}

/** A store counting the bytes put through it. */
function countingStore(inner: ObjectStore) {
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

/** A sink counting the bytes and files written through it. */
function countingSink(inner: ExportSink) {
  const counter = { bytes: 0, files: 0 };
  const sink: ExportSink = {
    ...inner,
    write: (name, bytes) =>
      inner.write(
        name,
        (async function* () {
          for await (const chunk of bytes) {
            counter.bytes += chunk.length;
            yield chunk;
          }
          counter.files++;
        })(),
      ),
  };
  return { sink, counter };
}

async function withStore(dir: string, name: string) {
  const inner = createFileStore({ dir: join(dir, name, 'store'), durable: false });
  await initializeStore(inner, { rules: REALISTIC_RULES });
  const { store, counter: storeCounter } = countingStore(inner);
  const { sink, counter: sinkCounter } = countingSink(createFolderSink(join(dir, name, 'exports')));
  let n = 0;
  const runWithExports = async (records: ColorRecord[]) => {
    storeCounter.bytes = 0;
    sinkCounter.bytes = 0;
    sinkCounter.files = 0;
    const start = performance.now();
    const record = await runAutomation(
      {
        store,
        clock: systemClock,
        ids: { nextId: () => `bench-${++n}` },
        compress: nativeCompress,
      },
      {
        trigger: 'cli',
        businessDate: BUSINESS_DATE,
        inputs: [{ origin: 'source', processingType: 'AUTOMATED', records }],
      },
    );
    const runMs = performance.now() - start;
    const exportsResult = await refreshExports({
      store,
      sink,
      codec: spreadsheetCodec,
      clock: systemClock,
      ids: randomIds,
      timers: systemTimers,
      probe: createProcessProbe(),
    });
    return {
      output: record.counts.output,
      runMs: Math.round(runMs),
      totalMs: Math.round(performance.now() - start),
      storeBytesWritten: storeCounter.bytes,
      exportBytesWritten: sinkCounter.bytes,
      exportFilesWritten: exportsResult.written?.length ?? 0,
      exportFiles: exportsResult.files.length,
    };
  };
  return { runWithExports };
}

/** New colors of `rows` rows of the view's securities (a desk's later run): prices moved. */
const laterRun = (day: readonly ColorRecord[], from: number, rows: number) =>
  day.slice(from, from + rows).map((r) => ({ ...r, PRICE: Number(r.PRICE ?? 100) + 0.25 }));

const dir = await mkdtemp(join(tmpdir(), 'mp-exports-growth-'));
try {
  if (wanted('cli')) await cliPeakRss(dir);
  if (wanted('later')) {
    const { runWithExports } = await withStore(dir, 'later');
    const day = generateColors({ rows: BIG, seed: 1, businessDate: BUSINESS_DATE });
    report('later-runs: first run', { viewRows: BIG, ...(await runWithExports(day)) });
    for (let i = 0; i < RUNS; i++)
      report(`later-runs: run ${i + 2}`, {
        runRows: RUN_ROWS,
        viewRows: BIG,
        ...(await runWithExports(laterRun(day, i * RUN_ROWS, RUN_ROWS))),
      });
  }
  if (wanted('small')) {
    const { runWithExports } = await withStore(dir, 'small');
    const day = generateColors({ rows: DAY, seed: 2, businessDate: BUSINESS_DATE });
    const first = await runWithExports(day);
    report('small-after-day: the day', { dayRows: DAY, ...first });
    report('small-after-day: 2,000-row run', {
      dayRows: DAY,
      ...(await runWithExports(laterRun(day, 0, 2_000))),
      targetStoreBytes: 5_000_000,
    });
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
