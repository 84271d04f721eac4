// The fault test of the store (issue 10, acceptance): seeded single-byte changes and truncations
// of stored objects — made on disk, in the data folder's version files — and then every read path.
// Each one must return what it returned before the damage, or list the damaged object in-band
// (an `unreadable` entry naming its key), or throw an error naming the key. Never other data.
import { cp, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  addUpload,
  cancelUpload,
  createJob,
  createPipeline,
  damagedKey,
  initializeStore,
  listRules,
  listRuns,
  listUploads,
  type ObjectStore,
  pendingUploadInputs,
  type RunListing,
  type RunRecord,
  readCurrentView,
  readRunRecord,
  readRunRows,
  readSystemStatus,
  refreshExports,
  searchCurrentView,
  setRunHidden,
  type Timers,
  type UploadListing,
} from '@market-pulse/core';
import {
  colorsToTable,
  createManualClock,
  createMemorySink,
  generateColors,
  REALISTIC_RULES,
  tableSource,
} from '@market-pulse/core/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFileStore } from '../src/file-store.js';
import { objectDirSegments } from '../src/key-path.js';
import { spreadsheetCodec } from '../src/spreadsheets/index.js';

const CASES = Number(process.env.MP_FAULT_CASES ?? 150);
const SEED = Number(process.env.MP_FAULT_SEED ?? 0x5eed_2026);
const timers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
const clock = createManualClock('2026-03-13T21:00:00Z');

/** mulberry32: a small seeded PRNG, so a failing case can be replayed from its number. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The objects the fault test damages: every kind a read path depends on. */
const TARGETS = [
  /^runs\/\d+\/rows\/\d+\.jsonl(\.zlib)?$/,
  /^runs\/\d+\/(commit|running|visibility)\.json$/,
  /^uploads\/[^/]+\/(upload\.json|records\.jsonl|cancelled\.json)$/,
  /^uploads\/by-hash\//,
  /^views\/current\.json$/,
  /^views\/current\//,
  /^config\/rules\.json$/,
  /^jobs\//,
];

let root: string;
let pristine: string;
let targets: string[];
let committed: (RunRecord | null)[];
let baseline: Awaited<ReturnType<typeof readPaths>>;
const cusip = generateColors({ rows: 60, seed: 71 })[0]?.CUSIP as string;

/** A data folder with runs (one hidden), pending, consumed and cancelled uploads, rules and a job. */
async function buildStore(store: ObjectStore): Promise<void> {
  let n = 0;
  const ids = { nextId: () => `id-${++n}` };
  await initializeStore(store, { rules: REALISTIC_RULES });
  await createJob(
    { store, clock },
    { name: 'close', cron: '0 17 * * 1-5', timezone: 'UTC' },
    { actor: 'cli:tester' },
  );
  const upload = (seed: number) =>
    addUpload(
      { store, clock, ids },
      {
        fileName: `upload-${seed}.csv`,
        bytes: new TextEncoder().encode(`upload ${seed}`),
        contentHash: `hash-${seed}`,
        parsed: { records: generateColors({ rows: 25, seed }), errors: [], notices: [] },
      },
    );
  const pipeline = (seed: number) =>
    createPipeline({
      store,
      clock,
      ids,
      timers,
      sink: createMemorySink(),
      codec: spreadsheetCodec,
      settings: { businessTimeZone: 'UTC' },
      source: tableSource(
        `day-${seed}`,
        (() => {
          const { header, rows } = colorsToTable(generateColors({ rows: 60, seed }));
          return [header, ...rows];
        })(),
      ),
    });
  await upload(61);
  await pipeline(71).run({ requestedBy: 'cli:tester', trigger: 'cli' });
  await pipeline(72).run({ requestedBy: 'cli:tester', trigger: 'cli' });
  await pipeline(73).run({ requestedBy: 'cli:tester', trigger: 'cli' });
  await setRunHidden({ store, clock }, 2, true);
  await upload(62);
  const cancelled = await upload(63);
  await cancelUpload({ store, clock }, cancelled.id, { actor: 'cli:tester' });
}

