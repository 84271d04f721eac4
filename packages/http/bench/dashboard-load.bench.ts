/**
 * The dashboard under load (issue 12): a data folder with one business day of N processed rows
 * (core's sample generator; built once and kept under the temp folder, keyed by its parameters),
 * the `serve` app over it on 127.0.0.1 (port 0), and autocannon in its own process against fixed
 * scenarios at 10 and 50 connections. Prints one JSON object per figure: the index build (time,
 * heap, RSS), each scenario's p50/p99/req/s, the first (uncached) answer of each scenario, and
 * the time from a new run's commit to its rows being served. Records the load average with each
 * (the machine is shared: compare figures only at a similar load).
 *
 * Every request is signed in (bearer access token), as `serve` requires. The issue 12 mix runs
 * three ways: signed in; signed in with a browser's `Accept-Encoding` (compressed answers); and on
 * the same process, index and data without accounts (no token, no scope) — the difference between
 * the first and the last is what authentication + scoping add (issue 13). The last line is a
 * summary with the target.
 *
 *   pnpm build && TSX_TSCONFIG_PATH=tsconfig.build.json node --max-old-space-size=6144 --expose-gc \
 *     --import tsx bench/dashboard-load.bench.ts [--rows 1000000,100000] [--duration 10] \
 *     [--connections 10,50] [--only mix] [--variants signed-in,browser,no-accounts]
 * (`--only mix` runs the mix and its variants only; `--variants` picks among those three;
 * `--cpu-prof` before `--import` profiles the server, the load generator being another process.)
 * Each scenario's paths are asked once before it is measured (first answers build posting lists
 * and sort orders: `firstAnswerMs`), so the figures are the steady state.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  addUser,
  createPipeline,
  initializeStore,
  type ObjectStore,
  type SpreadsheetCodec,
  signIn,
} from '@market-pulse/core';
import { colorsToTable, generateColors } from '@market-pulse/core/sample';
import { createMemorySink, tableSource } from '@market-pulse/core/testing';
import { loadConfig, openNodeHost, randomIds } from '@market-pulse/node';
import { appDependenciesOf, createApp, listen } from '../src/index.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) =>
  args.includes(name) ? (args[args.indexOf(name) + 1] ?? fallback) : fallback;
const sizes = option('--rows', '1000000,100000').split(',').map(Number);
const durationS = Number(option('--duration', '10'));
const connectionCounts = option('--connections', '10,50').split(',').map(Number);
const only = option('--only', '');
const variants = option('--variants', 'signed-in,browser,no-accounts').split(',');
const MIX = 'mix (issue 12: page of 50, one filter, default sort; current and history; hierarchy)';
const BROWSER = { 'accept-encoding': 'gzip, deflate, br' };
const BUSINESS_DATE = '2026-03-13';
const FORMAT = 'v1';
const here = dirname(fileURLToPath(import.meta.url));
const gc = () => (globalThis as { gc?: () => void }).gc?.();
const load = () => loadavg().map((n) => Number(n.toFixed(2)));
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const print = (figure: object) => console.log(JSON.stringify({ ...figure, loadavg: load() }));

/** A pipeline that writes runs into `store` (exports go nowhere: only the rows matter here). */
function pipelineOver(store: ObjectStore) {
  const codec: SpreadsheetCodec = { write: async function* () {} };
  return createPipeline({
    store,
    clock: { now: () => new Date(`${BUSINESS_DATE}T22:30:00Z`) },
    ids: randomIds,
    timers: { setTimeout, clearTimeout: (t) => clearTimeout(t as NodeJS.Timeout) },
    codec,
    sink: createMemorySink(),
    settings: { businessTimeZone: 'America/New_York' },
  });
}

async function commitSample(store: ObjectStore, rows: number, seed: number) {
  const table = colorsToTable(generateColors({ rows, seed, businessDate: BUSINESS_DATE }));
  const source = tableSource(`sample-${seed}`, [table.header, ...table.rows]);
  return (
    await pipelineOver(store).run({
      requestedBy: 'cli:tester',
      trigger: 'cli',
      source,
      businessDate: BUSINESS_DATE,
    })
  ).record;
}

