/**
 * Search and a view export over N stored rows (issue 12 item 3): answered from the resident index
 * versus streamed from the store, in one process (no load generator: these are single requests a
 * desk makes, timed one at a time). The data folder is the dashboard bench's (one business day of
 * N rows from core's sample generator; built once under the temp folder) copied aside. Prints one
 * JSON object per figure, each with the load average.
 *
 *   pnpm build && TSX_TSCONFIG_PATH=tsconfig.build.json node --max-old-space-size=6144 --expose-gc \
 *     --import tsx bench/view-reads.bench.ts [--rows 1000000] [--repeat 5] [--stream-repeat 1]
 *     [--formats csv,xlsx]
 *
 * A streamed search reads the whole current view whatever the identifier, so it is timed for two
 * kinds only (a CUSIP and ticker text); the index is timed for all.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createPipeline,
  exportSelection,
  initializeStore,
  isinOfCusip,
  type ObjectStore,
  type SpreadsheetCodec,
  searchCurrentView,
} from '@market-pulse/core';
import { colorsToTable, generateColors } from '@market-pulse/core/sample';
import { createMemorySink, tableSource } from '@market-pulse/core/testing';
import { loadConfig, openNodeHost, randomIds, spreadsheetCodec } from '@market-pulse/node';
import { appDependenciesOf, createApp } from '../src/index.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) =>
  args.includes(name) ? (args[args.indexOf(name) + 1] ?? fallback) : fallback;
const rows = Number(option('--rows', '1000000'));
const repeat = Number(option('--repeat', '5'));
const streamRepeat = Number(option('--stream-repeat', '1'));
const formats = option('--formats', 'csv,xlsx').split(',') as ('csv' | 'xlsx')[];
const BUSINESS_DATE = '2026-03-13';
const gc = () => (globalThis as { gc?: () => void }).gc?.();
const load = () => loadavg().map((n) => Number(n.toFixed(2)));
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const print = (figure: object) => console.log(JSON.stringify({ ...figure, loadavg: load() }));

/** The dashboard bench's data folder of `rows` rows (same key: built once, shared). */
async function dataFolder(): Promise<string> {
  const dir = join(tmpdir(), `mp-dashboard-bench-v1-${rows}`);
  if (existsSync(join(dir, 'ready'))) return dir;
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, 'exports'), { recursive: true });
  const host = openNodeHost({ config: loadConfig({ MP_DATA_DIR: dir }), dataDir: dir, cwd: dir });
  await initializeStore(host.store, { rules: [] });
  const table = colorsToTable(generateColors({ rows, seed: 1, businessDate: BUSINESS_DATE }));
  const codec: SpreadsheetCodec = { write: async function* () {} };
  const record = await createPipeline({
    store: host.store as ObjectStore,
    clock: { now: () => new Date(`${BUSINESS_DATE}T22:30:00Z`) },
    ids: randomIds,
    timers: { setTimeout, clearTimeout: (t) => clearTimeout(t as NodeJS.Timeout) },
    codec,
    sink: createMemorySink(),
    settings: { businessTimeZone: 'America/New_York' },
  }).run({
    trigger: 'cli',
    requestedBy: 'bench',
    source: tableSource('sample-1', [table.header, ...table.rows]),
    businessDate: BUSINESS_DATE,
  });
  await writeFile(join(dir, 'ready'), JSON.stringify({ rows: record.record.counts.output }));
  return dir;
}

/** Milliseconds of each of `n` calls, and their median. */
async function timed<T>(n: number, call: () => Promise<T>): Promise<{ ms: number[]; last: T }> {
  const ms: number[] = [];
  let last: T | undefined;
  for (let i = 0; i < n; i++) {
    gc();
    const started = performance.now();
    last = await call();
    ms.push(Math.round(performance.now() - started));
  }
  return { ms, last: last as T };
}
const median = (ms: number[]) => [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)];

/** Peak RSS while `call` runs (sampled every 50 ms). */
async function peakRss<T>(call: () => Promise<T>): Promise<{ value: T; peakRssMb: number }> {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  try {
    const value = await call();
    return { value, peakRssMb: mb(Math.max(peak, process.memoryUsage().rss)) };
  } finally {
    clearInterval(sampler);
  }
}

/** An export's bytes consumed as a client would: their size and SHA-256. */
async function drain(bytes: AsyncIterable<Uint8Array>) {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of bytes) {
    hash.update(chunk);
    size += chunk.byteLength;
  }
  return { size, sha256: hash.digest('hex').slice(0, 16) };
}