/**
 * Every read path, each as its outcome: the value, or the error it threw. `committed`: the run
 * records of the undamaged store, whose rows are read.
 */
async function readPaths(store: ObjectStore, committed: readonly (RunRecord | null)[]) {
  const outcome = async <T>(read: () => Promise<T>) => {
    try {
      return { value: await read() };
    } catch (error) {
      return { error };
    }
  };
  const runs = await outcome(() => listRuns(store));
  const records = await Promise.all([1, 2, 3].map((id) => outcome(() => readRunRecord(store, id))));
  const rows = await Promise.all(
    committed.map((record) => outcome(async () => (record ? readRunRows(store, record) : null))),
  );
  const sink = createMemorySink();
  return {
    runs,
    records,
    rows,
    view: await outcome(async () => (await readCurrentView(store)).rows),
    search: await outcome(() => searchCurrentView(store, cusip)),
    uploads: await outcome(() => listUploads(store)),
    pending: await outcome(() => pendingUploadInputs(store)),
    rules: await outcome(() => listRules(store)),
    status: await outcome(() =>
      readSystemStatus({
        store,
        clock,
        sink,
        sectorFormats: ['csv'],
        leaseTtlMs: 60_000,
        checkedBy: 'fault-test',
      }),
    ),
    // Last: it writes (a damaged view is stored anew before the files are written).
    exports: await outcome(async () => {
      const result = await refreshExports(
        { store, sink, codec: spreadsheetCodec, clock, ids: { nextId: () => 'x' }, timers },
        { sectorFormats: ['csv'] },
      );
      const csv = [...sink.files()].filter(([name]) => name.endsWith('.csv')).sort();
      return {
        rows: result.rows,
        files: csv.map(([name, bytes]) => [name, Buffer.from(bytes).toString('base64')]),
      };
    }),
  };
}

/** The latest version file of a key in a data folder. */
async function versionFile(dir: string, key: string): Promise<string> {
  const folder = join(dir, 'objects', ...objectDirSegments(key));
  const versions = (await readdir(folder)).filter((n) => /^\d{16}$/.test(n)).sort();
  return join(folder, versions.at(-1) as string);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mp-faults-'));
  pristine = join(root, 'pristine');
  // Superseded versions are removed at once: fewer files to copy for each case.
  const store = createFileStore({ dir: pristine, durable: false, retireAfterMs: 0 });
  await buildStore(store);
  targets = [];
  for await (const { key } of store.list(''))
    if (TARGETS.some((t) => t.test(key))) targets.push(key);
  committed = await Promise.all([1, 2, 3].map((id) => readRunRecord(store, id)));
  baseline = await readPaths(store, committed);
  // The baseline must itself be whole: every path answered.
  for (const [path, result] of Object.entries(baseline))
    for (const one of Array.isArray(result) ? result : [result])
      expect('value' in one, `${path}: ${'error' in one ? String(one.error) : ''}`).toBe(true);
}, 120_000);
afterAll(() => rm(root, { recursive: true, force: true }));

type Outcome = { value: unknown } | { error: unknown };

/** An error that names the damaged key (details.key, or the message). */
function namesKey(error: unknown, key: string): boolean {
  return damagedKey(error) === key || String((error as Error)?.message).includes(key);
}

/** A listing entry that is the baseline's, or the same id listed as unreadable because of `key`. */
function sameOrNamed<T extends { id: unknown }>(
  got: T[],
  want: T[],
  key: string,
  unreadable: (x: T) => string | undefined,
): string | undefined {
  if (got.length !== want.length) return `${got.length} entries instead of ${want.length}`;
  for (let i = 0; i < got.length; i++) {
    const [g, w] = [got[i] as T, want[i] as T];
    if (JSON.stringify(g) === JSON.stringify(w)) continue;
    if (g.id === w.id && unreadable(g) === key) continue;
    return `entry ${i}: ${JSON.stringify(g).slice(0, 200)}`;
  }
  return undefined;
}

const runUnreadable = (r: RunListing) => (r.state === 'unreadable' ? r.key : undefined);
const uploadUnreadable = (u: UploadListing) =>
  u.status.state === 'unreadable' ? u.status.key : undefined;