/** The data folder of `rows` rows, built on first use and kept (keyed by its parameters). */
async function dataFolder(rows: number): Promise<string> {
  const dir = join(tmpdir(), `mp-dashboard-bench-${FORMAT}-${rows}`);
  if (existsSync(join(dir, 'ready'))) return dir;
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, 'exports'), { recursive: true });
  const started = performance.now();
  const host = openNodeHost({ config: loadConfig({ MP_DATA_DIR: dir }), dataDir: dir, cwd: dir });
  await initializeStore(host.store, { rules: [] });
  const record = await commitSample(host.store, rows, 1);
  await writeFile(join(dir, 'ready'), JSON.stringify({ rows: record.counts.output }));
  print({ figure: 'data folder built', rows, ms: Math.round(performance.now() - started) });
  return dir;
}

/** Runs autocannon in its own process against `paths` of `url`. */
function loadTest(
  url: string,
  paths: string[],
  connections: number,
  headers: Record<string, string>,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        join(here, 'load-client.mjs'),
        JSON.stringify({ url, paths, connections, durationS, seed: 12345, headers }),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load client exited ${code}`)),
    );
  });
}

async function measure(rows: number) {
  // A copy: the commit-to-served measure adds a run, and the cached folder must stay as built.
  const dir = await mkdtemp(join(tmpdir(), 'mp-dashboard-bench-run-'));
  try {
    await cp(await dataFolder(rows), dir, { recursive: true });
    const stored = JSON.parse(await readFile(join(dir, 'ready'), 'utf8')) as { rows: number };
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const startedServe = performance.now();
    const config = loadConfig({ MP_DATA_DIR: dir });
    const host = openNodeHost({ config, dataDir: dir, cwd: dir });
    const deps = appDependenciesOf({ host, config, version: 'bench' });
    const server = await listen(createApp(deps), { port: 0, host: '127.0.0.1' });
    const url = server.url.replace(/\/$/, '');
    // The same process, index and data without accounts: every request is the local operator.
    const { accounts: _a, authenticate: _b, scopeOf: _c, ...withoutAccounts } = deps;
    const open = await listen(createApp(withoutAccounts), { port: 0, host: '127.0.0.1' });
    const openUrl = open.url.replace(/\/$/, '');
    // Every request signed in, as serve requires: the figures include authentication (token and
    // session check) and the reader's scope (entitlements and CLO mappings read per request).
    const auth = await (deps.accounts as NonNullable<typeof deps.accounts>).auth();
    const email = 'bench@desk.example';
    const password = 'quartz lantern orchard 9147';
    await addUser(
      auth,
      { email, name: 'Bench', role: 'viewer', assetClasses: ['*'], password },
      'bench',
    ).catch((err: { code?: string }) => {
      if (err.code !== 'CONFLICT') throw err;
    });
    const headers = {
      authorization: `Bearer ${(await signIn(auth, { email, password }, 'bench')).accessToken}`,
    };
    const fetch = (input: string) => globalThis.fetch(input, { headers });
    try {
      // Start-up: the first answer builds the index from the stored runs.
      let started = performance.now();
      const first = await fetch(`${url}/api/dashboard/colors?limit=50`);
      const firstBody = (await first.json()) as {
        total: number;
        items: { CUSIP: string; MESSAGE_ID: string }[];
      };
      const firstMs = performance.now() - started;
      const startupMs = performance.now() - startedServe;
      gc();
      const figures = deps.dashboard?.figures();
      print({
        figure: 'serve start-up (host opened, listening, index built, first page answered)',
        rows: stored.rows,
        startupMs: Math.round(startupMs),
        firstRequestMs: Math.round(firstMs),
        buildMs: figures?.lastBuildMs,
        heapMb: mb(process.memoryUsage().heapUsed - heapBefore),
        heapBytesPerRow: Math.round((process.memoryUsage().heapUsed - heapBefore) / stored.rows),
        rssMb: mb(process.memoryUsage().rss),
      });
      // Identifiers to filter by, from the data itself.
      const all = (await (
        await fetch(`${url}/api/dashboard/colors?hierarchy=false&limit=1000&view=history`)
      ).json()) as { items: { CUSIP: string; MESSAGE_ID: string }[] };
      const cusips = [...new Set(all.items.map((r) => r.CUSIP))].slice(0, 500);
      const sectors = (
        (await (await fetch(`${url}/api/dashboard/stats`)).json()) as {
          sectors: string[];
        }
      ).sectors;
      const page = '/api/dashboard/colors?limit=50';
      const scenarios: Record<string, string[]> = {
        'first page (current, hierarchy)': [page],
        'filtered by sector': sectors.map((s) => `${page}&sector=${encodeURIComponent(s)}`),
        'filtered by CUSIP (500 different)': cusips.map((c) => `${page}&cusip=${c}`),
        'sorted by PX ascending': [`${page}&sort=PX&order=asc`],
        'deep page': [`${page}&skip=${Math.max(0, Math.floor(firstBody.total / 2))}`],
        'history, flat': [`${page}&view=history&hierarchy=false`],
        'mix (issue 12: page of 50, one filter, default sort; current and history; hierarchy)': [
          page,
          `${page}&view=history`,
          ...sectors.map((s) => `${page}&sector=${encodeURIComponent(s)}`),
          ...sectors.map((s) => `${page}&view=history&sector=${encodeURIComponent(s)}`),
          ...cusips.slice(0, 50).map((c) => `${page}&cusip=${c}`),
        ],
      };
      const summary: Record<string, unknown> = {};
      const runs: [string, string[], string, Record<string, string>][] = [
        ...Object.entries(scenarios).map(
          ([name, paths]) =>
            [name, paths, url, headers] as [string, string[], string, Record<string, string>],
        ),
        [
          `${MIX}, browser Accept-Encoding (gzip, deflate, br)`,
          scenarios[MIX] as string[],
          url,
          { ...headers, ...BROWSER },
        ],
        [
          `${MIX}, same app without accounts (no token, no scope)`,
          scenarios[MIX] as string[],
          openUrl,
          {},
        ],
      ];
      const variantOf = (name: string) =>
        name.includes('browser')
          ? 'browser'
          : name.includes('without accounts')
            ? 'no-accounts'
            : 'signed-in';
      for (const [scenario, paths, base, sent] of runs.filter(
        ([name]) => name.includes(only) && variants.includes(variantOf(name)),
      )) {
        // The first answer of a query shape builds its sort order and posting lists.
        started = performance.now();
        const res = await globalThis.fetch(`${base}${paths[0]}`, { headers: sent });
        if (res.status !== 200) throw new Error(`${paths[0]} answered ${res.status}`);
        await res.arrayBuffer();
        const firstAnswerMs = Math.round(performance.now() - started);
        // Warm: every path once (posting lists, sort orders, kept answers), then measure.
        for (const path of paths)
          await (await globalThis.fetch(`${base}${path}`, { headers: sent })).arrayBuffer();
        for (const connections of connectionCounts) {
          const result = (await loadTest(base, paths, connections, sent)) as {
            p50Ms: number;
            p99Ms: number;
            reqPerSec: number;
          };
          print({
            figure: 'load',
            rows: stored.rows,
            scenario,
            connections,
            durationS,
            signedIn: base === url,
            acceptEncoding: sent['accept-encoding'] ?? null,
            firstAnswerMs,
            ...result,
          });
          summary[`${scenario} @${connections}`] = {
            p50Ms: result.p50Ms,
            p99Ms: result.p99Ms,
            reqPerSec: result.reqPerSec,
            loadavg: load(),
          };
        }
      }
      // A new run committed (as by another process): how long until its rows are served.
      const before = firstBody as unknown as { total: number };
      const versionOf = async () =>
        (
          (await (await fetch(`${url}/api/dashboard/colors?limit=1`)).json()) as {
            dataVersion: number;
          }
        ).dataVersion;
      const oldVersion = await versionOf();
      await commitSample(host.store, 10_000, 2);
      started = performance.now();
      while ((await versionOf()) === oldVersion)
        await new Promise((resolve) => setTimeout(resolve, 5));
      print({
        figure: 'commit to served (a 10,000-row run, another writer)',
        rows: stored.rows,
        freshnessMs: config.dashboard.freshnessMs,
        ms: Math.round(performance.now() - started),
        buildMs: deps.dashboard?.figures()?.lastBuildMs,
        runsRead: deps.dashboard?.figures()?.lastBuildRunsRead,
        previousTotal: before.total,
        rssMb: mb(process.memoryUsage().rss),
      });
      const mix50 = summary[`${MIX} @50`] as { p99Ms: number } | undefined;
      print({
        figure: 'summary',
        rows: stored.rows,
        target: 'issue 12: p99 < 25 ms at 50 connections, signed in, the mix',
        met: mix50 ? mix50.p99Ms < 25 : null,
        ...summary,
      });
    } finally {
      await Promise.all([server.close(), open.close()]);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

for (const rows of sizes) await measure(rows);