const dir = await mkdtemp(join(tmpdir(), 'mp-view-reads-bench-'));
try {
  await cp(await dataFolder(), dir, { recursive: true });
  const config = loadConfig({ MP_DATA_DIR: dir });
  const host = openNodeHost({ config, dataDir: dir, cwd: dir });
  const store = host.store as ObjectStore;
  const { authenticate: _, ...deps } = appDependenciesOf({ host, config, version: 'bench' });
  const reader = deps.dashboard;
  if (!reader) throw new Error('the node app has no dashboard reader');
  const app = createApp(deps);
  gc();
  let started = performance.now();
  await reader.dataVersion();
  print({
    figure: 'index build',
    rows,
    ms: Math.round(performance.now() - started),
    rssMb: mb(process.memoryUsage().rss),
    heapMb: mb(process.memoryUsage().heapUsed),
  });

  // Identifiers from the data: a CUSIP, its ISIN, a MESSAGE_ID, a ticker's text.
  const some = (await reader.search('A', undefined, { kind: 'ticker', expand: false })).rows;
  const row = some[Math.floor(some.length / 2)] as unknown as {
    CUSIP: string;
    MESSAGE_ID: string;
    TICKER: string;
  };
  const searches = [
    { name: 'CUSIP', identifier: row.CUSIP.toLowerCase(), kind: 'cusip' as const, streamed: true },
    { name: 'ISIN', identifier: isinOfCusip(row.CUSIP), kind: 'isin' as const, streamed: false },
    {
      name: 'MESSAGE_ID',
      identifier: row.MESSAGE_ID,
      kind: 'message_id' as const,
      streamed: false,
    },
    { name: 'any kind (a CUSIP)', identifier: row.CUSIP, kind: 'any' as const, streamed: false },
    {
      name: 'ticker text',
      identifier: row.TICKER.slice(0, 6),
      kind: 'ticker' as const,
      streamed: true,
    },
  ];
  for (const s of searches) {
    const options = { kind: s.kind };
    const indexed = await timed(repeat, () => reader.search(s.identifier, undefined, options));
    const http = await timed(repeat, async () => {
      const q = new URLSearchParams({ identifier: s.identifier, kind: s.kind, limit: '100' });
      const res = await app.request(`/api/search?${q}`);
      if (res.status !== 200) throw new Error(`search answered ${res.status}`);
      return res.json();
    });
    const streamed = s.streamed
      ? await timed(streamRepeat, () => searchCurrentView(store, s.identifier, undefined, options))
      : null;
    if (streamed && JSON.stringify(streamed.last.rows) !== JSON.stringify(indexed.last.rows))
      throw new Error(`${s.name}: the index and the store answered differently`);
    print({
      figure: 'search',
      rows,
      search: s.name,
      found: indexed.last.rows.length,
      indexMedianMs: median(indexed.ms),
      indexMs: indexed.ms,
      httpIndexMedianMs: median(http.ms),
      ...(streamed ? { streamedMedianMs: median(streamed.ms), streamedMs: streamed.ms } : {}),
    });
  }

  // Export of the business date's view (every row): from the index, then streamed from the store.
  for (const format of formats) {
    const selection = { date: BUSINESS_DATE };
    const exportOnce = (resident: boolean) =>
      peakRss(async () => {
        gc();
        const t0 = performance.now();
        const exported = await exportSelection(
          { store, codec: spreadsheetCodec, ...(resident ? { resident: reader } : {}) },
          selection,
          format,
        );
        const rowsReadyMs = Math.round(performance.now() - t0);
        const file = await drain(exported.bytes);
        return {
          rows: exported.rows,
          rowsReadyMs,
          ms: Math.round(performance.now() - t0),
          ...file,
        };
      });
    const indexed = await exportOnce(true);
    const streamed = await exportOnce(false);
    // CSV is byte-identical; an xlsx carries its creation time (two exports of one path differ
    // there too), so its rows are compared by the tests (same rows handed to the codec).
    const identical = indexed.value.sha256 === streamed.value.sha256;
    if (format === 'csv' && !identical)
      throw new Error(`${format}: the index and the store exported different bytes`);
    print({
      figure: 'export of a business date',
      rows,
      format,
      exportedRows: indexed.value.rows,
      bytes: indexed.value.size,
      identical,
      index: {
        rowsReadyMs: indexed.value.rowsReadyMs,
        ms: indexed.value.ms,
        peakRssMb: indexed.peakRssMb,
      },
      streamed: {
        rowsReadyMs: streamed.value.rowsReadyMs,
        ms: streamed.value.ms,
        peakRssMb: streamed.peakRssMb,
      },
    });
  }
  started = performance.now();
  const res = await app.request(`/api/exports?date=${BUSINESS_DATE}&format=csv`);
  const body = await drain(res.body as unknown as AsyncIterable<Uint8Array>);
  print({
    figure: 'GET /api/exports?date=…&format=csv (from the index)',
    rows,
    status: res.status,
    bytes: body.size,
    ms: Math.round(performance.now() - started),
    rssMb: mb(process.memoryUsage().rss),
  });
} finally {
  await rm(dir, { recursive: true, force: true });
}