// Listed uploads come in upload order, unreadable records last: compare them by id.
const byId = (list: UploadListing[]) => [...list].sort((a, b) => (a.id < b.id ? -1 : 1));

/** Why `got` is wrong for a store with `key` damaged, or undefined when it is right. */
function judge(path: string, got: Outcome, want: Outcome, key: string): string | undefined {
  if ('error' in got)
    return namesKey(got.error, key)
      ? undefined
      : `threw without naming ${key}: ${String((got.error as Error)?.message ?? got.error)}`;
  const [g, w] = [got.value, (want as { value: unknown }).value];
  if (JSON.stringify(g) === JSON.stringify(w)) return undefined;
  if (path === 'runs') return sameOrNamed(g as RunListing[], w as RunListing[], key, runUnreadable);
  if (path === 'uploads')
    return sameOrNamed(
      byId(g as UploadListing[]),
      byId(w as UploadListing[]),
      key,
      uploadUnreadable,
    );
  if (path === 'status') {
    const [gs, ws] = [
      g as Awaited<ReturnType<typeof readSystemStatus>>,
      w as Awaited<ReturnType<typeof readSystemStatus>>,
    ];
    return (
      sameOrNamed(gs.lastRuns, ws.lastRuns, key, runUnreadable) ??
      (gs.unreadableUploads.every((u) => u.key === key)
        ? undefined
        : 'an unreadable upload names another key') ??
      (gs.pendingUploads + gs.unreadableUploads.length >= ws.pendingUploads
        ? undefined
        : 'pending uploads lost') ??
      (gs.currentViewDamage === undefined || gs.currentViewDamage.key === key
        ? undefined
        : 'view damage names another key') ??
      (JSON.stringify(gs.currentView) === JSON.stringify(ws.currentView) || gs.currentViewDamage
        ? undefined
        : 'another current view') ??
      (JSON.stringify(gs.schedule.nextRun) === JSON.stringify(ws.schedule.nextRun) ||
      gs.schedule.unreadable?.key === key
        ? undefined
        : 'another next run')
    );
  }
  return `returned other data: ${JSON.stringify(g).slice(0, 300)}`;
}

it(`every read path returns the same data or names the damaged key, over ${CASES} seeded faults on disk`, async () => {
  const next = random(SEED);
  const failures: string[] = [];
  const started = performance.now();
  const covered = new Set<string>();
  for (let n = 0; n < CASES; n++) {
    const key = targets[Math.floor(next() * targets.length)] as string;
    const dir = join(root, `case-${n}`);
    await cp(pristine, dir, { recursive: true });
    const file = await versionFile(dir, key);
    const { size } = await stat(file);
    let fault: string;
    if (next() < 0.5) {
      const length = Math.floor(next() * size);
      await truncate(file, length);
      fault = `truncated to ${length} of ${size} bytes`;
    } else {
      const bytes = await readFile(file);
      const at = Math.floor(next() * size);
      const old = bytes[at] as number;
      bytes[at] = (old + 1 + Math.floor(next() * 255)) % 256;
      await writeFile(file, bytes);
      fault = `byte ${at} of ${size}: ${old} → ${bytes[at]}`;
    }
    covered.add(key.replace(/\d+/g, 'N'));
    const got = await readPaths(createFileStore({ dir, durable: false }), committed);
    for (const [path, outcome] of Object.entries(got)) {
      const want = baseline[path as keyof typeof baseline];
      const pairs: [Outcome, Outcome][] = Array.isArray(outcome)
        ? outcome.map((o, i) => [o, (want as Outcome[])[i] as Outcome])
        : [[outcome as Outcome, want as Outcome]];
      for (const [g, w] of pairs) {
        const wrong = judge(path, g, w, key);
        if (wrong) failures.push(`case ${n}: ${key} ${fault}: ${path}: ${wrong}`);
      }
    }
    await rm(dir, { recursive: true, force: true });
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `store fault test: ${CASES} cases over ${covered.size} kinds of object in ${seconds} s`,
  );
  expect(failures).toEqual([]);
  expect(covered.size).toBeGreaterThanOrEqual(10);
}, 600_000);
